from __future__ import annotations

from nemo_video.media import moov_before_mdat, parse_probe

MP4 = """Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 't.mp4':
  Duration: 00:00:01.50, start: 0.000000, bitrate: 344 kb/s
  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 320x180 [SAR 1:1 DAR 16:9], 251 kb/s, 30 fps, 30 tbr, 15360 tbn (default)
  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, stereo, fltp, 70 kb/s (default)
At least one output file must be specified
"""

JPEG = """Input #0, jpeg_pipe, from 't.jpg':
  Duration: N/A, bitrate: N/A
  Stream #0:0: Video: mjpeg (Baseline), yuvj420p(pc, bt470bg/unknown/unknown), 64x48 [SAR 1:1 DAR 4:3], 25 fps, 25 tbr, 25 tbn
"""

WAV = """Input #0, wav, from 't.wav':
  Duration: 00:00:01.00, bitrate: 706 kb/s
  Stream #0:0: Audio: pcm_s16le ([1][0][0][0] / 0x0001), 44100 Hz, mono, s16, 705 kb/s
"""


def test_parse_mp4():
    info = parse_probe(MP4)
    assert (info.container, info.duration_s, info.width, info.height, info.fps) == ("mov", 1.5, 320, 180, 30.0)
    assert (info.video_codec, info.video_profile, info.pix_fmt) == ("h264", "High", "yuv420p")
    assert (info.color_range, info.color_space) == ("tv", "bt709")
    assert (info.audio_codec, info.sample_rate, info.channels) == ("aac", 48000, "stereo")
    assert not info.is_still_image


def test_parse_jpeg_is_a_still_in_full_range():
    info = parse_probe(JPEG)
    assert info.is_still_image and not info.has_audio
    assert (info.width, info.height, info.color_range, info.duration_s) == (64, 48, "pc", None)


def test_parse_audio_only():
    info = parse_probe(WAV)
    assert not info.has_video and info.has_audio and info.duration_s == 1.0 and info.channels == "mono"


def test_parse_garbage_has_no_streams():
    assert parse_probe("Error opening input file x.mp4.\nInvalid data found").streams == []


def test_faststart_detection(tmp_path):
    def atom(kind: bytes, payload: bytes = b"") -> bytes:
        return (8 + len(payload)).to_bytes(4, "big") + kind + payload

    fast = tmp_path / "fast.mp4"
    fast.write_bytes(atom(b"ftyp", b"isom") + atom(b"moov", b"x" * 10) + atom(b"mdat", b"y" * 50))
    slow = tmp_path / "slow.mp4"
    slow.write_bytes(atom(b"ftyp", b"isom") + atom(b"mdat", b"y" * 50) + atom(b"moov", b"x" * 10))
    assert moov_before_mdat(fast) and not moov_before_mdat(slow)
