"""nemo-video: words and images in, a ready-to-share video out.

Nothing happens at import: settings are built by the entry points and passed down.
"""

__version__ = "0.1.0"
SKILL_NAME = "meta-video-generation-free"

__all__ = ["SKILL_NAME", "__version__"]
