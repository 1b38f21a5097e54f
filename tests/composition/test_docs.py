"""The checked-in JSON Schemas are current, and the examples in docs/composition.md apply."""

from __future__ import annotations

import json
import re
from pathlib import Path

from scripts import gen_composition_schema

from nemo_video.composition import Composition, apply, parse_operations, to_draft

from .media import MEDIA

DOC = Path(__file__).parents[2] / "docs" / "composition.md"


def test_schemas_in_docs_are_current() -> None:
    for path, schema in gen_composition_schema.schemas().items():
        assert path.read_text(encoding="utf-8") == gen_composition_schema.render(schema), (
            f"{path.name} is stale: run python scripts/gen_composition_schema.py"
        )


def test_the_documented_examples_apply_in_order() -> None:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert len(blocks) == 3
    comp = Composition()
    for block in blocks:
        comp = apply(comp, parse_operations(json.loads(block)), MEDIA)
    assert [s.media for s in comp.scenes] == ["m3", "m2"]
    assert [t.text for t in comp.scenes[0].texts] == ["Made for the city"]
    assert comp.scenes[0].texts[0].style.backdrop_color == "#FFFFFF"
    assert to_draft(comp, MEDIA).duration_ms == 6000 + 2500  # two 3 s scenes, then the CTA's end card
