"""The MCP server: tools over :class:`~nemo_video.service.VideoService` (thin: validate, call, shape).

Long work never blocks past ``wait_s``: the tool waits on the job, forwarding progress notifications
at least every few seconds, then hands back ``status: running`` with the ``job_id`` for ``job_status``.
A cancelled call stops waiting; the job itself keeps running in the service.

Tools raise :class:`~nemo_video.errors.NemoVideoError`; the server's one tool-call boundary
(:mod:`.boundary`) turns it, and anything unexpected, into the ``isError`` result a client gets.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlparse

from mcp.server.mcpserver import (
    AcceptedElicitation,
    Context,
    Elicit,
    ElicitationResult,
    ListRoots,
    MCPServer,
    Resolve,
)
from mcp_types import CallToolResult, ListRootsResult, ToolAnnotations
from pydantic import Field

from .. import __version__
from ..backends.base import OutputFormat, Quality
from ..composition import Operation
from ..errors import ErrorCode, NemoVideoError
from ..service import Job, StateResult, UploadResult, VideoService
from . import content, descriptions
from .clients import SessionName, client_of
from .models import AskOutput, CreditsOutput, JobOutput, SpendConsent
from .progress import ProgressReporter

DEFAULT_WAIT_S = 40
BATCH_TITLE = "Make many videos from a file"
BATCH_DESCRIPTION = (
    "Make one video per row of a CSV or JSON Lines file (columns name, request, media, optional formats): "
    "one session and one render per row, progress per row, a results file (JSON Lines) in the output folder. "
    "Bad rows are reported with their line numbers before anything renders; failing rows never stop the others; "
    "running the same file again skips rows already done. Follow with job_status. On the cloud backend each "
    "row's request spends credits (confirm_spend); a row's request is never sent twice."
)
Aspect = Literal["9:16", "1:1", "4:5", "16:9"]
MAX_WAIT_S = 50

WaitS = Annotated[
    int,
    Field(
        ge=0,
        le=MAX_WAIT_S,
        description=(
            "Seconds to wait for the work before returning status 'running' with a job_id "
            f"(default {DEFAULT_WAIT_S}, max {MAX_WAIT_S}; hosts cut calls near 60 s)."
        ),
    ),
]
Paths = Annotated[
    list[str] | None, Field(description=("Local files (absolute paths are safest): images, videos, audio."))
]
Urls = Annotated[list[str] | None, Field(description="Public http(s) URLs of media files.")]
ConfirmSpend = Annotated[
    bool,
    Field(
        description=(
            "Cloud backend only: true when the user already agreed to spend credits on this request. "
            "Ignored by the free local backend."
        )
    ),
]


@dataclass
class AppState:
    service: VideoService
    heartbeat_s: float = 5.0


def _app(ctx: Context) -> AppState:
    state = ctx.request_context.lifespan_context
    assert isinstance(state, AppState)
    return state


# ---------------------------------------------------------------- resolvers (consent, roots)


def spend_consent(confirm_spend: bool, ctx: Context) -> Elicit[SpendConsent] | SpendConsent:
    """Ask before spending cloud credits: elicitation if the client can, else the explicit argument."""
    if not _app(ctx).service.spends_credits or confirm_spend:
        return SpendConsent(approve=True)
    caps = ctx.client_capabilities
    if caps is not None and caps.elicitation is not None:
        return Elicit("This request goes to the NemoVideo cloud agent and spends credits. Go ahead?", SpendConsent)
    return SpendConsent(approve=False)


def ask_consent(text: str, confirm_spend: bool, ctx: Context) -> Elicit[SpendConsent] | SpendConsent:
    try:
        spends = _app(ctx).service.plan(text).spends_credits
    except NemoVideoError:
        return SpendConsent(approve=False)  # the tool reports the error itself
    return spend_consent(confirm_spend, ctx) if spends else SpendConsent(approve=True)


def client_roots(ctx: Context) -> ListRoots | None:
    """The folders the client announced (MCP roots), when it announces any."""
    caps = ctx.client_capabilities
    return ListRoots() if caps is not None and caps.roots is not None else None


Consent = Annotated[ElicitationResult[SpendConsent], Resolve(spend_consent)]
AskConsent = Annotated[ElicitationResult[SpendConsent], Resolve(ask_consent)]
Roots = Annotated[ListRootsResult | None, Resolve(client_roots)]


def _root_paths(roots: ListRootsResult | None) -> list[Path]:
    if roots is None:
        return []
    return [Path(unquote(urlparse(str(r.uri)).path)) for r in roots.roots if str(r.uri).startswith("file:")]


def _approved(consent: ElicitationResult[SpendConsent]) -> bool:
    if isinstance(consent, AcceptedElicitation) and consent.data.approve:
        return True
    raise NemoVideoError(
        ErrorCode.CONSENT_REQUIRED, "The user did not agree to spend NemoVideo credits on this request."
    )


async def _wait(ctx: Context, job: Job | str, wait_s: int, client: str) -> CallToolResult:
    app = _app(ctx)
    job_id = job if isinstance(job, str) else job.id
    reporter = ProgressReporter(ctx.report_progress)
    record = await app.service.wait(job_id, float(wait_s), reporter, heartbeat_s=app.heartbeat_s, client=client)
    return content.job(JobOutput.of(record))


# ---------------------------------------------------------------- tools


async def generate_video(
    request: Annotated[str, Field(description="What to make or change, in the user's words.")],
    consent: Consent,
    roots: Roots,
    ctx: Context,
    paths: Paths = None,
    urls: Urls = None,
    wait_s: WaitS = DEFAULT_WAIT_S,
    confirm_spend: ConfirmSpend = False,
    session: SessionName = None,
) -> Annotated[CallToolResult, JobOutput]:
    svc, client = _app(ctx).service, client_of(ctx, session)
    job = await svc.start_generate(
        request, paths or [], urls or [], confirm_spend=_approved(consent), roots=_root_paths(roots), client=client
    )
    return await _wait(ctx, job, wait_s, client)


async def upload_media(
    roots: Roots,
    ctx: Context,
    paths: Paths = None,
    urls: Urls = None,
    session: SessionName = None,
) -> Annotated[CallToolResult, UploadResult]:
    client = client_of(ctx, session)
    result = await _app(ctx).service.upload(paths or [], urls or [], roots=_root_paths(roots), client=client)
    names = ", ".join(f"{a.name} ({a.kind})" for a in result.assets)
    return content.ok(result, f"Uploaded {len(result.assets)} file(s): {names}. Next: generate_video.")


async def get_credits(ctx: Context) -> Annotated[CallToolResult, CreditsOutput]:
    credits = await _app(ctx).service.credits()
    out = CreditsOutput.model_validate(credits.model_dump())
    shown = "unlimited (local backend)" if out.unlimited else f"{out.available} available"
    return content.ok(out, f"Credits: {shown}.")


async def get_state(ctx: Context, session: SessionName = None) -> Annotated[CallToolResult, StateResult]:
    state = await _app(ctx).service.state(client_of(ctx, session))
    kit = f"\nBrand kit (new videos start with it): {state.brand_kit.describe()}" if state.brand_kit else ""
    return content.ok(state, state.summary + kit)


async def edit_video(
    operations: Annotated[
        list[Operation],
        Field(
            min_length=1,
            max_length=200,
            description=(
                "Typed edits applied in order, all or none. Ids come from get_state: scenes 's1'..., texts 't1'..., "
                "media by their id. undo or redo must be alone in the list."
            ),
        ),
    ],
    consent: Consent,
    ctx: Context,
    wait_s: WaitS = DEFAULT_WAIT_S,
    confirm_spend: ConfirmSpend = False,
    session: SessionName = None,
) -> Annotated[CallToolResult, JobOutput]:
    client = client_of(ctx, session)
    job = await _app(ctx).service.start_edit(operations, confirm_spend=_approved(consent), client=client)
    return await _wait(ctx, job, wait_s, client)


async def export_video(
    ctx: Context,
    format: Annotated[OutputFormat, Field(description="mp4 (default), webm, mov or gif.")] = "mp4",
    quality: Annotated[Quality, Field(description="high (default) or draft (faster).")] = "high",
    filename: Annotated[str | None, Field(description="File name without folder; never overwrites.")] = None,
    height: Annotated[
        int | None,
        Field(
            ge=64,
            le=4320,
            description=(
                "Output height in pixels (width follows the aspect ratio); default the timeline's, e.g. 1920."
            ),
        ),
    ] = None,
    wait_s: WaitS = DEFAULT_WAIT_S,
    session: SessionName = None,
    variants: Annotated[
        list[Aspect] | None,
        Field(
            description="Also lay the video out for these formats, one file each (e.g. ['9:16','1:1','16:9']).",
            max_length=4,
        ),
    ] = None,
) -> Annotated[CallToolResult, JobOutput]:
    svc, client = _app(ctx).service, client_of(ctx, session)
    if variants:
        from ..service.variants import start_variants

        job = await start_variants(
            svc, variants, format=format, quality=quality, filename=filename, height=height, client=client
        )
    else:
        job = await svc.start_export(format=format, quality=quality, filename=filename, height=height, client=client)
    return await _wait(ctx, job, wait_s, client)


async def batch_videos(
    file: Annotated[
        str,
        Field(
            description="A .csv or .jsonl file: columns name, request, media (paths or URLs; "
            "';'-separated in CSV, a list in JSONL) and optional formats (e.g. '9:16;1:1')."
        ),
    ],
    consent: Consent,
    roots: Roots,
    ctx: Context,
    format: Annotated[OutputFormat, Field(description="mp4 (default), webm, mov or gif.")] = "mp4",
    quality: Annotated[Quality, Field(description="high (default) or draft (faster).")] = "high",
    height: Annotated[int | None, Field(ge=64, le=4320, description="Output height in pixels.")] = None,
    wait_s: WaitS = DEFAULT_WAIT_S,
    confirm_spend: ConfirmSpend = False,
    session: SessionName = None,
) -> Annotated[CallToolResult, JobOutput]:
    from ..service.batch import start_batch

    client = client_of(ctx, session)
    job = await start_batch(
        _app(ctx).service,
        file,
        format=format,
        quality=quality,
        height=height,
        confirm_spend=_approved(consent),
        roots=_root_paths(roots),
        client=client,
    )
    return await _wait(ctx, job, wait_s, client)


async def job_status(
    job_id: Annotated[str, Field(description="The job_id a previous call returned.")],
    ctx: Context,
    wait_s: WaitS = DEFAULT_WAIT_S,
    session: SessionName = None,
) -> Annotated[CallToolResult, JobOutput]:
    return await _wait(ctx, job_id, wait_s, client_of(ctx, session))


async def cancel_job(
    job_id: Annotated[str, Field(description="The job_id to stop.")],
    ctx: Context,
    session: SessionName = None,
) -> Annotated[CallToolResult, JobOutput]:
    record = await _app(ctx).service.cancel(job_id, client_of(ctx, session))
    return content.job(JobOutput.of(record))


async def ask(
    text: Annotated[str, Field(description="The user's request in their words (any language).")],
    consent: AskConsent,
    roots: Roots,
    ctx: Context,
    wait_s: WaitS = DEFAULT_WAIT_S,
    confirm_spend: ConfirmSpend = False,
    session: SessionName = None,
) -> Annotated[CallToolResult, AskOutput]:
    svc, client = _app(ctx).service, client_of(ctx, session)
    approved = isinstance(consent, AcceptedElicitation) and consent.data.approve
    asked = await svc.ask(text, confirm_spend=approved, roots=_root_paths(roots), client=client)
    plan, result = asked.plan, asked.result
    route, reason = plan.route, plan.reason
    if isinstance(result, Job):
        inner = await _wait(ctx, result, wait_s, client)
        if inner.is_error:
            return inner
        job = JobOutput.model_validate(inner.structured_content)
        next_step = job.next_step
        if plan.export_follows and job.status == "completed":
            next_step = "call export_video: the request also asked for the video file"
        out = AskOutput(
            route=route,
            reason=reason,
            next_step=next_step,
            job=job,
            session=client,
            spends_credits=plan.spends_credits,
            export_follows=plan.export_follows,
            export_options=plan.export if plan.export_follows else None,
        )
        return content.ok(out, f"Routed to {route} ({reason}).\n{_text(inner)}")
    fields: dict[str, Any] = {route: result}
    out = AskOutput(
        route=route,
        reason=reason,
        next_step=_after(route),
        session=client,
        spends_credits=plan.spends_credits,
        **fields,
    )
    return content.ok(out, f"Routed to {route} ({reason}).")


def _text(result: CallToolResult) -> str:
    first = result.content[0] if result.content else None
    return str(getattr(first, "text", "")).split("\n\n{")[0]


def _after(route: str) -> str:
    return {
        "credits": "generate_video or export_video",
        "state": "generate_video to change it, or export_video",
        "upload": "generate_video to use the media",
    }.get(route, "get_state")


# ---------------------------------------------------------------- the server


def build_server(service: VideoService, *, heartbeat_s: float = 5.0) -> MCPServer[AppState]:
    """An MCPServer over an open ``service`` (one service, any number of client sessions)."""
    from mcp.server.subscriptions import InMemorySubscriptionBus

    from .boundary import CheckedMCPServer
    from .prompts import register_prompts
    from .protocol import register_protocol
    from .resources import register_resources

    @asynccontextmanager
    async def lifespan(_: MCPServer[AppState]) -> AsyncIterator[AppState]:
        yield AppState(service, heartbeat_s)

    bus = InMemorySubscriptionBus()  # subscriptions/listen (2026-07-28): resource changes reach listeners
    server: MCPServer[AppState] = CheckedMCPServer(
        "nemo-video",
        title="nemo-video",
        version=__version__,
        instructions=descriptions.INSTRUCTIONS,
        lifespan=lifespan,
        log_level="WARNING",
        subscriptions=bus,
    )
    cloud = service.backend_name == "cloud"
    for fn, read_only, idempotent, open_world, destructive in (
        (generate_video, False, False, cloud, False),
        (upload_media, False, False, True, False),
        (get_credits, True, True, cloud, False),
        (get_state, True, True, cloud, False),
        (edit_video, False, False, cloud, False),
        (export_video, False, False, cloud, False),
        (job_status, True, True, False, False),
        (cancel_job, False, True, False, True),
        (ask, False, False, cloud, False),
        (batch_videos, False, False, cloud, False),
    ):
        name = fn.__name__
        title = descriptions.TITLES.get(name) or BATCH_TITLE
        server.add_tool(
            fn,
            name=name,
            title=title,
            description=descriptions.TOOLS.get(name) or BATCH_DESCRIPTION,
            annotations=ToolAnnotations(
                title=title,
                read_only_hint=read_only,
                destructive_hint=destructive,
                idempotent_hint=idempotent,
                open_world_hint=open_world,
            ),
        )
    register_resources(server, service)
    register_prompts(server)
    register_protocol(server, service, bus)
    return server
