"""Intent routing as a table: what users say → which action, with the conflicts made explicit."""

from __future__ import annotations

import pytest

from nemo_video.skill.intents import INTENT_TABLE, IntentRule, route

ROUTES: list[tuple[str, str]] = [
    # export
    ("export", "export"),
    ("Export!", "export"),
    ("export 1080p MP4", "export"),
    ("export 720p webm", "export"),
    ("download", "export"),
    ("download the video", "export"),
    ("please send me the video", "export"),
    ("render it", "export"),
    ("can I download it now?", "export"),
    ("导出", "export"),
    ("导出视频", "export"),
    ("帮我下载一下", "export"),
    ("帮我export一下", "export"),
    ("ＥＸＰＯＲＴ", "export"),
    # credits
    ("credits", "credits"),
    ("what's my balance?", "credits"),
    ("how many credits does a video cost", "credits"),
    ("how many credits does it cost to generate a video?", "credits"),
    ("do I have enough credits to make a video?", "credits"),
    ("top up my credits", "credits"),
    ("积分", "credits"),
    ("我的余额还有多少", "credits"),
    ("生成一个视频需要多少积分？", "credits"),
    # state
    ("status", "state"),
    ("show tracks", "state"),
    ("what's on the timeline?", "state"),
    ("what's the status of my export?", "state"),
    ("how is the progress", "state"),
    ("状态", "state"),
    ("视频生成的进度怎么样", "state"),
    ("看看时间线", "state"),
    # upload (keyword only; paths are tested below)
    ("upload", "upload"),
    ("I want to upload my photos", "upload"),
    ("上传素材", "upload"),
    # generate: the default, and every conflict resolved towards a creative request
    ("a 30-second vertical video from my product photos and tagline 'Smooth. Bold. Yours.'", "generate"),
    ("export a 30-second vertical video from my photos", "generate"),
    ("make it 15 seconds and export it", "generate"),
    ("render a video of a cat chasing a laser", "generate"),
    ("export it with background music", "generate"),
    ("make a video about credit cards", "generate"),
    ("add a title to the timeline", "generate"),
    ("move the second clip to the end of the timeline", "generate"),
    ("生成一个30秒的竖屏视频", "generate"),
    ("导出一个30秒的竖屏视频", "generate"),
    ("给时间线添加字幕", "generate"),
    ("add BGM", "generate"),
    ("make it brighter", "generate"),
    ("", "generate"),
    ("   \n\t ", "generate"),
    ("🎬✨", "generate"),
    ("مرحبا بالعالم", "generate"),
    ("the exporter of record", "generate"),  # whole words only: "exporter" is not "export"
]


@pytest.mark.parametrize(("text", "action"), ROUTES)
def test_route_table(text: str, action: str) -> None:
    assert route(text).action == action


def test_the_table_has_the_required_breadth() -> None:
    chinese = [t for t, _ in ROUTES if any("\u4e00" <= ch <= "\u9fff" for ch in t)]
    assert len(ROUTES) >= 40 and len(chinese) >= 10
    assert {a for _, a in ROUTES} == {"export", "credits", "state", "upload", "generate"}


def test_reason_names_the_rule_that_matched() -> None:
    assert route("导出").reason == 'keyword "导出"'
    assert route("how many credits does a video cost").reason == 'strong keyword "how many credits"'
    assert route("hello there").reason == "default: no routing keyword"
    assert route("make it 15 seconds").reason == 'creation word "make"'


def test_export_yielding_to_a_creative_description_says_why_and_chains_the_export() -> None:
    result = route("export a 30-second vertical video from my photos")
    assert result.action == "generate"
    assert result.reason.startswith('export keyword "export" yields to content cue')
    assert result.options["then"] == "export"
    chained = route("make a 15s video and export it as webm")
    assert chained.reason == 'export keyword "export" yields to creation word "make"'
    assert chained.options == {"format": "webm", "then": "export"}


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("export 720p webm", {"format": "webm", "height": 720}),
        ("export 1080p MP4", {"format": "mp4", "height": 1080}),
        ("download as gif", {"format": "gif"}),
        ("export 4k mov", {"format": "mov", "height": 2160}),
        ("export 1080x1920 mp4", {"format": "mp4", "height": 1920}),
        ("export in low quality", {"quality": "draft"}),
        ("导出 720p 高画质", {"height": 720, "quality": "high"}),
        ("export", {}),
    ],
)
def test_export_options_are_parsed(text: str, options: dict[str, object]) -> None:
    result = route(text)
    assert result.action == "export"
    assert result.options == options


def test_export_to_a_path_is_a_destination_not_an_upload() -> None:
    result = route("export to ~/Desktop/promo.webm")
    assert result.action == "export"
    assert result.paths == ()
    assert result.options == {"destination": "~/Desktop/promo.webm", "format": "webm"}
    assert route("导出保存到 /tmp/out.mp4").options["destination"] == "/tmp/out.mp4"


@pytest.mark.parametrize(
    ("text", "paths", "urls"),
    [
        ("upload ./a.jpg", ("./a.jpg",), ()),
        ("use /Users/me/Pictures/beach.PNG please", ("/Users/me/Pictures/beach.PNG",), ()),
        ("here are my photos: ./a.jpg ./b.png, ~/c.heic.", ("./a.jpg", "./b.png", "~/c.heic"), ()),
        (r"upload C:\Users\me\clip.mp4", (r"C:\Users\me\clip.mp4",), ()),
        ('upload "C:\\My Photos\\a b.jpg"', ("C:\\My Photos\\a b.jpg",), ()),
        ("upload '/home/me/my photos/x.webp'", ("/home/me/my photos/x.webp",), ()),
        ("上传/Users/me/照片/海滩.jpg并生成视频", ("/Users/me/照片/海滩.jpg",), ()),
        ("../shots/one.mov and ../shots/one.mov again", ("../shots/one.mov",), ()),
        ("file:///tmp/a%20b.png", ("/tmp/a b.png",), ()),
        ("https://example.com/a.mp4", (), ("https://example.com/a.mp4",)),
        ("use (https://cdn.example.com/x.jpg?s=1).", (), ("https://cdn.example.com/x.jpg?s=1",)),
        ("看看 https://example.com/v 这个视频", (), ("https://example.com/v",)),
    ],
)
def test_paths_and_urls_route_to_upload(text: str, paths: tuple[str, ...], urls: tuple[str, ...]) -> None:
    result = route(text)
    assert result.action == "upload"
    assert (result.paths, result.urls) == (paths, urls)


@pytest.mark.parametrize(
    "text",
    [
        "/usr/bin/env is a path without media",
        "notes/a.jpg relative without ./ is just words",
        "the file a.jpg.bak is not media",
        "and/or",
    ],
)
def test_things_that_are_not_media_paths(text: str) -> None:
    result = route(text)
    assert result.paths == () and result.action != "upload"


def test_upload_with_a_request_chains_the_rest() -> None:
    result = route("upload ./a.jpg and make a video")
    assert result.action == "upload"
    assert result.paths == ("./a.jpg",)
    assert result.options == {"then": "generate", "then_text": "make a video"}
    chinese = route("上传 /Users/me/a.jpg 并生成视频")
    assert chinese.options == {"then": "generate", "then_text": "生成视频"}
    exported = route("upload ~/a.mp4, then export 720p")
    assert exported.options == {"then": "export", "then_text": "export 720p", "height": 720}


def test_upload_without_further_request_has_no_then() -> None:
    assert route("please upload these photos ./a.jpg ./b.jpg").options == {}
    assert route("download https://example.com/a.mp4").options == {}  # fetching the URL is the upload


def test_table_is_data_and_a_new_row_is_one_line() -> None:
    assert {rule.action for rule in INTENT_TABLE} == {"export", "credits", "state", "upload"}
    assert route("wie weit ist es?").action == "generate"
    extended = (*INTENT_TABLE, IntentRule("state", ("wie weit",), 30, strong=True))
    result = route("wie weit ist es?", extended)
    assert (result.action, result.reason) == ("state", 'strong keyword "wie weit"')
