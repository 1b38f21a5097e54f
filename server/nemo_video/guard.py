"""Input guards shared by both backends: which local paths and which URLs nemo-video may read.

Paths must resolve (symlinks followed) to a regular file under one of the allowed roots, so ``..``
traversal and symlinks pointing out of the roots are refused. URLs must be http(s) and every
address their host resolves to must be public, unless private addresses are explicitly allowed;
numeric host tricks (``2130706433``, ``0x7f000001``, ``127.1``, ``[::ffff:127.0.0.1]``) and userinfo
tricks (``http://example.com@127.0.0.1/``) are judged by the address they really reach.

A checked path is then opened once, without following a symlink, and the descriptor is checked
against what was checked (a regular file, the same file, at the same real place) before anything
is copied from it: a file swapped for a symlink, a FIFO or another file between the check and the
copy is refused instead of read.
"""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import re
import socket
import stat
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import httpx

from .errors import ErrorCode, NemoVideoError

logger = logging.getLogger(__name__)
MAX_BYTES = 200 * 1024 * 1024
MAX_NAME_BYTES = 255  # one file or folder name (NAME_MAX on Linux, macOS and Windows alike)
MAX_PATH_BYTES = 4095  # a whole path (PATH_MAX, 4096 with the terminating NUL)
_UNDECODABLE = re.compile(r"[\ud800-\udfff]")
ALLOWED_SCHEMES = ("http", "https")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# ---------------------------------------------------------------- paths


def check_path_text(path: str | Path) -> None:
    """Refuse a path that no file system call can take: a NUL character, a name that is not valid
    UTF-8 (undecodable bytes arrive as lone surrogates), a name over 255 bytes or a path over 4095."""
    text = os.fspath(path)
    if "\0" in text:
        raise NemoVideoError(
            ErrorCode.PATH_INVALID,
            f"The path {text!r} contains a NUL character.",
            hint="Pass the path without the NUL (\\x00) character.",
        )
    if _UNDECODABLE.search(text):
        raise NemoVideoError(
            ErrorCode.PATH_INVALID,
            f"The file name in {text!r} is not valid UTF-8 text.",
            hint="Rename the file to a UTF-8 name (e.g. with a file manager or "
            "`convmv -f latin1 -t utf8`), then pass the new path.",
        )
    encoded = text.encode("utf-8")
    if len(encoded) > MAX_PATH_BYTES:
        raise NemoVideoError(
            ErrorCode.PATH_TOO_LONG, f"The path is {len(encoded):,} bytes long; the limit is {MAX_PATH_BYTES:,}."
        )
    longest = max(encoded.split(b"/"), key=len)
    if len(longest) > MAX_NAME_BYTES:
        raise NemoVideoError(
            ErrorCode.PATH_TOO_LONG,
            f"A name in the path is {len(longest):,} bytes long; the limit is {MAX_NAME_BYTES} ({text!r}).",
        )


def resolve_input_path(path: str | Path, roots: Sequence[Path]) -> Path:
    """The real path of an existing regular file that lies under one of ``roots``.

    Containment is judged before existence, so the answer for a path outside the roots is the same
    whether or not something is there (no probing of the rest of the disk).
    """
    check_path_text(path)
    raw = Path(path).expanduser()
    try:
        real = raw.absolute().resolve()
    except (OSError, RuntimeError) as exc:  # symlink loops, permissions
        raise NemoVideoError(ErrorCode.MEDIA_NOT_FOUND, f"{raw} cannot be read ({exc}).") from exc
    real_roots = [_resolve_root(root) for root in roots]
    if not any(real.is_relative_to(root) for root in real_roots):
        allowed = ", ".join(str(r) for r in real_roots) or "(none configured)"
        raise NemoVideoError(
            ErrorCode.PATH_NOT_ALLOWED,
            f"{raw} is outside the directories nemo-video may read. Allowed: {allowed}.",
            details={"allowed_roots": [str(r) for r in real_roots]},
        )
    if not real.exists():
        raise NemoVideoError(ErrorCode.MEDIA_NOT_FOUND, f"No file at {raw}.")
    if not real.is_file():
        raise NemoVideoError(
            ErrorCode.MEDIA_NOT_FOUND, f"{raw} is not a regular file.", hint="Pass the path of a media file."
        )
    return real


_FICLONE = 0x40049409  # linux/fs.h _IOW(0x94, 9, int)
# Flags some platforms lack (Windows has no O_NOFOLLOW/O_NONBLOCK, and needs O_BINARY).
_NOFOLLOW, _NONBLOCK = getattr(os, "O_NOFOLLOW", 0), getattr(os, "O_NONBLOCK", 0)
_CLOEXEC, _BINARY = getattr(os, "O_CLOEXEC", 0), getattr(os, "O_BINARY", 0)


def open_checked(path: Path, expect: os.stat_result | None = None) -> int:
    """A read descriptor for the checked real ``path`` of a regular file, opened once.

    ``O_NOFOLLOW`` refuses a symlink swapped in for the file; the descriptor must be a regular file
    (a FIFO would block, a device never ends), the file ``expect`` describes when given, and at
    ``path`` itself (a folder on the way swapped for a symlink moves what is opened elsewhere).
    The caller owns the descriptor.
    """
    flags = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC | _BINARY
    try:
        fd = os.open(path, flags)
    except ValueError as exc:  # a NUL byte: no file can have that name
        raise NemoVideoError(ErrorCode.MEDIA_NOT_FOUND, f"{str(path)!r:.200} is not a valid path.") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _swapped(path, "was replaced by a symbolic link after it was checked") from exc
        if exc.errno == errno.ENOENT:
            raise NemoVideoError(ErrorCode.MEDIA_NOT_FOUND, f"No file at {path}.") from exc
        raise NemoVideoError(
            ErrorCode.MEDIA_NOT_FOUND,
            f"{path} cannot be read ({exc.strerror or exc}).",
            hint="Check the file's permissions, or copy it somewhere readable and upload that.",
        ) from exc
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise NemoVideoError(
                ErrorCode.MEDIA_NOT_FOUND, f"{path} is not a regular file.", hint="Pass the path of a media file."
            )
        if expect is not None and (opened.st_dev, opened.st_ino) != (expect.st_dev, expect.st_ino):
            raise _swapped(path, "was replaced by another file after it was checked")
        where = _descriptor_path(fd)
        if where is not None and path.is_absolute() and where != str(path):
            raise _swapped(path, "moved: a folder on its way was replaced after the path was checked")
        if _NONBLOCK:
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _swapped(path: Path, what: str) -> NemoVideoError:
    return NemoVideoError(
        ErrorCode.PATH_NOT_ALLOWED,
        f"{path} {what}, so it was not read.",
        hint="Upload the file again once nothing is changing it.",
    )


def _descriptor_path(fd: int) -> str | None:
    """The real path of what ``fd`` opened (Linux /proc, macOS F_GETPATH), or None where unknown."""
    try:
        if sys.platform == "darwin":
            import fcntl

            raw = fcntl.fcntl(fd, fcntl.F_GETPATH, bytes(1024))
            return os.fsdecode(raw.split(b"\0", 1)[0])
        return os.readlink(f"/proc/self/fd/{fd}")
    except (OSError, AttributeError):
        return None


def copy_opened(source_fd: int, target: Path, limit: int = MAX_BYTES) -> int:
    """Copy the open file to a new ``target`` as an independent file; returns its size in bytes.

    A reflink (copy-on-write clone) where the filesystem has one (btrfs, XFS, APFS via copy), else
    a byte copy. Never a hard link: an edit of the original must not change the stored copy. More
    than ``limit`` bytes (a file that grew after its size was checked) is refused.
    """
    out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _CLOEXEC | _BINARY, 0o600)
    try:
        if not _reflink(source_fd, out):
            _copy_bytes(source_fd, out, limit)
        size = os.fstat(out).st_size
    finally:
        os.close(out)
    if size > limit:
        raise NemoVideoError(
            ErrorCode.MEDIA_TOO_LARGE, f"{target.name} grew past the {limit // (1024 * 1024)} MB limit."
        )
    return size


def _reflink(source_fd: int, target_fd: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    import fcntl

    try:
        fcntl.ioctl(target_fd, _FICLONE, source_fd)
    except OSError:  # EOPNOTSUPP/EINVAL (ext4, tmpfs), EXDEV (another filesystem)
        return False
    return True


def _copy_bytes(source_fd: int, target_fd: int, limit: int) -> None:
    copied = 0
    os.lseek(source_fd, 0, os.SEEK_SET)
    while copied <= limit:
        chunk = os.read(source_fd, 1024 * 1024)
        if not chunk:
            return
        view = memoryview(chunk)
        while view:
            view = view[os.write(target_fd, view) :]
        copied += len(chunk)


def narrow_roots(roots: Sequence[Path], home: Path, *, allow_wide: bool = False) -> list[Path]:
    """The client-announced ``roots`` without those as wide as the filesystem root, the home folder
    or a folder above it (any local process could otherwise have any readable file imported), unless
    ``allow_wide`` (``NEMO_ALLOW_WIDE_ROOTS``)."""
    if allow_wide:
        return list(roots)
    kept = []
    home = _resolve_root(home)
    for root in roots:
        real = _resolve_root(root)
        if real == Path(real.anchor) or home.is_relative_to(real):
            logger.warning(
                "Ignoring the client root %s: it is too wide (set NEMO_ALLOW_WIDE_ROOTS=1 to allow it).", real
            )
            continue
        kept.append(root)
    return kept


def _resolve_root(root: Path) -> Path:
    try:
        return root.expanduser().resolve()
    except (OSError, RuntimeError):
        return root.expanduser().absolute()


# ---------------------------------------------------------------- URLs


def parse_url(url: str) -> httpx.URL:
    """Parse as httpx will, so the host checked is the host httpx connects to; http(s) only."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise NemoVideoError(ErrorCode.URL_NOT_ALLOWED, f"{url!r} is not a valid URL ({exc}).") from exc
    scheme = parsed.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "(none)"
        raise NemoVideoError(
            ErrorCode.URL_NOT_ALLOWED, f"URL scheme {shown!r} is not allowed; only http and https are."
        )
    if not parsed.host:
        raise NemoVideoError(ErrorCode.URL_NOT_ALLOWED, f"{url!r} has no host.")
    return parsed


def literal_address(host: str) -> IPAddress | None:
    """The address a numeric host denotes, including inet_aton forms (decimal, hex, octal, short)."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    try:
        numbers = [_aton_part(p) for p in parts]
    except ValueError:
        return None
    # inet_aton: the last part fills all remaining bytes (a.b.c.d, a.b.c16, a.b24, a32).
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value << 8 | n
    value = value << (8 * (4 - len(head))) | last
    return ipaddress.IPv4Address(value)


def _aton_part(part: str) -> int:
    if not part:
        raise ValueError("empty")
    lowered = part.lower()
    if lowered.startswith("0x"):
        return int(lowered[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    if not part.isdigit():
        raise ValueError(part)
    return int(part, 10)


def is_public(address: IPAddress) -> bool:
    """False for private, loopback, link-local, multicast, reserved, unspecified (v4-mapped too)."""
    if isinstance(address, ipaddress.IPv6Address):
        teredo = address.teredo[1] if address.teredo else None
        embedded = address.ipv4_mapped or address.sixtofour or teredo
        if embedded is not None:
            return is_public(embedded)
        if address.is_site_local:
            return False
    # is_global also excludes shared (100.64/10) and documentation ranges that is_private misses.
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def refuse_non_public(url: str, addresses: Iterable[IPAddress]) -> None:
    """Raise URL_NOT_ALLOWED when any address is not public (pure; the caller resolved them)."""
    for address in addresses:
        if not is_public(address):
            raise NemoVideoError(
                ErrorCode.URL_NOT_ALLOWED,
                f"{url} points at a private or local address ({address}), which is not allowed.",
                hint="Use a public http(s) URL, upload the file by path, or set "
                "NEMO_ALLOW_PRIVATE_URLS=1 to allow local network addresses.",
            )


@dataclass(frozen=True)
class CheckedURL:
    """A URL whose host was resolved and judged; ``address`` is where to connect (None: a literal)."""

    url: str
    address: IPAddress | None = None

    def pinned(self) -> tuple[str, dict[str, str], dict[str, Any]]:
        """URL, headers and request extensions that make httpx connect to the checked address.

        Connecting to the address that was checked (instead of letting httpx resolve the name again)
        closes the DNS-rebinding gap; the Host header and TLS SNI still carry the name, so virtual
        hosts and certificate checks work as usual.
        """
        if self.address is None:
            return self.url, {}, {}
        parsed = httpx.URL(self.url)
        pinned = parsed.copy_with(host=str(self.address))
        host = parsed.raw_host.decode("ascii")
        return str(pinned), {"Host": parsed.netloc.decode("ascii")}, {"sni_hostname": host}


async def resolve_url(url: str, allow_private: bool) -> CheckedURL:
    """Validate ``url`` for a download: http(s), and every address of its host public unless allowed."""
    parsed = parse_url(url)
    normalised = str(parsed)
    literal = literal_address(parsed.host)
    if literal is not None:
        if not allow_private:
            refuse_non_public(normalised, [literal])
        return CheckedURL(normalised)
    host = parsed.raw_host.decode("ascii")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise NemoVideoError(
            ErrorCode.MEDIA_NOT_FOUND,
            f"The host {parsed.host!r} of {normalised} could not be resolved ({exc}).",
            hint="Check the URL and the network connection.",
        ) from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise NemoVideoError(ErrorCode.MEDIA_NOT_FOUND, f"The host {parsed.host!r} has no address.")
    if not allow_private:
        refuse_non_public(normalised, addresses)
    # Prefer IPv4: a host with both often has IPv6 that this machine cannot route.
    chosen = next((a for a in addresses if a.version == 4), addresses[0])
    return CheckedURL(normalised, chosen)


async def check_url(url: str, allow_private: bool) -> str:
    """Validate ``url`` for a download and return it normalised; resolves the host (DNS)."""
    return (await resolve_url(url, allow_private)).url
