"""Render-farm benchmark: a 12-video batch in-process vs on Ray, and a long timeline whole vs chunked
(in this process, and as Ray tasks on the largest worker count).

    .venv/bin/python bench/farm_bench.py                       # defaults: 12 x 2 s at 360 px, 120 s at 360 px
    .venv/bin/python bench/farm_bench.py --height 240 --long-s 60 --workers 1,2

Prints one JSON object: for each case the wall time, speedup against its baseline (the in-process
farm, one render at a time; the whole long render), parallel efficiency (speedup / workers), and
the peak memory of a worker (the largest ffmpeg, from getrusage(RUSAGE_CHILDREN); for Ray also the
worker processes' own resident size). Pictures are drawn here; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import anyio
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from nemo_video.config import Settings
from nemo_video.draft import Draft
from nemo_video.render_farm import FarmTask, LocalFarm
from nemo_video.render_farm.chunks import chunk_count


def picture(folder: Path, name: str, color: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", (1200, 900), color)
    draw = ImageDraw.Draw(image)
    for x in range(0, 1200, 40):
        draw.line([(x, 0), (1200 - x, 900)], fill=(255, 255, 255), width=3)
    path = folder / name
    image.save(path, quality=90)
    return path


def timeline(photos: list[Path], seconds: float, scene_s: float = 2.0) -> dict[str, Any]:
    """Scenes of ``scene_s`` with Ken Burns, a crossfade every third cut, a title, the synth bed."""
    scenes: list[dict[str, Any]] = []
    start = 0
    count = max(1, round(seconds / scene_s))
    ms = round(scene_s * 1000)
    for i in range(count):
        seg: dict[str, Any] = {
            "type": "image",
            "src": str(photos[i % len(photos)]),
            "d": ms,
            "start": start,
            "source_width": 1200,
            "source_height": 900,
            "motion": {"type": "ken_burns", "direction": ("in", "left", "out")[i % 3]},
        }
        fade = i % 3 == 2 and i < count - 1
        if fade:
            seg["transition_out"] = {"type": "crossfade", "d": 300}
        scenes.append(seg)
        start += ms - (300 if fade else 0)
    total = scenes[-1]["start"] + ms
    title = {
        "type": "text",
        "role": "title",
        "start": 0,
        "d": min(total, 3000),
        "text": "Farm bench",
        "style": {"font_size": 96, "color": "#FFFFFF", "font_weight": 700},
        "position": {"x": 0.5, "y": 0.4},
    }
    music = {"type": "music", "name": "bed", "mood": "upbeat", "bpm": 110, "volume": 0.8, "start": 0, "d": total}
    return {
        "d": total,
        "m": {"width": 1080, "height": 1920, "fps": 30, "ratio": "9:16"},
        "t": [
            {"tt": 0, "id": "v", "sg": scenes},
            {"tt": 1, "id": "a", "sg": [music]},
            {"tt": 7, "id": "t", "sg": [title]},
        ],
    }


def children_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def ray_worker_rss_mb() -> float:
    """The largest resident size among this machine's Ray worker processes (their Python, not ffmpeg)."""
    peak = 0.0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"ray::" in (entry / "cmdline").read_bytes():
                for line in (entry / "status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]) / 1024)
        except OSError:
            continue
    return round(peak, 1)


async def batch_case(farm: Any, tasks: list[FarmTask]) -> float:
    started = time.perf_counter()
    results = await farm.run(tasks)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return time.perf_counter() - started


def tasks_for(wire: dict[str, Any], out: Path, n: int, height: int) -> list[FarmTask]:
    out.mkdir(parents=True, exist_ok=True)
    return [FarmTask(draft=wire, destination=out / f"v{i:02d}.mp4", height=height, overwrite=True) for i in range(n)]


async def long_on_ray(
    settings: Settings, long: dict[str, Any], seconds: float, work: Path, args: argparse.Namespace, n: int, whole: float
) -> dict[str, Any]:
    """The long timeline chunked on a local Ray with ``n`` workers: one task per chunk and one for the sound."""
    import ray

    from nemo_video.render_farm.ray_farm import RayFarm

    ray.init(num_cpus=n, include_dashboard=False, log_to_driver=False)
    try:
        farm = RayFarm(settings.with_(chunk_seconds=args.long_s / 2), "auto")
        await farm.render(tasks_for(timeline_short(long), work / "warm-long", 1, args.height)[0])  # workers start
        t0 = time.perf_counter()
        out = await farm.render(
            FarmTask(draft=long, destination=work / "long" / "ray.mp4", height=args.height, overwrite=True)
        )
        wall = time.perf_counter() - t0
        peak = ray_worker_rss_mb()
    finally:
        ray.shutdown()
    return {
        "workers": n,
        "chunks": chunk_count(seconds, args.long_s / 2, n),
        "chunked_s": round(wall, 2),
        "speedup": round(whole / wall, 2),
        "efficiency": round(whole / wall / n, 2),
        "chunked_file_s": out.duration_s,
        "worker_python_peak_mb": peak,
    }


def timeline_short(long: dict[str, Any]) -> dict[str, Any]:
    """The first scene of ``long`` alone (a warm-up render)."""
    first = dict(long["t"][0]["sg"][0], start=0)
    first.pop("transition_out", None)
    d = first["d"]
    return {"d": d, "m": long["m"], "t": [{"tt": 0, "id": "v", "sg": [first]}]}


async def main(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(args.keep or tempfile.mkdtemp(prefix="farm-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env({}, data_dir=work / "data", output_dir=work / "out", config_dir=work / "cfg")
    photos = [picture(work, f"p{i}.jpg", c) for i, c in enumerate([(200, 60, 40), (40, 90, 200), (60, 160, 80)])]
    short = timeline(photos, args.short_s)
    report: dict[str, Any] = {"cores": os.cpu_count(), "batch": {}, "long": {}}

    # 1. The batch: in-process (one render at a time) is the baseline.
    base = await batch_case(LocalFarm(settings), tasks_for(short, work / "b-local", args.videos, args.height))
    report["batch"]["in_process"] = {
        "wall_s": round(base, 2),
        "per_video_s": round(base / args.videos, 2),
        "ffmpeg_peak_mb": round(children_peak_mb(), 1),
    }
    workers = [int(w) for w in args.workers.split(",") if w]
    if workers and not args.skip_ray:
        os.environ.setdefault("RAY_AUTH_MODE", "token")
        import ray

        from nemo_video.render_farm.ray_farm import RayFarm

        for n in workers:
            ray.init(num_cpus=n, include_dashboard=False, log_to_driver=False)
            try:
                farm = RayFarm(settings, "auto")
                t0 = time.perf_counter()
                await farm.render(tasks_for(short, work / "warm", 1, args.height)[0])  # workers start, imports
                warm = time.perf_counter() - t0
                wall = await batch_case(farm, tasks_for(short, work / f"b-ray{n}", args.videos, args.height))
                report["batch"][f"ray_{n}"] = {
                    "wall_s": round(wall, 2),
                    "first_task_s": round(warm, 2),
                    "speedup": round(base / wall, 2),
                    "efficiency": round(base / wall / n, 2),
                    "worker_python_peak_mb": ray_worker_rss_mb(),
                }
            finally:
                ray.shutdown()

    # 2. The long timeline: whole, then chunked here (pieces as parallel ffmpeg on this machine's
    #    cores), then chunked on Ray (one task per piece and one for the sound, joined on the driver).
    long = timeline(photos, args.long_s)
    seconds = (Draft.model_validate(long).total_ms() or 0) / 1000
    cores = os.cpu_count() or 1
    t0 = time.perf_counter()
    await LocalFarm(settings, chunk_threshold_s=0).render(tasks_for(long, work / "long", 1, args.height)[0])
    whole = time.perf_counter() - t0
    chunked_farm = LocalFarm(settings, chunk_threshold_s=args.long_s / 2)
    t0 = time.perf_counter()
    out = await chunked_farm.render(
        FarmTask(draft=long, destination=work / "long" / "chunked.mp4", height=args.height, overwrite=True)
    )
    chunked = time.perf_counter() - t0
    report["long"] = {
        "seconds": seconds,
        "height": args.height,
        "whole_s": round(whole, 2),
        "chunked_s": round(chunked, 2),
        "workers": cores,
        "chunks": chunk_count(seconds, args.long_s / 2, cores),
        "speedup": round(whole / chunked, 2),
        "efficiency": round(whole / chunked / cores, 2),
        "chunked_file_s": out.duration_s,
    }
    if workers and not args.skip_ray:
        report["long"]["ray"] = await long_on_ray(settings, long, seconds, work, args, max(workers), whole)
    report["work"] = str(work)
    return report


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--videos", type=int, default=12)
    parser.add_argument("--short-s", type=float, default=2.0)
    parser.add_argument("--long-s", type=float, default=120.0)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--workers", default="1,2", help="Ray worker counts to try (comma-separated)")
    parser.add_argument("--skip-ray", action="store_true")
    parser.add_argument("--keep", help="a folder to keep the files in")
    print(json.dumps(anyio.run(main, parser.parse_args()), indent=1))
