"""Routing is total and deterministic for any text (hypothesis), and linear on hostile input."""

from __future__ import annotations

import time
from typing import get_args

from hypothesis import given
from hypothesis import strategies as st

from nemo_video.skill.intents import INTENT_TABLE, Action, route

EXPORT_WORDS = tuple(p for rule in INTENT_TABLE if rule.action == "export" for p in rule.patterns)
MIXED = st.characters(codec="utf-8")  # the codec already leaves out lone surrogates
CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
RTL = st.characters(min_codepoint=0x0590, max_codepoint=0x06FF)
VOCAB = st.sampled_from(
    [
        "export",
        "导出",
        "download",
        "credits",
        "积分",
        "余额",
        "status",
        "进度",
        "show tracks",
        "upload",
        "上传",
        "make",
        "生成",
        "30-second",
        "vertical",
        "./a.jpg",
        "~/b.png",
        "/x/y.mp4",
        "C:\\v\\c.mov",
        "https://example.com/v.mp4",
        "file:///tmp/z.gif",
        "'/a b/c.jpg'",
        "and",
        "then",
        "并",
        "😀",
        "\u200f",
        "？",
        "。",
        ",",
        " ",
        "\n",
        "ＥＸＰＯＲＴ",
        "send me the video",
    ]
)
TEXTS = st.one_of(
    st.text(),
    st.text(alphabet=st.one_of(CJK, RTL, MIXED)),
    st.lists(st.one_of(VOCAB, st.text(max_size=5)), max_size=12).map(" ".join),
    st.lists(VOCAB, max_size=12).map("".join),
)


@given(TEXTS)
def test_route_is_total_and_deterministic(text: str) -> None:
    first = route(text)
    again = route("".join(list(text)))  # an equal but distinct string object
    assert first == again
    assert first.action in get_args(Action)
    assert first.reason
    for path in first.paths:
        assert path and (path in text or "file://" in text)
    for url in first.urls:
        assert url in text
    if first.paths or first.urls:
        assert first.action == "upload"


@given(
    st.sampled_from(EXPORT_WORDS),
    st.sampled_from(["", " ", "  ", "\n", "\t"]),
    st.sampled_from(["", "!", "?", ".", "。", "！", " please", "，谢谢"]),
    st.booleans(),
)
def test_an_export_keyword_alone_routes_to_export(word: str, pad: str, tail: str, upper: bool) -> None:
    text = pad + (word.upper() if upper else word) + tail + pad
    result = route(text)
    assert result.action == "export", (text, result)


@given(
    st.sampled_from(["/", "./", "../", "~/", "C:\\", "D:/"]),
    st.lists(st.text(alphabet="abcXYZ019_-", min_size=1, max_size=8), min_size=1, max_size=3),
    st.sampled_from(["jpg", "PNG", "mp4", "mov", "webp", "mp3"]),
    st.lists(st.sampled_from(["make", "a", "video", "请", "用", "this", "✨"]), max_size=4),
)
def test_a_media_path_anywhere_is_extracted(prefix: str, parts: list[str], ext: str, words: list[str]) -> None:
    sep = "\\" if prefix.endswith("\\") else "/"
    path = prefix + sep.join(parts) + "." + ext
    text = " ".join([*words[:2], path, *words[2:]])
    result = route(text)
    assert result.action == "upload"
    assert result.paths == (path,)


def test_hostile_long_inputs_stay_linear() -> None:
    hostile = [
        "上/" * 60_000,
        "/" + "a" * 120_000,
        "x " * 60_000 + "export",
        "'/" + "a/" * 50_000,
        "https://" + "a" * 100_000,
        "export " * 20_000,
    ]
    start = time.perf_counter()
    results = [route(text) for text in hostile]
    assert time.perf_counter() - start < 5.0
    assert results[2].action == "export" and results[4].action == "upload"
