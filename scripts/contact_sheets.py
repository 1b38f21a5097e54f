"""Render the README's demo with this checkout and save its contact sheet (and design report).

    python scripts/contact_sheets.py before    # docs/images/demo-contact-before.jpg (+ .report.json)
    python scripts/contact_sheets.py after     # docs/images/demo-contact-after.jpg, once the craft work landed
    python scripts/contact_sheets.py after --readme   # also the README's demo-contact.jpg and demo-poster.jpg

Runs ``nemo-video demo --json`` (local backend, offline) in a scratch data folder, so the user's
sessions and outputs are not touched, and copies the contact sheet next to the README's images. The
design report of the render, when this checkout makes one, is written beside it as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "docs" / "images"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("label", help="before, after, or any word: docs/images/demo-contact-LABEL.jpg")
    parser.add_argument("--height", type=int, default=None, help="output height (default the demo's 1920)")
    parser.add_argument("--readme", action="store_true", help="also write the README's sheet and poster")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nemo-contact-") as scratch:
        home = Path(scratch)
        env = {**os.environ, "NEMO_BACKEND": "local", "NEMO_DATA_DIR": str(home / "data"),
               "NEMO_OUTPUT_DIR": str(home / "out"), "NEMO_CONFIG_DIR": str(home / "config")}  # fmt: skip
        command = [sys.executable, "-m", "nemo_video.cli", "demo", "--json"]
        if args.height:
            command += ["--height", str(args.height)]
        done = subprocess.run(command, env=env, cwd=home, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            return done.returncode
        payload = json.loads(done.stdout)
        IMAGES.mkdir(parents=True, exist_ok=True)
        sheet = IMAGES / f"demo-contact-{args.label}.jpg"
        shutil.copyfile(payload["contact_sheet"], sheet)
        sys.stdout.write(f"contact sheet: {sheet.relative_to(ROOT)}\n")
        if args.readme:
            shutil.copyfile(payload["contact_sheet"], IMAGES / "demo-contact.jpg")
            shutil.copyfile(payload["poster"], IMAGES / "demo-poster.jpg")
            sys.stdout.write("README images: docs/images/demo-contact.jpg, docs/images/demo-poster.jpg\n")
        if payload.get("design_report"):
            report = IMAGES / f"demo-contact-{args.label}.report.json"
            report.write_text(json.dumps(payload["design_report"], indent=1, ensure_ascii=False) + "\n")
            sys.stdout.write(f"design report: {report.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
