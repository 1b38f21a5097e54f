"""Render benchmark: the 30 s, 1080x1920, 30 fps timeline (three pictures with Ken Burns motion,
0.5 s crossfades, a title, two captions, a call to action with its closing card, music; laid out
from a composition as a user's request is) rendered by nemo-video's local renderer, against

  (a) the encode-only floor: our output decoded to a raw pipe and re-encoded with the same x264
      settings (what any renderer must at least spend), and
  (b) MoviePy 2.2.1 rendering the same timeline, in a virtual environment this script creates
      (bench/.moviepy-venv; MoviePy pins pillow<12 so it cannot share the project's venv).

Prints one JSON line. Targets: ours <= 1.15x the floor, >= 8x faster than MoviePy, peak RSS <= 450 MB.

    python bench/render_bench.py [--skip-moviepy] [--quality high|draft] [--keep DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from nemo_video.backends.base import Asset, RenderRequest
from nemo_video.backends.local.render import render_draft
from nemo_video.backends.local.render.graph import PRESETS, X264_PARAMS
from nemo_video.backends.local.render.music import bed_chain
from nemo_video.composition import Composition, apply, parse_operations, to_draft
from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.media import locate

HERE = Path(__file__).resolve().parent
VENV = HERE / ".moviepy-venv"
W, H, FPS, SECONDS = 1080, 1920, 30, 30
TITLE = "Fresh roast, every morning"
CAPTIONS = ("Small batch, roasted daily", "Single origin beans")
CTA = "Order at roast.example"
TIMELINE = (
    f"{SECONDS}s {W}x{H}@{FPS}: 3 pictures, Ken Burns, 0.5 s crossfades, title, 2 captions, CTA + end card, music"
)
COLORS = ((196, 92, 52), (52, 120, 170), (90, 150, 80))


def make_images(folder: Path) -> list[Path]:
    paths = []
    for i, color in enumerate(COLORS):
        image = Image.new("RGB", (2000, 1500), color)
        draw = ImageDraw.Draw(image)
        for k in range(0, 2000, 50):
            draw.ellipse(
                (k, (k * 7 + i * 300) % 1500, k + 180, (k * 7 + i * 300) % 1500 + 180), outline=(255, 255, 255), width=6
            )
        image = image.filter(ImageFilter.GaussianBlur(1))
        path = folder / f"photo{i + 1}.jpg"
        image.save(path, quality=92)
        paths.append(path)
    return paths


def make_draft(images: list[Path]) -> Draft:
    """The timeline as a user gets it: a composition laid out by ``to_draft`` (safe zones, type scale,
    legibility backdrops chosen by the renderer, the closing card), not a hand-written draft."""
    media = [
        Asset(
            id=f"m{i + 1}",
            name=path.name,
            kind="image",
            src=str(path),
            width=2000,
            height=1500,
            palette=("#{:02X}{:02X}{:02X}".format(*COLORS[i]),),
        )
        for i, path in enumerate(images)
    ]
    ops = parse_operations(
        [
            {"op": "set_format", "platform": "reels"},
            *({"op": "add_scene", "media": m.id} for m in media),
            {"op": "set_duration", "seconds": SECONDS},
            {"op": "set_transition", "kind": "crossfade", "seconds": 0.5},
            {"op": "set_text", "role": "title", "text": TITLE},
            {"op": "set_text", "role": "caption", "text": CAPTIONS[0], "scene": "s2"},
            {"op": "set_text", "role": "caption", "text": CAPTIONS[1], "scene": "s3"},
            {"op": "set_text", "role": "cta", "text": CTA},
            {"op": "set_music", "mood": "upbeat"},
        ]
    )
    draft = to_draft(apply(Composition(), ops, media), media)
    assert draft.meta.width == W and draft.meta.height == H and draft.total_ms() == SECONDS * 1000
    return draft


def run_ours(draft: Draft, out: Path, quality: str) -> tuple[float, int]:
    settings = Settings.from_env({}, data_dir=out.parent / "data", config_dir=out.parent / "cfg", output_dir=out.parent)
    request = RenderRequest(destination=out, quality=quality, overwrite=True)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    asyncio.run(render_draft(draft, request, settings))
    elapsed = time.perf_counter() - t0
    # ru_maxrss of children: the largest process this one waited for (KiB on Linux). The floor runs
    # after, and is measured on its own, so this is the renderer's ffmpeg.
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def run_floor(ffmpeg: str, ours: Path, out: Path, quality: str) -> float:
    preset, crf = PRESETS[quality]
    decode = [ffmpeg, "-nostdin", "-loglevel", "error", "-i", str(ours), "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"]
    encode = [
        ffmpeg,
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "yuv420p",
        "-s",
        f"{W}x{H}",
        "-r",
        str(FPS),
        "-i",
        "-",
        "-c:v",
        "libx264",
        "-profile:v",
        "high",
        "-preset",
        preset,
        "-crf",
        str(crf),
        "-g",
        str(FPS),
        "-keyint_min",
        str(FPS),
        "-x264-params",
        X264_PARAMS,
        "-pix_fmt",
        "yuv420p",
        str(out),
    ]
    t0 = time.perf_counter()
    dec = subprocess.Popen(decode, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
    enc = subprocess.run(encode, stdin=dec.stdout, stdout=subprocess.DEVNULL, check=True)
    assert dec.stdout is not None
    dec.stdout.close()
    dec.wait()
    del enc
    return time.perf_counter() - t0


MOVIEPY_SCRIPT = r"""
import sys
from moviepy import AudioFileClip, CompositeVideoClip, ImageClip, TextClip, vfx
images, (music, font, out, preset, crf, x264) = sys.argv[1:4], sys.argv[4:10]
W, H, FPS = 1080, 1920, 30
lengths = [10.334, 10.333, 10.333]
clips, start = [], 0.0
for i, (path, d) in enumerate(zip(images, lengths)):
    base = ImageClip(path).with_duration(d)
    cover = max(W / base.w, H / base.h)
    if i == 2:  # zoom out
        zoom = (lambda d, c: (lambda t: c * (1.12 - 0.12 * t / d)))(d, cover)
    else:
        zoom = (lambda d, c: (lambda t: c * (1 + 0.12 * t / d)))(d, cover)
    clip = base.with_effects([vfx.Resize(zoom)]).with_position("center").with_start(start)
    if i > 0:
        clip = clip.with_effects([vfx.CrossFadeIn(0.5)])
    clips.append(clip)
    start += d - 0.5
title = (TextClip(font=font, text="Fresh roast, every morning", font_size=96, color="white")
         .with_start(0).with_duration(4).with_position(("center", 0.3 * H))
         .with_effects([vfx.CrossFadeIn(0.4), vfx.CrossFadeOut(0.4)]))
video = CompositeVideoClip(clips + [title], size=(W, H)).with_duration(30)
video = video.with_audio(AudioFileClip(music).with_duration(30))
video.write_videofile(out, fps=FPS, codec="libx264", preset=preset, ffmpeg_params=["-crf", crf, "-g", "30",
                      "-x264-params", x264],
                      audio_codec="aac", logger=None)
"""


def ensure_moviepy() -> Path:
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    probe = "import moviepy, sys; sys.exit(moviepy.__version__ != '2.2.1')"
    check = subprocess.run([str(python), "-c", probe], capture_output=True)
    if check.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "moviepy==2.2.1"], check=True)
    return python


def run_moviepy(python: Path, ffmpeg: str, images: list[Path], work: Path, quality: str) -> float:
    music = work / "bed.wav"
    bed = bed_chain("upbeat", 118, SECONDS)  # the same bed our render mixes in
    subprocess.run(
        [ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-filter_complex", bed, str(music)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    script = work / "moviepy_timeline.py"
    script.write_text(MOVIEPY_SCRIPT, encoding="utf-8")
    from nemo_video.backends.local.render.fonts import roboto

    preset, crf = PRESETS[quality]
    env = {**os.environ, "IMAGEIO_FFMPEG_EXE": ffmpeg}
    t0 = time.perf_counter()
    subprocess.run(
        [
            str(python),
            str(script),
            *map(str, images),
            str(music),
            str(roboto(True)),
            str(work / "moviepy.mp4"),
            preset,
            str(crf),
            X264_PARAMS,
        ],
        check=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-moviepy", action="store_true")
    parser.add_argument("--quality", choices=("high", "draft"), default="high")
    parser.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    parser.add_argument("--repeat", type=int, default=2, help="runs of ours and of the floor (best kept)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="nemo-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    ffmpeg = locate(Settings.from_env({}))
    images = make_images(work)
    # Interleaved repeats, best of each: the machine is shared, so single runs are noisy.
    ours_runs, floor_runs, rss = [], [], 0
    for _ in range(args.repeat):
        ours_once, rss_once = run_ours(make_draft(images), work / "ours.mp4", args.quality)
        ours_runs.append(ours_once)
        rss = rss or rss_once  # first run only: later maxima would include the floor's encoder
        floor_runs.append(run_floor(ffmpeg, work / "ours.mp4", work / "floor.mp4", args.quality))
    ours_s, floor_s = min(ours_runs), min(floor_runs)
    result: dict[str, object] = {
        "timeline": TIMELINE,
        "quality": args.quality,
        "cores": os.cpu_count(),
        "repeat": args.repeat,
        "ours_s": round(ours_s, 2),
        "floor_s": round(floor_s, 2),
        "ours_runs": [round(x, 2) for x in ours_runs],
        "floor_runs": [round(x, 2) for x in floor_runs],
        "ours_over_floor": round(ours_s / floor_s, 3),
        "peak_rss_mb": round(rss / 2**20, 1),
        "self_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if not args.skip_moviepy:
        python = ensure_moviepy()
        moviepy_s = run_moviepy(python, ffmpeg, images, work, args.quality)
        result |= {"moviepy_s": round(moviepy_s, 2), "moviepy_over_ours": round(moviepy_s / ours_s, 2)}
    result["targets_met"] = {
        "floor<=1.15x": result["ours_over_floor"] <= 1.15,  # type: ignore[operator]
        "rss<=450MB": result["peak_rss_mb"] <= 450,  # type: ignore[operator]
        **({"moviepy>=8x": result["moviepy_over_ours"] >= 8} if "moviepy_over_ours" in result else {}),  # type: ignore[operator]
    }
    print(json.dumps(result), flush=True)  # the script's result line


if __name__ == "__main__":
    main()
