"""Envelope reading and error classification (CONTRACT §2.3–2.4), on fixture bodies."""

from __future__ import annotations

import httpx
import pytest

from nemo_video.backends.base import Backend
from nemo_video.backends.cloud import CloudBackend
from nemo_video.backends.cloud.http import Reply, parse_json
from nemo_video.config import Settings
from nemo_video.errors import ErrorCode, NemoVideoError
from tests.conftest import fixture_json, fixture_text


def _reply(status: int, text: str) -> Reply:
    return Reply(status, parse_json(text), text, "Reason")


@pytest.mark.parametrize(
    ("name", "data_key"),
    [
        ("credits.json", "available"),
        ("render_submitted.json", "status"),
        ("render_status_completed_toplevel.json", "taskId"),
    ],
)
def test_envelopes_a_b_c_unwrap(name: str, data_key: str) -> None:
    reply = _reply(200, fixture_text(name))
    assert reply.error() is None and data_key in reply.data()


@pytest.mark.parametrize(
    ("status", "name", "code"),
    [
        (200, "error_1001_token_invalid.json", ErrorCode.AUTH_EXPIRED),
        (401, "error_1001_token_invalid.json", ErrorCode.AUTH_EXPIRED),
        (200, "error_2001_insufficient_credits.json", ErrorCode.OUT_OF_CREDITS),
        (403, "error_2001_insufficient_credits.json", ErrorCode.OUT_OF_CREDITS),  # body code wins
        (402, "error_402_export_blocked.json", ErrorCode.EXPORT_BLOCKED),
        (400, "error_400_missing_client_id.json", ErrorCode.MISSING_CLIENT_ID),
        (409, "render_submit_duplicate_id.json", ErrorCode.BACKEND_ERROR),
        (422, "run_sse_validation_error_422.json", ErrorCode.INVALID_INPUT),
    ],
)
def test_error_classification(status: int, name: str, code: ErrorCode) -> None:
    error = _reply(status, fixture_text(name)).error()
    assert error is not None and error.code == code and error.details["http_status"] == status


def test_message_falls_back_through_message_detail_error() -> None:
    assert _reply(400, '{"detail": "X-Client-Id header is required"}').message() == "X-Client-Id header is required"
    assert "already exists" in _reply(409, fixture_text("render_submit_duplicate_id.json")).message()
    assert _reply(502, "<html>bad gateway</html>").message() == "Reason"


def test_non_json_success_is_an_error() -> None:
    with pytest.raises(NemoVideoError) as caught:
        _reply(200, "<html>proxy page</html>").data()
    assert caught.value.code == ErrorCode.BACKEND_ERROR


async def test_an_injected_transport_is_used(settings: Settings) -> None:
    """The transport seam: construction does no I/O, and calls go through the given transport."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/api/auth/anonymous-token":
            return httpx.Response(200, json=fixture_json("auth_token.json"))
        return httpx.Response(200, json=fixture_json("credits_in_progress.json"))

    cloud = CloudBackend(settings.with_(api_base="http://nemo.test"), transport=httpx.MockTransport(handler))
    assert seen == [] and isinstance(cloud, Backend) and cloud.name == "cloud"
    credits = await cloud.credits()
    await cloud.aclose()
    assert (credits.available, credits.frozen) == (50, 50)
    assert seen == ["/api/auth/anonymous-token", "/api/credits/balance/simple"]
