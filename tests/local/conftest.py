"""Fixtures for the local backend: tiny real media files, an opened store, a loopback HTTP server."""

from __future__ import annotations

import http.server
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Iterator
from functools import partial
from pathlib import Path

import imageio_ffmpeg
import pytest
from PIL import Image

from nemo_video.backends.local.store import Store
from nemo_video.config import Settings

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(*args: str) -> None:
    subprocess.run(
        [FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-y", *args],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )


def make_image(path: Path, color: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (64, 48)) -> Path:
    image = Image.new("RGB", size, color)
    for x in range(0, size[0], 8):  # some structure so encoders have something to keep
        image.putpixel((x, x % size[1]), (255, 255, 255))
    fmt = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF", "bmp": "BMP"}
    image.save(path, fmt[path.suffix.lower().lstrip(".")])
    return path


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One good file per family (red.jpg/png/webp/gif, clip.mp4, tone.wav), made once per run."""
    root = tmp_path_factory.mktemp("samples")
    for name in ("red.jpg", "red.png", "red.webp", "red.gif"):
        make_image(root / name)
    run_ffmpeg(
        "-f",
        "lavfi",
        "-i",
        "testsrc=size=64x48:rate=10",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440",
        "-t",
        "1",
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        str(root / "clip.mp4"),
    )
    run_ffmpeg("-f", "lavfi", "-i", "sine=frequency=330", "-t", "1", str(root / "tone.wav"))
    return root


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    opened = await Store.open(settings.data_dir / "studio.sqlite3")
    await opened.create_session("s1", "en")
    yield opened
    await opened.aclose()


def stored_files(settings: Settings) -> list[str]:
    """Everything under data_dir/media, hidden staging folders included."""
    media = settings.data_dir / "media"
    return sorted(str(p.relative_to(media)) for p in media.rglob("*")) if media.exists() else []


class _Handler(http.server.SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/redirect-to/"):
            self.send_response(302)
            self.send_header("Location", self.path[len("/redirect-to") :])
            self.end_headers()
            return
        if self.path == "/huge.jpg":  # claims 300 MB; the client must stop before reading it
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(300 * 1024 * 1024))
            self.end_headers()
            return
        if self.path == "/slow.jpg":  # starts, then stalls longer than the test's download limit
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"\xff\xd8" + b"\x00" * 100)
            self.wfile.flush()
            time.sleep(1.5)
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server over a fresh folder: (base URL, folder)."""
    root = tmp_path / "www"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
