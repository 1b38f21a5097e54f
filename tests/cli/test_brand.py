"""``nemo-video brand`` shows the kit a brand set with ``edit`` left behind, and ``brand clear`` forgets it."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from tests.cli.test_cli import photos, run


def test_brand_shows_the_kept_kit_and_clears_it(tmp_path: Path) -> None:
    logo = tmp_path / "shop-logo.png"
    Image.new("RGB", (100, 50), (240, 240, 240)).save(logo)
    uploaded = run(tmp_path, "upload", *photos(tmp_path, 1), str(logo), "--json")
    assert uploaded.returncode == 0, uploaded.stderr
    picture, mark = (a["id"] for a in json.loads(uploaded.stdout)["assets"])
    empty = run(tmp_path, "brand")
    assert empty.returncode == 0 and empty.stdout.startswith("No brand kit yet"), empty.stdout
    ops = [{"op": "add_scene", "media": picture}, {"op": "set_brand", "palette": ["#0D9488"], "logo": mark}]
    edited = run(tmp_path, "edit", "--ops", "-", stdin=json.dumps(ops))
    assert edited.returncode == 0, edited.stderr

    shown = run(tmp_path, "brand")
    assert shown.returncode == 0, shown.stderr
    assert "brand kit: colours #0D9488; logo shop-logo.png (top right)" in shown.stdout
    kit = json.loads(run(tmp_path, "brand", "--json").stdout)["brand_kit"]
    assert Path(kit["logo"]["file"]).read_bytes() == logo.read_bytes()

    cleared = run(tmp_path, "brand", "clear")
    assert cleared.returncode == 0 and "Forgot your brand kit (colours #0D9488" in cleared.stdout
    assert not Path(kit["logo"]["file"]).exists()
    assert json.loads(run(tmp_path, "brand", "--json").stdout) == {"ok": True, "cleared": False, "brand_kit": None}
