from __future__ import annotations

import json

import pytest

from nemo_video.draft import Draft, diff, summarize
from nemo_video.errors import ErrorCode, NemoVideoError
from tests.conftest import fixture_json


@pytest.mark.parametrize(
    "source",
    [
        lambda: fixture_json("draft_example.json"),
        lambda: fixture_json("state_latest.json")["data"]["state"]["draft"],
        lambda: fixture_json("state_latest_before_edit.json")["data"]["state"]["draft"],
        lambda: fixture_json("requests/render_submit.json")["draft"],
    ],
)
def test_contract_drafts_round_trip_unchanged(source):
    wire = source()
    draft = Draft.from_wire(wire)
    assert draft is not None
    assert draft.to_wire() == wire
    # and through JSON text, as it crosses the wire
    assert json.loads(json.dumps(draft.to_wire())) == wire


def test_unknown_keys_are_kept_at_every_level():
    wire = {
        "d": 1000,
        "zz": 1,
        "m": {"width": 10, "height": 20, "new": [1]},
        "t": [{"tt": 9, "q": True, "sg": [{"d": 1000, "st": 0, "weird": {"a": 1}}]}],
    }
    assert Draft.from_wire(wire).to_wire() == wire


def test_summary_matches_the_skill_format():
    wire = {
        "t": [
            {"tt": 0, "sg": [{"start": 0, "d": 10000, "name": "city timelapse"}]},
            {"tt": 1, "m": {"name": "BGM"}, "sg": [{"start": 0, "d": 10000, "name": "Lo-fi", "volume": 0.35}]},
            {"tt": 7, "m": {"name": "Title"}, "sg": [{"start": 0, "d": 3000, "text": "Urban Dreams"}]},
        ]
    }
    assert summarize(Draft.from_wire(wire)) == (
        "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) "
        '3. Title: "Urban Dreams" (0-3s)'
    )


def test_summary_of_the_contract_example():
    draft = Draft.from_wire(fixture_json("draft_example.json"))
    assert draft.summary() == (
        "Timeline (3 tracks): 1. Video: beach_sunrise.jpg, palm_trees.png, sunset_pier.webp (0-10s) "
        '2. BGM: Lo-fi Chill (0-10s, 35%) 3. Title: "Golden Hour" (0-3s)'
    )


def test_summary_reads_short_inferred_keys_and_falls_back_to_cumulative_durations():
    wire = {
        "t": [
            {"tt": 1, "sg": [{"st": 2000, "d": 4000, "n": "Song", "vol": 50}]},
            {"tt": 0, "sg": [{"d": 1500}, {"d": 2500}]},
        ]
    }
    text = summarize(Draft.from_wire(wire))
    assert "1. Audio: Song (2-6s, 50%)" in text
    assert "2. Video: clip, clip (0-4s)" in text


@pytest.mark.parametrize("empty", [None, {}, "", "{}"])
def test_empty_drafts_in_every_documented_encoding(empty):
    assert Draft.from_wire(empty) is None
    assert "0 tracks" in summarize(None)


def test_draft_as_json_string_is_decoded():
    wire = fixture_json("draft_example.json")
    assert Draft.from_wire(json.dumps(wire)).to_wire() == wire


@pytest.mark.parametrize("bad", ["{not json", [1, 2], {"t": [{"sg": []}]}, {"t": "x"}])
def test_malformed_drafts_raise_invalid_draft(bad):
    with pytest.raises(NemoVideoError) as info:
        Draft.from_wire(bad)
    assert info.value.code == ErrorCode.INVALID_DRAFT


def test_exportable():
    assert Draft.from_wire(fixture_json("draft_example.json")).exportable
    assert not Draft.from_wire({"t": [{"tt": 0, "sg": []}]}).exportable


def test_diff_finds_exactly_the_added_title():
    before = Draft.from_wire(fixture_json("state_latest_before_edit.json")["data"]["state"]["draft"])
    after = Draft.from_wire(fixture_json("state_latest.json")["data"]["state"]["draft"])
    changes = diff(before, after)
    assert changes == ['Added Title: "Golden Hour" (0-3s).']
    assert diff(after, after) == []
    assert diff(after, before) == ['Removed Title: "Golden Hour" (0-3s).']
