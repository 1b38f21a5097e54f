"""Security: where tokens live and that they never show, the HTTP transport's refusals, the input
sandbox and URL guard through the MCP tools, how ffmpeg is run, and concurrency that must not race."""

from __future__ import annotations

import json
import logging
import os
import socket
import stat
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import uvicorn

from mcp import Client
from nemo_video.backends.base import RenderRequest
from nemo_video.backends.cloud import CloudBackend
from nemo_video.backends.local.render import graph
from nemo_video.backends.local.render.filters import INPUT_OPTIONS
from nemo_video.backends.local.render.plan import SourceFacts, build_plan
from nemo_video.backends.local.store import Store
from nemo_video.config import Secret, Settings
from nemo_video.demo import make_sample_media
from nemo_video.mcp.http import build_http_app
from nemo_video.media import locate, probe
from nemo_video.service import VideoService
from tests.conftest import fixture_json
from tests.double import Fault, NemoDouble, sse
from tests.mcp.conftest import serving
from tests.reliability.helpers import PYTHON, env_for
from tests.reliability.inputs import temporaries
from tests.render.builders import draft, image_segment, picture, text_segment

FINISHED = fixture_json("state_latest.json")["data"]["state"]
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}},
}
HEADERS = {"content-type": "application/json", "accept": "application/json, text/event-stream"}


# ---------------------------------------------------------------- tokens


def test_tokens_come_from_the_environment_and_never_print(tmp_path: Path) -> None:
    given = Settings.from_env({"NEMO_TOKEN": " opaque-token-123 "}, home=tmp_path)
    assert given.token == Secret("opaque-token-123")
    assert "opaque" not in repr(given) and "opaque" not in f"{given.token}"
    (tmp_path / "token.json").write_text('{"token": "nmv_usr_planted"}')  # no other place is read
    assert Settings.from_env({}, home=tmp_path).token is None


async def test_a_world_readable_cached_token_file_is_made_0600_and_still_used(
    cloud_settings: Settings, nemo_double: NemoDouble, caplog: pytest.LogCaptureFixture
) -> None:
    token = "nmv_usr_cachedTOKENvalue77"
    nemo_double.add_token(token)
    file = cloud_settings.token_file
    file.parent.mkdir(parents=True)
    file.write_text(
        json.dumps(
            {
                "token": token,
                "expires_at": "2099-01-01T00:00:00+00:00",
                "client_id": "c1",
                "api_base": cloud_settings.api_base,
            }
        )
    )
    os.chmod(file, 0o644)
    caplog.set_level(logging.DEBUG)
    cloud = CloudBackend(cloud_settings)
    try:
        credits = await cloud.credits()
    finally:
        await cloud.aclose()
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert credits.available is not None and nemo_double.count("token") == 0  # the cached one was used
    assert "readable by other users" in caplog.text and token not in caplog.text
    assert nemo_double.calls("credits")[0].headers["authorization"] == f"Bearer {token}"


class Seen:
    """Progress messages, as the MCP client receives them."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.messages.append(f"{progress} {total} {message}")


def _dump(result: Any) -> str:
    texts = [getattr(c, "text", "") or repr(c) for c in result.content]
    return "\n".join(texts) + json.dumps(result.structured_content, default=str)


async def test_a_full_cloud_session_never_shows_the_token(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, every level
    for name in ("mcp", "httpx", "httpcore", "nemo_video", "uvicorn", "anyio"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    photo = make_sample_media(tmp_path / "photos", size=(64, 48))[0]
    seen, results = Seen(), []
    async with serving(cloud_settings.with_(render_poll_s=0.05)) as (_, server), Client(server) as client:
        results.append(await client.call_tool("get_credits", {}))
        results.append(await client.call_tool("upload_media", {"paths": [str(photo)]}))
        nemo_double.script_sse(
            [
                sse.text("Working."),
                sse.tool_call("edit_multitrack", {"op": "slideshow"}),
                *sse.heartbeats(0.5, every=0.1),
                sse.text("Done."),
            ],
            state_after=FINISHED,
        )
        results.append(
            await client.call_tool(
                "generate_video", {"request": "make it", "confirm_spend": True}, progress_callback=seen
            )
        )
        results.append(await client.call_tool("get_state", {}))
        nemo_double.render.polls_to_complete = 3
        results.append(await client.call_tool("export_video", {"filename": "clean"}, progress_callback=seen))
        issued = list(nemo_double.tokens)  # revoking forgets them: keep them for the scan
        # the server echoes the token in an error, and a revoked token is renewed mid-session
        nemo_double.fail_next("credits", Fault(200, {"code": 4001, "message": f"bad token {issued[0]}"}))
        results.append(await client.call_tool("get_credits", {}))
        nemo_double.revoke_tokens()
        results.append(await client.call_tool("get_state", {}))
    assert [r.is_error for r in results] == [False] * 5 + [True, False]
    assert seen.messages and nemo_double.count("token") == 2
    secrets = sorted({*issued, *nemo_double.tokens})
    assert len(secrets) == 2 and all(s.startswith("nmv_usr_") for s in secrets)
    on_disk = [
        p.read_text(errors="replace")
        for p in (cloud_settings.data_dir.rglob("*"))
        if p.is_file() and p.suffix == ".json"
    ]
    assert on_disk, "the job and session files were written"
    records = [f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records]
    haystacks = [caplog.text, *records, *map(_dump, results), *seen.messages, *on_disk]
    assert any("HTTP Request" in text for text in records)  # the requests were logged, at DEBUG too
    for secret in secrets:
        for text in haystacks:
            assert secret not in text and secret[8:] not in text


# ---------------------------------------------------------------- the HTTP transport


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def _serve_on_all_interfaces(settings: Settings, token: str) -> AsyncIterator[str]:
    port = _free_port()
    async with serving(settings) as (_, server):
        app = build_http_app(server, host="0.0.0.0", port=port, token=token)
        web = uvicorn.Server(uvicorn.Config(app, host="0.0.0.0", port=port, log_level="error", lifespan="on"))
        async with anyio.create_task_group() as tg:
            tg.start_soon(web.serve)
            await _until(lambda: web.started)
            yield f"http://127.0.0.1:{port}"
            web.should_exit = True


async def _until(predicate: Any, timeout: float = 10.0) -> None:
    with anyio.fail_after(timeout):
        while not predicate():
            await anyio.sleep(0.02)


async def test_non_loopback_bind_refuses_missing_and_wrong_bearer_tokens(settings: Settings) -> None:
    async with _serve_on_all_interfaces(settings, "right-token-9f") as base, httpx.AsyncClient() as web:
        missing = await web.post(f"{base}/mcp", json=INIT, headers=HEADERS)
        wrong = await web.post(f"{base}/mcp", json=INIT, headers={**HEADERS, "authorization": "Bearer nope"})
        basic = await web.post(f"{base}/mcp", json=INIT, headers={**HEADERS, "authorization": "right-token-9f"})
        right = await web.post(f"{base}/mcp", json=INIT, headers={**HEADERS, "authorization": "Bearer right-token-9f"})
    assert (missing.status_code, wrong.status_code, basic.status_code) == (401, 401, 401)
    assert "right-token" not in missing.text + wrong.text
    assert right.status_code == 200 and "nemo-video" in right.text


@pytest.mark.parametrize("command", [["-m", "nemo_video.mcp", "--http"], ["-m", "nemo_video.cli", "mcp", "--http"]])
async def test_binding_all_interfaces_without_a_token_refuses_to_start(
    settings: Settings, tmp_path: Path, command: list[str]
) -> None:
    port = _free_port()
    with anyio.fail_after(30):
        done = await anyio.run_process(
            [PYTHON, *command, "--host", "0.0.0.0", "--port", str(port)],
            env=env_for(settings),
            cwd=tmp_path,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    assert done.returncode != 0
    assert b"NEMO_MCP_TOKEN" in done.stderr and done.stdout == b""
    with socket.socket() as probe_socket:  # and nothing is listening
        assert probe_socket.connect_ex(("127.0.0.1", port)) != 0


# ---------------------------------------------------------------- input sandbox and URL guard


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real picture outside every allowed root (tmp_path and the working directory)."""
    return picture(tmp_path_factory.mktemp("outside"), "secret.png", (9, 9, 9), size=(64, 48))


async def test_paths_outside_the_roots_are_refused_through_the_tools(
    settings: Settings, tmp_path: Path, outside: Path
) -> None:
    link = tmp_path / "innocent.png"
    link.symlink_to(outside)
    dotdot = f"{tmp_path}/../{outside.parent.name}/{outside.name}"
    cases = {"dotdot": dotdot, "symlink": str(link), "absolute": str(outside), "system": "/etc/shadow"}
    async with serving(settings) as (_, server), Client(server) as client:
        answers = {name: await client.call_tool("upload_media", {"paths": [path]}) for name, path in cases.items()}
        generate = await client.call_tool("generate_video", {"request": "a video", "paths": [str(link)]})
        state = await client.call_tool("get_state", {})
    for name, answer in [*answers.items(), ("generate", generate)]:
        assert answer.is_error, name
        assert answer.meta is not None and answer.structured_content is None
        assert answer.meta["nemo-video/error"]["code"] == "path_not_allowed", (name, answer.content)
    assert state.structured_content is not None and state.structured_content["media"] == []
    assert state.structured_content["draft"] is None  # the refused generate changed nothing
    assert not (settings.data_dir / "media").exists() or not any((settings.data_dir / "media").rglob("*.png"))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/a.png",
        "http://localhost/a.png",
        "http://[::1]/a.png",
        "http://10.0.0.7/a.png",
        "http://192.168.1.1/a.png",
        "http://169.254.169.254/latest/meta-data",
        "http://[fe80::1]/a.png",
        "http://0x7f000001/a.png",
        "file:///etc/passwd",
        "ftp://example.com/a.png",
        "gopher://example.com/",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
async def test_urls_to_private_addresses_and_other_schemes_are_refused_through_the_tools(
    settings: Settings, url: str
) -> None:
    async with serving(settings) as (_, server), Client(server) as client:
        answer = await client.call_tool("upload_media", {"urls": [url]})
    assert answer.is_error and answer.meta is not None
    assert answer.meta["nemo-video/error"]["code"] == "url_not_allowed", answer.content


# ---------------------------------------------------------------- how ffmpeg is run


def test_ffmpeg_gets_an_argument_list_with_a_protocol_whitelist_on_every_input(tmp_path: Path) -> None:
    hostile = picture(tmp_path, "a; rm -rf ~ $(touch pwned) `id`.png", (200, 40, 40))
    other = picture(tmp_path, "b|c&d.png", (40, 200, 40))
    d = draft(
        [image_segment(hostile, 1000), image_segment(other, 1000)],
        texts=[text_segment("'; drop table; $(reboot)", 0, 2000)],
        width=320,
        height=180,
    )
    request = RenderRequest(destination=tmp_path / "out.mp4", height=180)
    plan = build_plan(d, request, {str(p): SourceFacts(400, 300, None, False) for p in (hostile, other)}, ())
    args = graph.build_args(plan, "/opt/ffmpeg", tmp_path / ".out.partial.mp4")
    assert isinstance(args, list) and all(isinstance(a, str) for a in args)
    assert args[0] == "/opt/ffmpeg" and "-nostdin" in args
    inputs = [i for i, a in enumerate(args) if a == "-i"]
    assert inputs
    for at in inputs:
        source = args[at + 1]
        if source.startswith("file:"):  # every file input carries the whitelist before it
            before = args[:at]
            w = len(before) - 1 - before[::-1].index(INPUT_OPTIONS[0])
            assert args[w + 1] == INPUT_OPTIONS[1] and "-i" not in args[w:at]
    assert any(str(hostile) in a for a in args)  # the hostile name is one argument, passed as data


async def test_a_tiny_render_timeout_stops_ffmpeg_and_leaves_nothing(settings: Settings) -> None:
    async with VideoService(settings.with_(render_timeout_s=0.05)) as svc:
        made = await svc.wait((await svc.start_generate("a 6-second video with the title 'Slow'")).id, 30)
        assert made.status == "completed", made.error
        record = await svc.wait((await svc.start_export(filename="slow", height=180)).id, 30)
    assert record.status == "failed" and record.error is not None
    assert record.error["code"] == "render_timeout" and "NEMO_RENDER_TIMEOUT_SECONDS" in record.error["hint"]
    assert list(settings.output_dir.glob("*")) == []
    assert not _ffmpeg_running_for(settings.output_dir)


def _ffmpeg_running_for(folder: Path) -> bool:
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(folder).encode() in (entry / "cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


# ---------------------------------------------------------------- concurrency


async def test_two_messages_to_one_session_are_serialized(settings: Settings) -> None:
    async with serving(settings) as (service, server), Client(server) as client:
        session = await service.session()
        replies: dict[int, Any] = {}

        async def send(seconds: int) -> None:
            replies[seconds] = await client.call_tool(
                "generate_video", {"request": f"a {seconds}-second video with the title 'T{seconds}'"}
            )

        async with anyio.create_task_group() as tg:
            tg.start_soon(send, 5)
            tg.start_soon(send, 8)
        state = await client.call_tool("get_state", {})
    store = await Store.open(settings.data_dir / "studio.sqlite3")
    try:
        history = await store.draft_history(session.id)
    finally:
        await store.aclose()
    assert [v.version for v in history] == [1, 2]  # sequential, none lost, none interleaved
    saved = [v.draft.total_ms() / 1000 for v in history if v.draft is not None]
    assert sorted(saved) == [5.0, 8.0]
    for seconds, reply in replies.items():
        assert not reply.is_error, reply.content
        generated = reply.structured_content["generate"]
        assert generated["duration_s"] == seconds  # each reply describes its own version
    assert state.structured_content is not None and state.structured_content["duration_s"] == saved[-1]


async def test_two_local_exports_to_one_name_make_two_complete_files(settings: Settings) -> None:
    async with serving(settings) as (_, server), Client(server) as client:
        made = await client.call_tool("generate_video", {"request": "a 2-second video titled 'Twice'"})
        assert not made.is_error, made.content
        results: list[Any] = []

        async def export() -> None:
            results.append(await client.call_tool("export_video", {"filename": "same", "height": 180, "wait_s": 50}))

        async with anyio.create_task_group() as tg:
            tg.start_soon(export)
            tg.start_soon(export)
    outs = [r.structured_content["export"] for r in results]
    assert sorted(Path(o["path"]).name for o in outs) == ["same-2.mp4", "same.mp4"]
    ffmpeg = locate(settings)
    for out in outs:
        info = await probe(Path(out["path"]), ffmpeg)
        assert info.height == 180 and info.duration_s is not None and abs(info.duration_s - 2.0) < 0.2
    assert temporaries(settings.output_dir) == []
