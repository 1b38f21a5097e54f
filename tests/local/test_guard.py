"""Path sandbox and URL checks (guard.py)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from nemo_video.errors import ErrorCode, NemoVideoError
from nemo_video.guard import (
    MAX_BYTES,
    CheckedURL,
    check_url,
    is_public,
    literal_address,
    resolve_input_path,
    resolve_url,
)


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "allowed"
    outside = tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "a.jpg").write_bytes(b"x")
    (outside / "secret.jpg").write_bytes(b"x")
    return root, outside


def test_max_bytes_is_200_mb() -> None:
    assert MAX_BYTES == 200 * 1024 * 1024


def test_file_under_root_resolves_to_its_real_path(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    (root / "sub").mkdir()
    assert resolve_input_path(root / "sub" / ".." / "a.jpg", [root]) == (root / "a.jpg").resolve()


def test_dotdot_traversal_out_of_root_is_refused_with_roots_named(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    with pytest.raises(NemoVideoError) as err:
        resolve_input_path(root / ".." / "outside" / "secret.jpg", [root])
    assert err.value.code == ErrorCode.PATH_NOT_ALLOWED
    assert str(root.resolve()) in err.value.message


def test_symlink_inside_root_pointing_outside_is_refused(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    (root / "link.jpg").symlink_to(outside / "secret.jpg")
    with pytest.raises(NemoVideoError) as err:
        resolve_input_path(root / "link.jpg", [root])
    assert err.value.code == ErrorCode.PATH_NOT_ALLOWED


def test_symlinked_root_still_admits_its_files(tree: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = tree
    alias = tmp_path / "alias"
    alias.symlink_to(root)
    assert resolve_input_path(alias / "a.jpg", [alias]) == (root / "a.jpg").resolve()


def test_second_root_admits_and_prefix_sibling_does_not(tree: tuple[Path, Path], tmp_path: Path) -> None:
    root, outside = tree
    assert resolve_input_path(outside / "secret.jpg", [root, outside]).name == "secret.jpg"
    sibling = tmp_path / "allowed-evil"  # shares the root's name as a string prefix
    sibling.mkdir()
    (sibling / "x.jpg").write_bytes(b"x")
    with pytest.raises(NemoVideoError) as err:
        resolve_input_path(sibling / "x.jpg", [root])
    assert err.value.code == ErrorCode.PATH_NOT_ALLOWED


def test_tilde_is_expanded(tree: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = tree
    monkeypatch.setenv("HOME", str(root))
    assert resolve_input_path("~/a.jpg", [root]) == (root / "a.jpg").resolve()


@pytest.mark.parametrize("name", ["missing.jpg", "dangling.jpg", "."])
def test_missing_dangling_or_directory_is_media_not_found(tree: tuple[Path, Path], name: str) -> None:
    root, _ = tree
    (root / "dangling.jpg").symlink_to(root / "nowhere.jpg")
    with pytest.raises(NemoVideoError) as err:
        resolve_input_path(root / name, [root])
    assert err.value.code == ErrorCode.MEDIA_NOT_FOUND


def test_outside_the_roots_the_answer_does_not_reveal_existence(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    codes = []
    for name in ("secret.jpg", "no-such-file.jpg"):
        with pytest.raises(NemoVideoError) as err:
            resolve_input_path(outside / name, [root])
        codes.append(err.value.code)
    assert codes == [ErrorCode.PATH_NOT_ALLOWED, ErrorCode.PATH_NOT_ALLOWED]


def test_symlink_loop_is_refused_cleanly(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    (root / "loop1").symlink_to(root / "loop2")
    (root / "loop2").symlink_to(root / "loop1")
    with pytest.raises(NemoVideoError) as err:
        resolve_input_path(root / "loop1", [root])
    assert err.value.code == ErrorCode.MEDIA_NOT_FOUND and "loop" in err.value.message.lower()


def test_no_roots_refuses_everything(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    with pytest.raises(NemoVideoError) as err:
        resolve_input_path(root / "a.jpg", [])
    assert err.value.code == ErrorCode.PATH_NOT_ALLOWED


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.0.258", "10.0.1.2"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("8.8.8.8", "8.8.8.8"),
        ("example.com", None),
        ("1.2.3.4.5", None),
        ("256.1.1.1", None),
    ],
)
def test_literal_address_reads_inet_aton_forms(host: str, expected: str | None) -> None:
    found = literal_address(host)
    assert (str(found) if found else None) == expected


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("2002:7f00:1::", False),  # 6to4 wrapping 127.0.0.1
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/a.jpg",
        "http://localhost/a.jpg",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://[::ffff:127.0.0.1]/",
        "http://example.com@127.0.0.1/",
        "http://[::1]:8080/x.png",
        "https://169.254.169.254/latest/meta-data",
        "http://192.168.0.10/a.png",
        "http://0/",
    ],
)
async def test_private_and_loopback_urls_are_refused(url: str) -> None:
    with pytest.raises(NemoVideoError) as err:
        await check_url(url, allow_private=False)
    assert err.value.code == ErrorCode.URL_NOT_ALLOWED


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a.jpg", "gopher://x/", "javascript:1"])
async def test_other_schemes_are_refused_naming_the_scheme(url: str) -> None:
    with pytest.raises(NemoVideoError) as err:
        await check_url(url, allow_private=True)
    assert err.value.code == ErrorCode.URL_NOT_ALLOWED
    assert url.split(":")[0] in err.value.message


async def test_public_literal_passes_and_private_passes_when_allowed() -> None:
    assert await check_url("https://8.8.8.8/a.jpg", allow_private=False) == "https://8.8.8.8/a.jpg"
    assert await check_url("http://127.0.0.1:9/a.jpg", allow_private=True) == "http://127.0.0.1:9/a.jpg"


@pytest.mark.parametrize(
    ("checked", "expected"),
    [
        (
            CheckedURL("https://example.com:8443/a.jpg?x=1", ipaddress.ip_address("93.184.216.34")),
            (
                "https://93.184.216.34:8443/a.jpg?x=1",
                {"Host": "example.com:8443"},
                {"sni_hostname": "example.com"},
            ),
        ),
        (
            CheckedURL("http://bücher.de/b.png", ipaddress.ip_address("2a00:1450::1")),
            (
                "http://[2a00:1450::1]/b.png",
                {"Host": "xn--bcher-kva.de"},
                {"sni_hostname": "xn--bcher-kva.de"},
            ),
        ),
        (CheckedURL("http://8.8.8.8/c.gif"), ("http://8.8.8.8/c.gif", {}, {})),
    ],
)
def test_pinned_request_connects_to_the_checked_address(
    checked: CheckedURL, expected: tuple[str, dict[str, str], dict[str, str]]
) -> None:
    assert checked.pinned() == expected


async def test_names_are_resolved_once_and_pinned() -> None:
    checked = await resolve_url("http://localhost:8080/a.png", allow_private=True)
    assert checked.address is not None and checked.address.is_loopback
    url, headers, _ = checked.pinned()
    assert headers == {"Host": "localhost:8080"} and "localhost" not in url
