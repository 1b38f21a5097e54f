"""Hostile URLs through ``upload_media``: each refused by name before any connection, with a short echo.

Only hosts that are literal addresses or unparsable are used, so no case asks DNS (tests stay offline).
"""

from __future__ import annotations

import pytest

from mcp import Client
from nemo_video.config import Settings
from tests.mcp.conftest import serving
from tests.reliability.hostile import REFUSED, assert_mcp_verdict

MB = 1 << 20

# (id, URL, code)
CASES: list[tuple[str, str, str]] = [
    ("nul-in-path", "http://10.0.0.1/a\x00.jpg", "url_not_allowed"),
    ("nul-in-host", "http://10.0.0.1\x00.example/a.jpg", "url_not_allowed"),
    ("crlf-header-injection", "http://10.0.0.1/a.jpg\r\nHost: evil", "url_not_allowed"),
    ("tab-in-host", "http://127.0.0.1\t/a.jpg", "url_not_allowed"),
    ("no-host", "http://", "url_not_allowed"),
    ("triple-slash", "http:///a.jpg", "url_not_allowed"),
    ("unclosed-ipv6", "http://[::1/a.jpg", "url_not_allowed"),
    ("port-too-big", "http://10.0.0.1:99999/a.jpg", "url_not_allowed"),
    ("userinfo-to-private", "http://user:pass@10.0.0.1/a.jpg", "url_not_allowed"),
    ("hex-loopback", "https://0x7f.1/a.jpg", "url_not_allowed"),
    ("octal-loopback", "http://0177.0.0.1/a.jpg", "url_not_allowed"),
    ("mapped-loopback", "http://[::ffff:127.0.0.1]/a.jpg", "url_not_allowed"),
    ("zero-host", "http://0/a.jpg", "url_not_allowed"),
    ("unspecified-v6", "http://[::]/a.jpg", "url_not_allowed"),
    ("shared-cgnat", "http://100.64.0.1/a.jpg", "url_not_allowed"),
    ("multicast", "http://224.0.0.1/a.jpg", "url_not_allowed"),
    ("broadcast", "http://255.255.255.255/a.jpg", "url_not_allowed"),
    ("documentation-net", "http://192.0.2.1/a.jpg", "url_not_allowed"),
    ("link-local-v6-zone", "http://[fe80::1%25eth0]/a.jpg", "url_not_allowed"),
    ("upper-case-scheme", "HTTP://10.0.0.1/a.jpg", "url_not_allowed"),
    ("gopher", "gopher://10.0.0.1/a", "url_not_allowed"),
    ("websocket", "ws://10.0.0.1/a", "url_not_allowed"),
    ("about-blank", "about:blank", "url_not_allowed"),
    ("javascript", "javascript:alert(document.cookie)", "url_not_allowed"),
    ("empty", "", "url_not_allowed"),
    ("only-spaces", "   ", "url_not_allowed"),
    ("lone-surrogate", "http://10.0.0.1/\ud800.jpg", "url_not_allowed"),
    ("escape-sequence", "http://10.0.0.1/\x1b[2J.jpg", "url_not_allowed"),
    ("url-1mb-private", "http://10.0.0.1/" + "a" * MB, "url_not_allowed"),
    ("url-1mb-scheme", "ftp://" + "b" * MB, "url_not_allowed"),
]


@pytest.mark.parametrize(("url", "code"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
async def test_hostile_urls_are_refused_by_name(settings: Settings, url: str, code: str) -> None:
    async with serving(settings) as (_, server), Client(server) as client:
        result = await client.call_tool("upload_media", {"urls": [url]})
    assert_mcp_verdict(result, REFUSED, code)
    assert not (settings.data_dir / "media").exists() or not any((settings.data_dir / "media").iterdir())
