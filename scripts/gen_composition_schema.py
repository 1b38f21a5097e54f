"""Write the JSON Schemas of the composition and of edit_video's operations into docs/.

Usage::

    python scripts/gen_composition_schema.py           # rewrite docs/*.schema.json
    python scripts/gen_composition_schema.py --check   # exit 1 (naming the files) when any is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def schemas() -> dict[Path, dict[str, Any]]:
    from nemo_video.composition import Composition
    from nemo_video.composition.ops import OPERATIONS

    return {
        DOCS / "composition.schema.json": Composition.model_json_schema(),
        DOCS / "operations.schema.json": OPERATIONS.json_schema(),
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = []
    for path, schema in schemas().items():
        text = render(schema)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path)
        if not args.check:
            path.write_text(text, encoding="utf-8")
    if args.check and stale:
        sys.stderr.write("stale: " + ", ".join(str(p.relative_to(ROOT)) for p in stale) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
