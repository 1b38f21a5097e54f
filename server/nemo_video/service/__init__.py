"""The service both faces (MCP, CLI) call: one backend, each client's session, long work as jobs.

Public API (everything async unless marked; every action takes ``client="default"``, the name of the
caller's video session: clients never see one another's timeline, jobs or exports)::

    async with VideoService(settings, backend=None, project="default") as svc:
        svc.backend / svc.settings / svc.spends_credits          # spends_credits: cloud ⇒ ask consent first
        await svc.session(client) -> Session     # the client's current session; a restart continues it
        await svc.new_session(client) -> Session
        await svc.upload(paths=(), urls=(), roots=()) -> UploadResult   # sandboxed to svc.roots(roots)
        await svc.credits() -> Credits
        await svc.state() -> StateResult                        # summary, draft, media, recent jobs
        await svc.start_generate(text, paths=(), urls=(), confirm_spend=False, roots=()) -> Job
        await svc.start_export(format="mp4", quality="high", filename=None, height=None,
                               overwrite=False) -> Job
        await svc.rerun(job_id) -> Job                          # re-run an export, variants or batch as it was
        await svc.wait(job_id, timeout_s, on_update=None, heartbeat_s=5.0) -> JobRecord
        svc.job(job_id) -> JobRecord                            # (sync) the job as it stands
        await svc.cancel(job_id) -> JobRecord                   # returns once the work has stopped
        svc.plan(text) -> AskPlan                               # (sync) route, spends_credits, export_follows
        await svc.ask(text, confirm_spend=False, roots=(), plan=None) -> Asked(plan, result | Job)

Jobs: ``job.record`` (a :class:`JobRecord`: id, kind, client, status, fraction, message, result, error);
``job.progress(fraction, message)`` is the ``on_progress`` callback; ``on_update(record, heartbeat)``
passed to :meth:`VideoService.wait` is awaited on every change and at least every ``heartbeat_s``
(``heartbeat=True`` when nothing new happened: draw "still working"). A job's body returns a typed
:class:`GenerateResult` (kind ``message``) or :class:`ExportResult` (kind ``render``), kept as
``job.result``, or raises a :class:`NemoVideoError`, kept as ``job.error``; the record holds their JSON
(``error`` is ``NemoVideoError.to_dict()``: code, message, hint). A render is one awaited backend call
(``Backend.render``); cancelling its job cancels that call, so no file is left.

Errors are :class:`~nemo_video.errors.NemoVideoError`: ``consent_required`` (cloud generate without
``confirm_spend``), ``nothing_to_export``, ``path_not_allowed``, ``unknown_job``, and the backend's.
"""

from .ask import Asked, AskPlan, ExportOptions
from .core import VideoService
from .jobs import Job, JobRecord
from .results import EditResult, ExportResult, GenerateResult, JobView, OfferedAction, StateResult, UploadResult

__all__ = [
    "AskPlan",
    "Asked",
    "EditResult",
    "ExportOptions",
    "ExportResult",
    "GenerateResult",
    "Job",
    "JobRecord",
    "JobView",
    "OfferedAction",
    "StateResult",
    "UploadResult",
    "VideoService",
]
