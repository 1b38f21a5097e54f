"""A loopback NemoVideo: a real HTTP server speaking the contract, scriptable per test."""

from .server import Fault, NemoDouble, Recorded, RenderScript

__all__ = ["Fault", "NemoDouble", "Recorded", "RenderScript"]
