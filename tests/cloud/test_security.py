"""Attribution headers on every request; the token never in logs, errors or results."""

from __future__ import annotations

import logging
import traceback
from pathlib import Path

import pytest

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.cloud import CloudBackend
from nemo_video.backends.cloud.redact import RedactFilter, register_secret
from nemo_video.config import Secret, Settings
from nemo_video.draft import Draft
from nemo_video.errors import NemoVideoError
from tests.cloud.conftest import collect
from tests.conftest import fixture_json
from tests.double import Fault, NemoDouble, sse

SECRET = "nmv_usr_RECOGNIZABLEsecretTOKEN4242"


async def _tour(cloud: CloudBackend, double: NemoDouble, tmp_path: Path) -> None:
    """Touch every endpoint once."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    session = await cloud.open_session()
    (tmp_path / "a.png").write_bytes(b"x")
    await cloud.upload(session, [tmp_path / "a.png"])
    await cloud.upload(session, urls=["https://example.com/b.mp4"])
    await cloud.credits()
    double.set_state(session.id, fixture_json("state_latest.json")["data"]["state"])
    await collect(cloud, session, "hello")
    state = await cloud.state(session)
    assert state.draft is not None
    double.render.polls_to_complete = 1
    double.render.output = "broken_url"  # so both the output URL and the fallback are fetched
    await cloud.render(session, state.draft, RenderRequest(destination=tmp_path / "v.mp4"))


async def test_attribution_and_authorization_on_every_request(
    backend: CloudBackend, nemo_double: NemoDouble, cloud_settings: Settings, tmp_path: Path
) -> None:
    await _tour(backend, nemo_double, tmp_path)
    endpoints = {r.endpoint for r in nemo_double.requests}
    assert endpoints >= {
        "token",
        "session",
        "upload",
        "credits",
        "state",
        "run_sse",
        "render_submit",
        "render_status",
        "render_download",
    }
    token = nemo_double.calls("session")[0].headers["authorization"]
    for request in nemo_double.requests:
        assert request.headers["x-skill-source"] == "meta-video-generation-free"
        assert request.headers["x-skill-version"] == cloud_settings.skill_version
        assert request.headers["x-skill-platform"] == "unknown"
        if request.endpoint == "token":
            assert "authorization" not in request.headers
        elif request.endpoint != "output":
            assert request.headers["authorization"] == token, request.path
    run_sse = nemo_double.calls("run_sse")[0]
    assert run_sse.headers["accept"] == "text/event-stream"
    assert run_sse.headers["content-type"] == "application/json"


async def test_output_url_on_another_host_gets_no_bearer_token(
    backend: CloudBackend, nemo_double: NemoDouble, tmp_path: Path
) -> None:
    from nemo_video.backends.base import RenderStatus
    from nemo_video.backends.cloud.download import fetch_output

    other_host = nemo_double.url.replace("127.0.0.1", "localhost")  # same server, another origin
    session = await backend.open_session()
    nemo_double.submit_job("render_7", session.id, {}, {})
    url = f"{other_host}/cdn/render-result/render_7.mp4"
    status = RenderStatus(job_id="render_7", status="completed", output_url=url)
    await fetch_output(backend.settings, backend.api, status, tmp_path / "v.mp4")
    (fetched,) = nemo_double.calls("output")
    assert "authorization" not in fetched.headers


async def test_the_token_never_reaches_logs_or_errors(
    cloud_settings: Settings, nemo_double: NemoDouble, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    nemo_double.add_token(SECRET)
    cloud = CloudBackend(cloud_settings.with_(token=Secret(SECRET)))
    await _tour(cloud, nemo_double, tmp_path / "tour")
    errors: list[NemoVideoError] = []
    session = await cloud.open_session()
    echo = Fault(200, {"code": 4001, "message": f"bad request from {SECRET}", "data": None})
    for endpoint, fault in (
        ("credits", 502),
        ("credits", "reset"),
        ("credits", echo),
        ("render_submit", 402),
    ):
        # reads are retried up to 3 times on 5xx/reset: repeat the fault so it surfaces
        nemo_double.fail_next(endpoint, fault, times=3 if fault in (502, "reset") else 1)
        try:
            if endpoint == "credits":
                await cloud.credits()
            else:
                await cloud.render(session, _draft(), RenderRequest(destination=tmp_path / "x.mp4"))
        except NemoVideoError as exc:
            errors.append(exc)
    nemo_double.script_sse([sse.text("partial"), sse.DROP])
    events = await collect(cloud, session, "hello")
    nemo_double.revoke_tokens()
    try:
        await cloud.credits()
    except NemoVideoError as exc:
        errors.append(exc)
    await cloud.aclose()

    assert len(errors) == 5
    texts = [caplog.text, repr(events)]
    for error in errors:
        texts += [str(error), repr(error), repr(error.to_dict()), "".join(traceback.format_exception(error))]
    assert "***" in str(errors[2])  # the server echoed the token; we did not
    assert "HTTP Request" in caplog.text  # httpx did log the requests
    for text in texts:
        assert SECRET not in text and "RECOGNIZABLE" not in text


def test_filter_redacts_registered_secrets_of_any_shape() -> None:
    register_secret("opaque-secret-Q9Z7")
    args = ("opaque-secret-Q9Z7", SECRET)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token=%s and %s", args, None)
    RedactFilter().filter(record)
    message = record.getMessage()  # SECRET reads "***" once registered (by an earlier test), else nmv_usr_***
    assert message in {"token=*** and ***", "token=*** and nmv_usr_***"}


def _draft() -> Draft:
    draft = Draft.from_wire(fixture_json("draft_example.json"))
    assert draft is not None
    return draft
