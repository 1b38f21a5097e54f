"""Media facts an agent refers uploads by: colour names, palette, orientation; kept in the store.

Colour names are a fixed English vocabulary; a request in another language ("蓝色") is mapped to
it by the planner, not here.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from nemo_video.backends.base import Asset
from nemo_video.backends.local.media import MediaImporter
from nemo_video.backends.local.media_facts import COLOR_NAMES, color_name, dominant_colors, orientation_of
from nemo_video.backends.local.store import SCHEMA_VERSION, Store
from nemo_video.config import Settings

from .conftest import run_ffmpeg

SWATCHES: dict[str, list[tuple[int, int, int]]] = {
    "red": [(255, 0, 0), (200, 30, 30), (165, 42, 42), (139, 0, 0)],
    "orange": [(255, 165, 0), (255, 140, 0), (210, 105, 30), (240, 120, 40)],
    "yellow": [(255, 215, 0), (255, 255, 0), (250, 220, 60)],
    "green": [(0, 128, 0), (50, 205, 50), (34, 139, 34), (128, 128, 0), (120, 200, 120)],
    "teal": [(0, 128, 128), (64, 224, 208), (0, 200, 200)],
    "blue": [(0, 0, 255), (0, 0, 128), (30, 80, 200), (100, 149, 237), (135, 206, 250)],
    "purple": [(128, 0, 128), (238, 130, 238), (75, 0, 130), (255, 0, 255), (150, 100, 220)],
    "pink": [(255, 192, 203), (255, 105, 180), (255, 20, 147), (255, 182, 193)],
    "brown": [(139, 69, 19), (101, 67, 33), (160, 82, 45), (120, 80, 40)],
    "black": [(0, 0, 0), (20, 20, 20), (30, 30, 35), (10, 10, 40)],
    "white": [(255, 255, 255), (245, 245, 245), (240, 248, 255), (232, 232, 228)],
    "gray": [(128, 128, 128), (200, 200, 200), (211, 211, 211), (70, 70, 70), (112, 128, 144)],
    "beige": [(245, 245, 220), (210, 180, 140), (222, 184, 135), (255, 228, 196), (240, 230, 140)],
}
CASES = [(rgb, name) for name, colors in SWATCHES.items() for rgb in colors]


def test_the_vocabulary_is_exactly_the_thirteen_names() -> None:
    assert set(SWATCHES) == set(COLOR_NAMES) and len(COLOR_NAMES) == 13


@pytest.mark.parametrize(("rgb", "name"), CASES, ids=[f"{n}-{r:02x}{g:02x}{b:02x}" for (r, g, b), n in CASES])
def test_colour_naming(rgb: tuple[int, int, int], name: str) -> None:
    assert color_name(rgb) == name


def scene(
    size: tuple[int, int], background: tuple[int, int, int], *shapes: tuple[tuple[int, ...], tuple[int, ...]]
) -> Image.Image:
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    for box, fill in shapes:
        draw.ellipse(box, fill=fill)  # type: ignore[arg-type]
    return image


@pytest.mark.parametrize(
    ("image", "colors"),
    [
        (scene((200, 150), (30, 80, 200)), ("blue",)),
        # a mostly blue sky over a yellow beach
        (scene((200, 150), (60, 120, 220), ((-100, 100, 300, 400), (240, 200, 60))), ("blue", "yellow")),
        # a white sneaker on light gray
        (scene((200, 150), (200, 200, 200), ((30, 40, 170, 110), (252, 252, 252))), ("gray", "white")),
        (scene((200, 150), (252, 252, 252), ((10, 10, 190, 140), (200, 200, 200))), ("gray", "white")),
        # a red product on white with a small black logo (under 12 %: not dominant)
        (
            scene((200, 200), (255, 255, 255), ((10, 10, 190, 190), (210, 20, 30)), ((90, 90, 110, 110), (0, 0, 0))),
            ("red", "white"),
        ),
        (scene((120, 120), (139, 69, 19)), ("brown",)),
    ],
    ids=["blue", "sky-and-beach", "white-sneaker-on-gray", "gray-on-white", "red-on-white", "brown"],
)
def test_dominant_colours_of_synthetic_pictures(image: Image.Image, colors: tuple[str, ...]) -> None:
    names, palette = dominant_colors(image)
    assert names == colors
    assert 1 <= len(palette) <= 5 and all(len(c) == 7 and c.startswith("#") for c in palette)
    assert color_name(tuple(int(palette[0][i : i + 2], 16) for i in (1, 3, 5))) == names[0]  # type: ignore[arg-type]


def test_shades_of_one_colour_count_together() -> None:
    """A navy bottle in three shades (10 % each) on gray: each shade is under 12 %, blue is 30 %."""
    image = Image.new("RGB", (100, 100), (165, 165, 170))
    draw = ImageDraw.Draw(image)
    for i, fill in enumerate([(16, 22, 52), (40, 50, 110), (70, 90, 170)]):
        draw.rectangle([i * 10, 0, i * 10 + 9, 99], fill=fill)
    names, palette = dominant_colors(image)
    assert names == ("gray", "blue") and len(palette) == 2
    assert color_name(_rgb(palette[1])) == "blue"


def test_at_most_three_names_and_transparent_pixels_do_not_count() -> None:
    stripes = Image.new("RGB", (100, 100))
    draw = ImageDraw.Draw(stripes)
    for i, fill in enumerate([(255, 0, 0), (0, 160, 0), (0, 0, 255), (250, 220, 0), (128, 0, 128)]):
        draw.rectangle([i * 20, 0, i * 20 + 19, 99], fill=fill)
    names, palette = dominant_colors(stripes)
    assert len(names) == 3 and set(names) <= {"red", "green", "blue", "yellow", "purple"}
    assert len(palette) == 5  # every stripe is 20 % of the picture

    logo = Image.new("RGBA", (100, 100), (0, 0, 0, 0))  # transparent black around a pink disc
    ImageDraw.Draw(logo).ellipse([25, 25, 75, 75], fill=(255, 105, 180, 255))
    assert dominant_colors(logo)[0] == ("pink",)
    assert dominant_colors(Image.new("RGBA", (10, 10), (0, 0, 0, 0))) == ((), ())


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1920, 1080), "landscape"),
        ((1080, 1920), "portrait"),
        ((1000, 1000), "square"),
        ((1050, 1000), "square"),
        ((1000, 1050), "square"),
        ((1060, 1000), "landscape"),
        ((1000, 1060), "portrait"),
        ((0, 10), None),
        ((None, 10), None),
    ],
)
def test_orientation_from_the_displayed_size(size: tuple[int | None, int | None], expected: str | None) -> None:
    assert orientation_of(*size) == expected


@pytest.fixture
def importer(settings: Settings, store: Store) -> MediaImporter:
    return MediaImporter(settings, store)


async def test_import_records_the_facts_of_pictures_and_of_a_clips_middle_frame(
    importer: MediaImporter, store: Store, tmp_path: Path
) -> None:
    photo = tmp_path / "portrait.jpg"
    scene((90, 160), (30, 80, 200)).save(photo)
    picture = await importer.import_path("s1", photo)
    assert (picture.orientation, picture.colors) == ("portrait", ("blue",))
    assert picture.palette and color_name(_rgb(picture.palette[0])) == "blue"

    # red for the first half second, green after, a key frame every half second (phones: 1-2 s):
    # the middle (the key frame at or before it) decides
    clip = tmp_path / "clip.mp4"
    run_ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "color=c=red:s=96x96:r=10:d=0.5",
        "-f",
        "lavfi",
        "-i",
        "color=c=green:s=96x96:r=10:d=1.5",
        "-filter_complex",
        "[0][1]concat=n=2:v=1",
        "-c:v",
        "libx264",
        "-g",
        "5",
        "-pix_fmt",
        "yuv420p",
        str(clip),
    )
    video = await importer.import_path("s1", clip)
    assert (video.kind, video.orientation, video.colors) == ("video", "square", ("green",))

    audio = tmp_path / "tone.wav"
    run_ffmpeg("-f", "lavfi", "-i", "sine=frequency=440", "-t", "1", str(audio))
    sound = await importer.import_path("s1", audio)
    assert (sound.orientation, sound.colors, sound.palette) == (None, (), ())

    assert await store.list_media("s1") == [picture, video, sound]  # read back from SQLite


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return int(hex_color[1:3], 16), int(hex_color[3:5], 16), int(hex_color[5:7], 16)


SCHEMA_V1_MEDIA = """
CREATE TABLE sessions (id TEXT PRIMARY KEY, language TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE media (
    session_id TEXT NOT NULL REFERENCES sessions(id), id TEXT NOT NULL, position INTEGER NOT NULL,
    name TEXT NOT NULL, kind TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
    facts TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (session_id, id), UNIQUE (session_id, sha256)
);
CREATE TABLE drafts (session_id TEXT NOT NULL REFERENCES sessions(id), version INTEGER NOT NULL, draft TEXT,
    message TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (session_id, version));
CREATE TABLE jobs (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
    progress REAL, message TEXT NOT NULL DEFAULT '', request TEXT, result TEXT, error TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
"""


async def test_a_schema_1_database_is_migrated_and_its_media_keep_loading(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(SCHEMA_V1_MEDIA + "PRAGMA user_version=1;")
    db.execute("INSERT INTO sessions VALUES ('s1', 'en', '2026-01-01T00:00:00+00:00')")
    facts = {"width": 640, "height": 480, "duration_s": None, "fps": None, "has_audio": None}
    db.execute(
        "INSERT INTO media VALUES ('s1', 'abc', 1, 'old.jpg', 'image', '/x/abc.jpg', 'abc', 10, ?, ?)",
        (json.dumps(facts), "2026-01-01T00:00:00+00:00"),
    )
    db.commit()
    db.close()

    for _ in range(2):  # opening again must not migrate twice
        store = await Store.open(path)
        (old,) = await store.list_media("s1")
        assert (old.name, old.width, old.height) == ("old.jpg", 640, 480)
        assert (old.orientation, old.colors, old.palette) == (None, (), ())
        await store.aclose()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2

    store = await Store.open(path)
    new, _ = await store.add_media(
        "s1",
        name="new.png",
        kind="image",
        path=Path("/x/def.png"),
        sha256="def",
        size=5,
        facts={
            "width": 10,
            "height": 20,
            "orientation": "portrait",
            "colors": ("teal", "white"),
            "palette": ("#008080", "#FFFFFF"),
        },
    )
    assert (new.orientation, new.colors, new.palette) == ("portrait", ("teal", "white"), ("#008080", "#FFFFFF"))
    assert (await store.list_media("s1"))[1] == new
    await store.aclose()


def test_assets_without_the_new_facts_still_validate() -> None:
    """The cloud backend builds Assets without colours; older JSON (a job file, a cache) has none."""
    asset = Asset.model_validate({"id": "a", "name": "x.jpg", "kind": "image", "src": "https://cdn/x.jpg"})
    assert (asset.orientation, asset.colors, asset.palette) == (None, (), ())
    assert Asset.model_validate(asset.model_dump(mode="json")) == asset
