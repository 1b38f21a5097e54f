"""Escaping in one place: values with quotes, colons, backslashes, %, brackets and newlines."""

from __future__ import annotations

import pytest

from nemo_video.backends.local.render.filters import chain, escape, filter_, num


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "plain"),
        (42, "42"),
        ("a:b", "\\'a:b\\'"),
        ("it's", "\\'it\\'\\\\\\'\\'s\\'"),
        ("50%", "\\'50%\\'"),
        ("[x],y;z", "\\'\\[x\\]\\,y\\;z\\'"),
        ("back\\slash", "\\'back\\\\slash\\'"),
        ("two\nlines", "\\'two\nlines\\'"),
        ("", "\\'\\'"),
    ],
)
def test_escape_quotes_then_escapes_for_the_graph(value: object, expected: str) -> None:
    assert escape(value) == expected


def _graph_unescape(text: str) -> str:
    """What ffmpeg's graph parser (av_get_token with quotes and backslashes) hands the filter."""
    out, quoted, i = "", False, 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and not quoted:
            out += text[i + 1]
            i += 2
            continue
        if ch == "'":
            quoted = not quoted
        else:
            out += ch
        i += 1
    return out


@pytest.mark.parametrize("text", ['It\'s 50% off: [new] \\ "today"; go, go', "新品上市：立即购买", "a\nb", "'''"])
def test_two_levels_of_unescaping_give_back_the_text(text: str) -> None:
    assert _graph_unescape(_graph_unescape(escape(text))) == text


def test_filter_and_chain_build_strings() -> None:
    assert filter_("scale", w=320, h=-2) == "scale=w=320:h=-2"
    assert filter_("format", "yuv420p") == "format=yuv420p"
    assert filter_("anull") == "anull"
    assert chain("a", "b") == "a,b"
    assert num(1.5) == "1.5" and num(2.0) == "2" and num(1 / 3) == "0.333333"
