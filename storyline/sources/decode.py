"""Bytes to text: UTF-8 (with or without BOM), UTF-16, else Windows-1252/Latin-1; binary data refused.
Also the bounded reading every reader uses, so no input is held in memory past its limit."""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path
from typing import Iterator

from storyline.errors import InputError

log = logging.getLogger(__name__)


def decode_text(data: bytes, where: str) -> str:
    return decode_bytes(data, where)[0]


def decode_bytes(data: bytes, where: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1.

    Returns the text and the encoding used. UTF-16 without a BOM is recognised by its NUL bytes (every
    other byte, for Latin text); a UTF-8 file cut in the middle of its last character is still UTF-8.
    Refuses binary data: other NUL bytes, or mostly control characters.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_utf16(data, "utf-16", where), "utf-16"
    if b"\x00" in data[:65536]:
        encoding = _utf16_without_bom(data)
        if encoding is None:
            raise InputError("binary file, not text", input=where, fix="give text, HTML, JSONL, CSV or Parquet")
        text = _decode_utf16(data, encoding, where)
        _refuse_control_characters(text, where)
        return text, encoding
    encoding = "utf-8"
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut_at_end = exc.reason == "unexpected end of data" and exc.end == len(body)
        if cut_at_end and max(body[: exc.start], default=0) >= 0x80:
            # Truncated in the middle of the last character (a cut download) of a text that has other
            # UTF-8 multi-byte characters: the rest is UTF-8, and reading it all as cp1252 would garble
            # every accented letter. (Plain ASCII ending in one such byte is cp1252: "café" ends in 0xE9.)
            log.info("%s: ends in the middle of a UTF-8 character; that character was dropped", where)
            text = body[: exc.start].decode("utf-8")
            _refuse_control_characters(text, where)
            return text, encoding
        # Not UTF-8: the usual legacy encoding of Western news pages. cp1252 is a superset of
        # Latin-1's printable range; bytes it leaves undefined fall back to Latin-1.
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            text, encoding = data.decode("latin-1"), "latin-1"
        log.info("%s: not UTF-8, read as %s", where, encoding)
    _refuse_control_characters(text, where)
    return text, encoding


def _refuse_control_characters(text: str, where: str) -> None:
    sample = text[:4096]
    control = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if sample and control / len(sample) > 0.05:
        raise InputError("binary file, not text", input=where, fix="give text, HTML, JSONL, CSV or Parquet")


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the NUL bytes sit in every other byte, as in UTF-16 Latin text."""
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 2:
        return None
    # A Latin-script text has a zero high byte for almost every character; binary data has NULs anywhere.
    if odd.count(0) >= 0.6 * len(odd) and even.count(0) <= 0.02 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.6 * len(even) and odd.count(0) <= 0.02 * len(odd):
        return "utf-16-be"
    return None


def _decode_utf16(data: bytes, encoding: str, where: str) -> str:
    try:
        return data[: len(data) - len(data) % 2].decode(encoding)  # a cut final byte is dropped
    except UnicodeDecodeError:
        raise InputError("looks like UTF-16 but does not decode", input=where) from None


def read_bytes(path: Path, limit: int | None) -> bytes:
    where = str(path)
    too_large = "split it, or give a JSONL/CSV dump with one article per row"
    try:
        size = path.stat().st_size
        if limit is not None and size > limit:
            raise InputError(f"too large for one article ({size / 1e6:.1f} MB > {limit / 1e6:.0f} MB)",
                             input=where, fix=too_large)
        if limit is None or path.is_file():
            return path.read_bytes()
        # A pipe or device (/dev/zero, <(zcat ...)) has no size: read at most the limit, never forever.
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise InputError(f"too large for one article (over {limit / 1e6:.0f} MB)", input=where, fix=too_large)
        return data
    except PermissionError:
        raise InputError("permission denied", input=where) from None
    except IsADirectoryError:
        raise InputError("is a directory", input=where) from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", input=where) from None


def bounded_lines(handle, max_bytes: int) -> Iterator[bytes | str | None]:
    """The lines of a binary (or text) file; None for a line over max_bytes (characters for a text
    file), which is skipped, not held in memory."""
    while True:
        line = handle.readline(max_bytes + 1)
        if not line:
            return
        newline = "\n" if isinstance(line, str) else b"\n"
        if len(line) > max_bytes and not line.endswith(newline):
            while line and not line.endswith(newline):  # skip the rest of the oversize line
                line = handle.readline(1 << 20)
            yield None
        else:
            yield line


def decode_row(line: bytes) -> tuple[str, str]:
    """One dump row as text: UTF-8 as JSON requires, else the Windows-1252/Latin-1 of legacy exports."""
    try:
        return line.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            return line.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return line.decode("latin-1"), "latin-1"



def read_text_file(path: Path, max_bytes: int) -> tuple[str, str]:
    """A one-article file as (text, encoding); an empty file is one error."""
    raw, encoding = decode_bytes(read_bytes(path, max_bytes), str(path))
    if not raw.strip():
        raise InputError("the file is empty", input=str(path))
    return raw, encoding
