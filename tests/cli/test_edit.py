"""``nemo-video edit --ops``: the same operations as the edit_video tool, from a file or stdin."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import photos, run


def test_edit_from_a_file_and_from_stdin_then_undo(tmp_path: Path) -> None:
    assert run(tmp_path, "upload", *photos(tmp_path)).returncode == 0
    media = [m["id"] for m in json.loads(run(tmp_path, "state", "--json").stdout)["media"]]
    ops = tmp_path / "ops.json"
    ops.write_text(
        json.dumps(
            {
                "operations": [
                    {"op": "set_format", "aspect": "1:1"},
                    *({"op": "add_scene", "media": m} for m in media),
                    {"op": "set_text", "role": "title", "text": "Fresh every morning since 1987"},
                    {"op": "set_duration", "seconds": 3, "scene": "each"},
                ]
            }
        ),
        encoding="utf-8",
    )
    made = run(tmp_path, "edit", "--ops", str(ops))
    assert made.returncode == 0, made.stderr
    assert "done: Show the title 'Fresh every morning since 1987'." in made.stdout
    state = json.loads(run(tmp_path, "state", "--json").stdout)
    assert state["duration_s"] == 9 and state["composition"]["format"]["aspect"] == "1:1"

    piped = run(tmp_path, "edit", "--ops", "-", "--json", stdin='[{"op": "move_scene", "scene": "s3", "to": 1}]')
    assert piped.returncode == 0, piped.stderr
    assert [s["id"] for s in json.loads(piped.stdout)["composition"]["scenes"]] == ["s3", "s1", "s2"]
    undone = run(tmp_path, "edit", "--ops", "-", "--json", stdin='[{"op": "undo"}]')
    assert [s["id"] for s in json.loads(undone.stdout)["composition"]["scenes"]] == ["s1", "s2", "s3"]


def test_bad_operations_are_one_line_with_code_index_and_valid_values(tmp_path: Path) -> None:
    bad = run(
        tmp_path, "edit", "--ops", "-", stdin='[{"op": "set_pace", "pace": "calm"}, {"op": "set_music", "volume": 3}]'
    )
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert "invalid_input" in bad.stderr and "Operation 1 (volume)" in bad.stderr and "le 1" in bad.stderr
    broken = run(tmp_path, "edit", "--ops", "-", stdin="[{'op': 'undo'}]")
    assert broken.returncode != 0 and "not valid JSON (line 1, column 3)" in broken.stderr
    nothing = run(tmp_path, "edit", "--ops", "-", stdin='[{"op": "undo"}]')
    assert nothing.returncode != 0 and "nothing to undo" in nothing.stderr
