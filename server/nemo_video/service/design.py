"""An export's design report, measured on the written file (``nemo_video.report``).

Measuring never fails an export: a file the report cannot read (a cloud draft whose pictures are not
on this machine, say) is logged and the result goes back without a report.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..draft import Draft
from ..errors import NemoVideoError
from ..report import measure_export
from .results import ExportResult

logger = logging.getLogger(__name__)


async def with_design_report(result: ExportResult, draft: Draft, ffmpeg: str) -> ExportResult:
    """``result`` with its design report."""
    path = Path(result.path)
    try:
        report = await measure_export(draft, path, ffmpeg, result.height or 1080, result.format)
    except (NemoVideoError, OSError, ValueError, TimeoutError) as exc:
        logger.warning("No design report for %s: %s", path.name, exc)
        return result
    return result.model_copy(update={"design_report": report})
