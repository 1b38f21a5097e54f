"""Render plan → ffmpeg argument list, compared without running ffmpeg."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_video.backends.base import RenderRequest
from nemo_video.backends.local.render import build_args, build_plan
from nemo_video.backends.local.render.graph import build_palette_args
from nemo_video.backends.local.render.plan import RenderPlan, SourceFacts

from .builders import background, draft, image_segment, synth, text_segment

OUT = Path("/out/v.mp4")


def _plan(d: object, **kw: object) -> RenderPlan:
    request = RenderRequest(destination=OUT, **kw)  # type: ignore[arg-type]
    return build_plan(d, request, {"/clips/c.mp4": SourceFacts(640, 360, 5.0, True)})  # type: ignore[arg-type]


def _args(d: object, **kw: object) -> list[str]:
    palette = Path("/out/.v.partial.palette.png") if kw.get("format") == "gif" else None
    return build_args(_plan(d, **kw), "ffmpeg", Path("/out/.v.partial.mp4"), palette)


def _value(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def _images() -> list[dict[str, object]]:
    return [
        image_segment(Path("/m/a.jpg"), 2000, direction="in"),
        image_segment(Path("/m/b.jpg"), 2000, direction="left", transition="cut"),
        image_segment(Path("/m/c.jpg"), 2000, direction="out"),
    ]


def test_mp4_output_options() -> None:
    args = _args(draft(_images()))
    assert args[:3] == ["ffmpeg", "-hide_banner", "-nostdin"]
    assert _value(args, "-progress") == "pipe:2"
    assert _value(args, "-c:v") == "libx264" and _value(args, "-profile:v") == "high"
    assert _value(args, "-pix_fmt") == "yuv420p" and _value(args, "-g") == "30" and _value(args, "-r") == "30"
    assert _value(args, "-movflags") == "+faststart" and _value(args, "-f") == "mp4"
    assert _value(args, "-colorspace") == "bt709" and _value(args, "-color_range") == "tv"
    assert _value(args, "-c:a") == "aac" and _value(args, "-ar") == "48000" and _value(args, "-ac") == "2"
    assert (_value(args, "-preset"), _value(args, "-crf")) == ("medium", "20")
    assert args[-1] == "file:/out/.v.partial.mp4"


def test_quality_presets_and_formats() -> None:
    d = draft(_images())
    assert (_value(_args(d, quality="draft"), "-preset"), _value(_args(d, quality="draft"), "-crf")) == (
        "veryfast",
        "26",
    )
    webm = _args(d, format="webm")
    assert _value(webm, "-c:v") == "libvpx-vp9" and _value(webm, "-c:a") == "libopus" and _value(webm, "-f") == "webm"
    mov = _args(d, format="mov")
    assert _value(mov, "-c:v") == "libx264" and _value(mov, "-f") == "mov"
    gif = _args(d, format="gif")
    assert "-c:a" not in gif and "[aout]" not in gif and _value(gif, "-f") == "gif"
    graph = _value(gif, "-filter_complex")
    # colours come from the palette made by a first pass: choosing them here would hold every frame
    assert "paletteuse" in graph and "palettegen" not in graph and "[g0][g1]" not in graph
    colours = [i for i, a in enumerate(gif) if a == "-i"][-1]
    assert gif[colours + 1] == "file:/out/.v.partial.palette.png" and gif[colours - 2] == "-protocol_whitelist"
    palette = build_palette_args(_plan(d, format="gif", height=90), "ffmpeg", Path("/out/p.png"))
    assert "palettegen" in _value(palette, "-filter_complex") and palette[-1] == "file:/out/p.png"
    assert _value(palette, "-frames:v") == "1" and "paletteuse" not in _value(palette, "-filter_complex")
    with pytest.raises(ValueError, match="palette"):
        build_args(_plan(d, format="gif"), "ffmpeg", Path("/out/x.gif"))


def test_inputs_are_whitelisted_files_decoded_once() -> None:
    args = _args(draft(_images()))
    inputs = [args[i + 1] for i, a in enumerate(args) if a == "-i"]
    assert inputs == ["file:/m/a.jpg", "file:/m/b.jpg", "file:/m/c.jpg"]
    assert args.count("-protocol_whitelist") == 3 and _value(args, "-protocol_whitelist") == "file,pipe"
    assert "-loop" not in args  # a still is decoded once and repeated by the loop filter


def test_ken_burns_uses_scale_per_frame_and_centred_crop_not_zoompan() -> None:
    graph = _value(_args(draft(_images(), duration=6000)), "-filter_complex")
    assert "zoompan" not in graph
    assert "loop=loop=59:size=1:start=0,settb=1/30,setpts=N,fps=30" in graph
    assert "eval=frame" in graph and "x=(iw-ow)/2:y=(ih-oh)/2" in graph
    assert "out_range=tv:out_color_matrix=bt709" in graph
    assert "x=(iw-ow)*(1-(n/59))" in graph  # "left" pans with a computed offset


def test_transitions_use_xfade_offsets_and_concat_for_cuts() -> None:
    visuals = [
        image_segment(Path("/m/a.jpg"), 2000, transition="circleopen", t_ms=500),
        image_segment(Path("/m/b.jpg"), 2000, transition="cut"),
        image_segment(Path("/m/c.jpg"), 2000),
    ]
    graph = _value(_args(draft(visuals)), "-filter_complex")
    # xfade sees only the overlapping frames: the outgoing tail and the incoming head (15 each).
    assert "[p0t][p1h]xfade=transition=circleopen:duration=0.5:offset=0[x1]" in graph
    assert "[p0b][x1][p1b][p2b]concat=n=4:v=1:a=0[joined]" in graph
    assert "split=2[s0b][s0t]" in graph and "[s0t]loop=loop=14:size=1" in graph  # decoded once
    assert "min((n+45)/59" in graph  # the tail continues the motion where the body stopped
    assert "trim=duration=5.5" in graph


def test_title_is_drawn_with_escaped_text_fades_and_clamped_position() -> None:
    text = "It's 50%: [new]"
    graph = _value(_args(draft(_images(), texts=[text_segment(text, 0, 2000, y=0.02)])), "-filter_complex")
    assert "drawtext=fontfile=" in graph and "expansion=none" in graph
    assert "text=\\'It\\'\\\\\\'\\'s 50%: \\[new\\]\\'" in graph
    assert "y=54" in graph  # the 16:9 title-safe zone starts at 5% of 1080
    assert "alpha=" in graph and "enable=" in graph


def test_music_bed_is_synthesised_at_a_measured_gain_and_faded() -> None:
    args = _args(draft(_images(), music=synth("calm", 0.5, fade_out=1000)))
    graph = _value(args, "-filter_complex")
    assert "aevalsrc=exprs=" in graph and "aloop=loop=-1" in graph and "alimiter" in graph
    assert "loudnorm" not in graph  # the bed's loudness is known: a gain, not a second analysis
    # the volume is the balance against the default 0.8 (0.5 / 0.8); the program gain comes after the mix
    assert "volume=0.625" in graph and "afade=t=out:st=4.7:d=1" in graph
    assert "volume=4.64dB,alimiter=limit=0.79" in graph
    assert "-i" not in args[args.index("-filter_complex") :]


def test_users_music_is_looped_normalised_then_faded() -> None:
    music = {
        "type": "audio",
        "src": "/m/song.mp3",
        "source_start": 2000,
        "volume": 0.35,
        "fade_in": 0,
        "fade_out": 1500,
    }
    args = _args(draft(_images(), music=music))
    assert args[args.index("file:/m/song.mp3") - 7 : args.index("file:/m/song.mp3") - 3] == [
        "-stream_loop",
        "-1",
        "-ss",
        "2",
    ]
    graph = _value(args, "-filter_complex")
    assert "[3:a]atrim=duration=5.7" in graph and "loudnorm=I=-14.0:TP=-2:LRA=11" in graph
    assert graph.index("loudnorm") < graph.index("volume=0.4375") < graph.index("afade=t=out:st=4.2:d=1.5")
    assert "afade=t=in" not in graph


def test_silent_track_when_no_music() -> None:
    graph = _value(_args(draft(_images())), "-filter_complex")
    assert "anullsrc=r=48000:cl=stereo" in graph and graph.endswith("[aout]")


def test_video_clip_is_trimmed_cover_fit_and_its_audio_mixed() -> None:
    clip = {"type": "video", "src": "/clips/c.mp4", "d": 2000, "source_start": 1500, "volume": 0.5}
    args = _args(draft([clip, image_segment(Path("/m/a.jpg"), 2000)], music=synth()))
    assert args[args.index("file:/clips/c.mp4") - 7 : args.index("file:/clips/c.mp4") - 3] == [
        "-ss",
        "1.5",
        "-t",
        "3",
    ]
    graph = _value(args, "-filter_complex")
    assert "force_original_aspect_ratio=increase" in graph and "crop=w=1920:h=1080" in graph
    assert "[2:a]asetpts=PTS-STARTPTS,atrim=duration=2" in graph and "volume=0.5" in graph
    assert "amix=inputs=2:normalize=0" in graph


def test_muted_clip_adds_no_audio_branch() -> None:
    clip = {"type": "video", "src": "/clips/c.mp4", "d": 2000, "volume": 0}
    graph = _value(_args(draft([clip])), "-filter_complex")
    assert "[0:a]" not in graph


def test_background_segments_are_generated_gradients() -> None:
    graph = _value(_args(draft([background(1500), background(1500)])), "-filter_complex")
    # each piece computes its rows on a 2-pixel strip, widened to the frame by the scaler
    assert graph.count("color=c=black:s=2x1080") == 4 and "-i" not in _args(draft([background(1000)]))
    assert graph.count("geq=r=") == 4 and graph.count("scale=w=1920:h=1080:flags=neighbor") == 4


def test_same_plan_same_arguments() -> None:
    d = draft(_images(), texts=[text_segment("Hi", 0, 1000)], music=synth())
    assert _args(d) == _args(d)


@pytest.mark.parametrize("height", [180, 720])
def test_height_reaches_the_graph(height: int) -> None:
    graph = _value(_args(draft(_images()), height=height), "-filter_complex")
    width = round(1920 * height / 1080 / 2) * 2
    assert f"crop=w={width}:h={height}" in graph


def test_a_wide_picture_in_a_tall_frame_scales_only_the_part_it_shows() -> None:
    """A 2000x1500 photo in a 1080x1920 frame: only the window the motion shows (plus a thin rim) is
    cut from the source and scaled, not the whole 2868x2152 cover — the render's memory per picture."""
    wide = image_segment(Path("/m/a.jpg"), 2000, direction="in", transition=None, size=(2000, 1500))
    d = draft([wide], width=1080, height=1920)
    graph = _value(_args(d), "-filter_complex")
    head = graph.split(";")[0]
    assert head.startswith("[0:v]crop=w=848:h=1500:x=576:y=0,scale=w=1218:h=2152:flags=bicubic"), head
    assert "scale=w=2868" not in graph
    assert ",crop=w=1210:h=2152:x=4:y=0,format=yuv420p" in head  # the same window as scaling everything


def test_a_picture_that_fills_the_frame_is_scaled_whole() -> None:
    same = image_segment(Path("/m/a.jpg"), 2000, direction="in", transition=None, size=(1920, 1080))
    head = _value(_args(draft([same])), "-filter_complex").split(";")[0]
    assert head.startswith("[0:v]scale=w=2152:h=1210:flags=bicubic"), head
