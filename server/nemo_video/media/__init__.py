"""ffmpeg location, short runs and probing, shared by the service and both backends.

``ffmpeg`` finds the binary and runs short commands without touching stdin/stdout; ``probe`` reads what
ffmpeg says about a file. Re-exported here so callers can write ``from nemo_video import media`` and use
``media.locate`` / ``media.run`` / ``media.probe``.
"""

from .ffmpeg import locate, run
from .probe import PROBE_TIMEOUT_S, MediaInfo, moov_before_mdat, parse_probe, probe

__all__ = ["PROBE_TIMEOUT_S", "MediaInfo", "locate", "moov_before_mdat", "parse_probe", "probe", "run"]
