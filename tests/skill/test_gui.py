"""GUI translation over the contract fixture and a phrase table; the silent-edit summary."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nemo_video.backends.cloud.adk import EventInterpreter, iter_sse
from nemo_video.draft import Draft
from nemo_video.skill.gui import GuiAction, summarize_silent_edit, translate
from tests.conftest import fixture_json, fixture_text

# Independent of the module's own residual regex, so a bug there cannot hide a leftover instruction.
GUI_LEFTOVERS = re.compile(
    r"\bclick|\bdrag|\bbutton|\btap on\b|\bopen the (?:timeline|panel|editor)|\bpreview in the timeline"
    r"|点击|单击|双击|拖拽|拖动|打开|按钮|预览",
    re.IGNORECASE,
)


def agent_texts(name: str) -> list[str]:
    interpreter = EventInterpreter()
    for event, data in iter_sse(fixture_text(name)):
        interpreter.feed(data, event)
    interpreter.finish()
    return interpreter.texts


def test_fixture_texts_lose_every_gui_instruction_and_keep_their_content() -> None:
    first, second = agent_texts("sse_gui_instructions.sse")
    assert translate(first).text == first and translate(first).actions == ()
    result = translate(second)
    assert not GUI_LEFTOVERS.search(result.text), result.text
    for kept in (
        "Done! The music now fades out over the last 1.5 seconds.",
        "If you'd like the fade to start earlier,",
        "When you're happy,",
        "to download your MP4.",
        "即可下载视频。",
    ):
        assert kept in result.text
    assert 'say "export" (or call export_video) to download your MP4' in result.text
    assert "get_state" in result.text and "get_credits" in result.text
    assert result.text.count("\n\n") == 2  # the paragraphs survive


def test_fixture_actions_name_what_we_do_instead() -> None:
    result = translate(agent_texts("sse_gui_instructions.sse")[1])
    kinds = [action.kind for action in result.actions]
    assert sorted(kinds) == ["credits", "export", "send_edit", "state", "summary"]
    edit = next(a for a in result.actions if a.kind == "send_edit")
    assert edit.phrase == "If you'd like the fade to start earlier, drag the clip's fade handle to the left."
    assert edit.spends_credits
    assert [a.kind for a in result.actions if a.spends_credits] == ["send_edit"]


PHRASES: list[tuple[str, set[str], str]] = [
    ("Click the Export button to download.", {"export"}, 'Say "export" (or call export_video) to download.'),
    ("click the Export button to download", {"export"}, 'Say "export" (or call export_video) to download'),
    ("Press the Export button.", {"export"}, 'Say "export" (or call export_video).'),
    (
        "Use the Export button in the top-right corner to save it.",
        {"export"},
        'Say "export" (or call export_video) to save it.',
    ),
    ("Click here to download your video.", {"export"}, 'Say "export" (or call export_video) to download your video.'),
    ("Click Generate to create a new version.", {"send_edit"}, 'Say "go ahead" (a new generation may spend credits'),
    (
        "Open the timeline to see it. It has 3 tracks.",
        {"state"},
        'Ask for the timeline summary (say "show tracks" or call get_state). It has 3 tracks.',
    ),
    (
        "Preview it in the timeline before you decide.",
        {"summary"},
        'Ask for the track summary (say "show tracks" or call get_state) before you decide.',
    ),
    ("Drag the title onto the second clip.", {"send_edit"}, "Just tell me and I'll make that edit."),
    ("You can drop it onto the timeline to add it.", {"send_edit"}, "You can just tell me and I'll make that edit."),
    (
        "Please check your account billing page for credits.",
        {"credits"},
        'Please check your credits (say "credits" or call get_credits).',
    ),
    ("Go to the billing page to top up.", {"credits"}, 'Say "credits" (or call get_credits) to top up.'),
    ("Then click Settings to change the theme. The video is 10 s long.", set(), "The video is 10 s long."),
    ("Your video has a title, music and three photos.", set(), "Your video has a title, music and three photos."),
    ("Want a different look? Tap on the Style tab.", set(), "Want a different look?"),
    ("点击导出", {"export"}, "说“导出”（或调用 export_video）"),
    ("点击右上角的导出按钮。", {"export"}, "说“导出”（或调用 export_video）。"),
    ("请打开时间线查看效果。", {"state"}, "请查看时间线摘要（说“状态”或调用 get_state）。"),
    ("您可以将片段拖拽到时间线上调整顺序。", {"send_edit"}, "告诉我想怎么调整，我来帮你修改。"),
    ("点击生成按钮重新生成视频。", {"send_edit"}, "说“继续”（新的生成可能消耗积分，我会先征求你的同意）重新生成视频。"),
    ("您可以在账户页面查看剩余积分。", {"credits"}, "您可以通过说“积分”（或调用 get_credits）查看剩余积分。"),
    ("在时间线中预览一下。", {"summary"}, "查看轨道摘要。"),
    ("视频已完成，可以导出了。", {"export"}, "视频已完成，可以导出了。"),
    ("点击设置修改主题。视频已完成。", set(), "视频已完成。"),
]


@pytest.mark.parametrize(("text", "kinds", "expected"), PHRASES)
def test_phrase_table(text: str, kinds: set[str], expected: str) -> None:
    result = translate(text)
    assert {a.kind for a in result.actions} == kinds
    assert result.text.startswith(expected), result.text
    assert not GUI_LEFTOVERS.search(result.text), result.text


def test_only_agent_work_is_marked_as_spending_credits() -> None:
    offered = translate("Click Generate to try again. Click Export to download.").actions
    assert offered == (
        GuiAction("send_edit", "Click Generate to try again.", True),
        GuiAction("export", "Export", False),
    )


def test_an_edit_message_carries_the_sentence_as_the_agent_wrote_it() -> None:
    sentence = "Click Export later, or drag the title to 2 s first."
    (edit,) = [a for a in translate(sentence).actions if a.kind == "send_edit"]
    assert edit.phrase == sentence


def test_mixed_english_and_chinese_text_is_translated_sentence_by_sentence() -> None:
    result = translate("Title added.\n\n点击导出按钮下载。Open the timeline to review it.")
    assert result.text == (
        "Title added.\n\n说“导出”（或调用 export_video）下载。"
        'Ask for the timeline summary (say "show tracks" or call get_state).'
    )


def test_empty_and_plain_text_pass_through() -> None:
    assert translate("") == translate("   ") and translate("").text == ""
    assert translate("Done! 15 seconds now.").text == "Done! 15 seconds now."


GUI_BITS = st.sampled_from(
    [
        "click",
        "Click Export",
        "the Export button",
        "open the timeline",
        "drag the clip",
        "drop it onto the timeline",
        "preview in the timeline",
        "点击",
        "点击导出",
        "打开",
        "拖拽",
        "预览",
        "按钮",
        "tap on",
        "Settings",
        "导出",
        "check your account",
        ".",
        "。",
        "\n",
        " ",
        ",",
        "!",
        "，",
        "(",
        ")",
        "to download",
        "Hello",
        "视频",
    ]
)


@given(
    st.one_of(
        st.text(),
        st.lists(st.one_of(GUI_BITS, st.text(max_size=4)), max_size=15).map("".join),
        st.lists(GUI_BITS, max_size=15).map(" ".join),
    )
)
def test_translate_is_total_and_never_leaves_a_gui_instruction(text: str) -> None:
    result = translate(text)
    assert result == translate(text)
    assert not GUI_LEFTOVERS.search(result.text), (text, result.text)


def _draft(name: str) -> Draft | None:
    return Draft.from_wire(fixture_json(name)["data"]["state"]["draft"])


def test_silent_edit_summary_names_the_added_title() -> None:
    before, after = _draft("state_latest_before_edit.json"), _draft("state_latest.json")
    assert summarize_silent_edit(before, after) == '✅ Added Title: "Golden Hour" (0-3s).'


def test_silent_edit_summary_is_honest_when_nothing_changed() -> None:
    after = _draft("state_latest.json")
    assert summarize_silent_edit(after, after) == "No change was detected in the timeline."
    assert summarize_silent_edit(None, None) == "No change was detected in the timeline."
    created = summarize_silent_edit(None, after)
    assert created.startswith("✅ Timeline created: Timeline (3 tracks)")
