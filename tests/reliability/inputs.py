"""Bad inputs made on disk, and snapshots that show a refused input changed nothing.

``make_bad_files`` writes every kind of broken, disguised, oversize or out-of-bounds file the battery
feeds to the tools; ``Snapshot`` records what a refused call must leave alone: the session's draft
version and summary, its media list, and every file under the data and output folders.
"""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from nemo_video.config import Settings

OVERSIZE = 201 * 1024 * 1024  # one MB past the 200 MB limit; sparse, so it costs no disk


def noise_mp4(folder: Path, ffmpeg: str) -> Path:
    """A 2 s 160x90 noise video with its index first (+faststart): cut short, it still probes fine."""
    out = folder / "noise.mp4"
    subprocess.run(
        [
            ffmpeg,
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "nullsrc=s=160x90:d=2:r=10,geq=random(1)*255:128:128",
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-movflags",
            "+faststart",
            str(out),
        ],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        timeout=60,
    )
    return out


def _image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((64, 48), 60).convert("RGB").save(buffer, fmt)
    return buffer.getvalue()


def make_bad_files(inside: Path, outside: Path, mp4: bytes) -> dict[str, Path]:
    """Bad inputs by kind. ``inside`` is an allowed root; ``outside`` is not."""
    inside.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    jpeg, png = _image_bytes("JPEG"), _image_bytes("PNG")
    files: dict[str, bytes] = {
        "corrupt.jpg": jpeg[:20] + bytes(range(256)) * 8,  # a JPEG header over garbage
        "empty.png": b"",
        "truncated.png": png[: len(png) // 2],
        "truncated.jpg": jpeg[: len(jpeg) // 2],
        "truncated.mp4": mp4[: len(mp4) * 6 // 10],
        "notes.mp4": b"this is a text file, not a video\n",
        "notes.jpg": b"this is a text file, not a photo\n",
        "photo.mp4": jpeg,  # a real image named as a video
        "photo.bmp": _image_bytes("BMP"),
        "readme.txt": b"hello\n",
        "setup.exe": b"MZ\x90\x00" + bytes(512),
    }
    paths = {name: inside / name for name in files}
    for name, data in files.items():
        paths[name].write_bytes(data)
    huge = inside / "huge.mp4"
    with huge.open("wb") as fh:
        fh.truncate(OVERSIZE)
    paths["huge.mp4"] = huge
    (inside / "folder.jpg").mkdir(exist_ok=True)
    paths["folder.jpg"] = inside / "folder.jpg"
    secret = outside / "secret.jpg"
    secret.write_bytes(jpeg)
    paths["outside.jpg"] = secret
    paths["dotdot.jpg"] = inside / ".." / outside.name / "secret.jpg"
    link = inside / "link.jpg"
    link.symlink_to(secret)
    paths["symlink.jpg"] = link
    linked_dir = inside / "linked-dir"
    linked_dir.symlink_to(outside, target_is_directory=True)
    paths["symlinked-dir.jpg"] = linked_dir / "secret.jpg"
    paths["missing.jpg"] = inside / "missing.jpg"
    return paths


def good_photo(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "good.jpg"
    Image.new("RGB", (96, 64), (30, 120, 200)).save(path)
    return path


# ---------------------------------------------------------------- snapshots


def files_under(folder: Path) -> set[str]:
    """Every file and folder below ``folder`` except SQLite's own journal files."""
    if not folder.exists():
        return set()
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if not p.name.endswith(("-wal", "-shm", "-journal"))}


def temporaries(*folders: Path) -> list[str]:
    """Staging folders, partial renders and other hidden temporaries left anywhere below ``folders``."""
    found: list[str] = []
    for folder in folders:
        if folder.exists():
            found += [
                str(p)
                for p in folder.rglob("*")
                if p.name.startswith(".") or "partial" in p.name or "incoming" in p.name
            ]
    return sorted(found)


@dataclass(frozen=True)
class Snapshot:
    """What a refused input must not change."""

    drafts: tuple[tuple[str, int, str | None], ...]  # (session id, version, draft JSON), every version
    media: tuple[tuple[str, str, str], ...]  # (session id, media id, name)
    media_files: frozenset[str]
    output_files: frozenset[str]

    @classmethod
    def take(cls, settings: Settings) -> Snapshot:
        db = settings.data_dir / "studio.sqlite3"
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            drafts = conn.execute(
                "SELECT session_id, version, draft FROM drafts ORDER BY session_id, version"
            ).fetchall()
            media = conn.execute("SELECT session_id, id, name FROM media ORDER BY session_id, position")
            media_rows = media.fetchall()
        finally:
            conn.close()
        return cls(
            drafts=tuple((str(s), int(v), d) for s, v, d in drafts),
            media=tuple((str(s), str(i), str(n)) for s, i, n in media_rows),
            media_files=frozenset(files_under(settings.data_dir / "media")),
            output_files=frozenset(files_under(settings.output_dir)),
        )

    def of_sessions(self, sessions: set[str]) -> Snapshot:
        """The same snapshot restricted to ``sessions`` (a CLI ``generate`` opens a new one first)."""
        return Snapshot(
            tuple(d for d in self.drafts if d[0] in sessions),
            tuple(m for m in self.media if m[0] in sessions),
            self.media_files,
            self.output_files,
        )

    @property
    def sessions(self) -> set[str]:
        return {d[0] for d in self.drafts}


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that points the ``nemo-video`` command at these settings' folders."""
    return {
        **os.environ,
        "NEMO_BACKEND": "local",
        "NEMO_DATA_DIR": str(settings.data_dir),
        "NEMO_OUTPUT_DIR": str(settings.output_dir),
        "NEMO_CONFIG_DIR": str(settings.config_dir),
        "NEMO_MEDIA_DIRS": os.pathsep.join(str(p) for p in settings.media_dirs),
    }
