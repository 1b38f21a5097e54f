"""The user's brand kit: palette, font, logo and corner, kept between sessions (CRAFT.md, Brand).

A brand set in one session (``set_brand``, or the planner's words) is saved here, per client: the kit
of ``default`` (the CLI, a stdio server, and any MCP protocol session, which lasts only as long as its
connection) or of a named or token client. The logo is a media id inside one session, so the file
itself is copied into ``data_dir/brand/logos/<sha256>/`` and imported again into the next session.
Kits live in ``data_dir/brand/kits.json`` (mode 0600), next to the sessions they outlive.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field

from ..backends.base import Asset, utcnow
from ..composition import defaults as D
from ..composition.model import Brand
from ..config import read_json, write_private

logger = logging.getLogger(__name__)

LOGO_NAME = "logo"  # the kept copy's stem: the planner leaves media named like a logo out of the scenes
KIT_LOGO = "brand-kit-logo"  # a Brand's logo that means "the kit's own logo, as it is"


class KitLogo(BaseModel):
    sha256: str
    name: str = Field(description="The logo's file name when it was set.")
    file: str = Field(description="The kept copy, imported into each new session.")


class BrandKit(BaseModel):
    """What a new session's first video starts with (``say 'no brand'`` or ``set_brand`` to change it)."""

    palette: list[str] = Field(default_factory=list)
    font: str | None = None
    corner: D.Corner = D.DEFAULT_CORNER
    logo: KitLogo | None = None
    saved_at: datetime = Field(default_factory=utcnow)

    def describe(self, zh: bool = False) -> str:
        """``colours #F97316, #1E293B; font Inter; logo logo.png (top right)``."""
        corner = self.corner.replace("_", " ")
        if zh:
            parts = [f"品牌色{'、'.join(self.palette)}"] if self.palette else []
            parts += [f"字体{self.font}"] if self.font else []
            parts += [f"标志{self.logo.name}（{corner}）"] if self.logo else []
            return "；".join(parts) or "空"
        parts = [f"colours {', '.join(self.palette)}"] if self.palette else []
        parts += [f"font {self.font}"] if self.font else []
        parts += [f"logo {self.logo.name} ({corner})"] if self.logo else []
        return "; ".join(parts) or "empty"


def is_set(brand: Brand) -> bool:
    """A brand worth keeping: colours, a font or a logo (a corner alone says nothing)."""
    return bool(brand.palette or brand.font or brand.logo)


class KitBook:
    """Every client's brand kit in one JSON file, and the logo files they keep."""

    def __init__(self, folder: Path, project: str, owner: Callable[[str], str] = lambda client: client) -> None:
        self.folder = folder
        self._file = folder / "kits.json"
        self._project = project
        self._owner = owner  # whose kit a client's turns use (``sessions.kit_owner``)

    def _key(self, client: str) -> str:
        return f"{self._project}:{self._owner(client)}"

    def get(self, client: str) -> BrandKit | None:
        saved = (read_json(self._file) or {}).get(self._key(client))
        if not isinstance(saved, dict):
            return None
        try:
            return BrandKit.model_validate(saved)
        except ValueError:
            logger.warning("Ignoring an unreadable brand kit")
            return None

    def save(self, client: str, brand: Brand, logo: Asset | None) -> BrandKit:
        """Keep ``brand`` as the client's kit; ``logo`` is the session's asset its logo names (its file is
        copied; a logo whose file is not on this machine, as on the cloud, is kept as it was)."""
        previous = self.get(client)
        kept = self._keep_logo(logo) if logo is not None else None
        if kept is None and brand.logo and previous is not None and previous.logo is not None:
            kept = previous.logo if logo is None or logo.sha256 == previous.logo.sha256 else None
        kit = BrandKit(palette=list(brand.palette), font=brand.font, corner=brand.corner, logo=kept)
        saved = read_json(self._file) or {}
        saved[self._key(client)] = kit.model_dump(mode="json")
        write_private(self._file, json.dumps(saved, ensure_ascii=False))
        return kit

    def forget(self, client: str) -> BrandKit | None:
        """Delete the client's kit (and its logo file when no other kit keeps it); returns what it was."""
        saved = read_json(self._file) or {}
        removed = saved.pop(self._key(client), None)
        if removed is None:
            return None
        write_private(self._file, json.dumps(saved, ensure_ascii=False))
        kit = BrandKit.model_validate(removed)
        if kit.logo is not None and not any(
            isinstance(other, dict) and (other.get("logo") or {}).get("sha256") == kit.logo.sha256
            for other in saved.values()
        ):
            shutil.rmtree(Path(kit.logo.file).parent, ignore_errors=True)
        return kit

    def _keep_logo(self, asset: Asset) -> KitLogo | None:
        source = Path(asset.src)
        if not asset.sha256 or not source.is_file():
            return None
        target = self.folder / "logos" / asset.sha256 / f"{LOGO_NAME}{source.suffix.lower()}"
        if not target.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f".{target.name}.partial")
            shutil.copyfile(source, partial)
            partial.replace(target)
        return KitLogo(sha256=asset.sha256, name=asset.name, file=str(target))
