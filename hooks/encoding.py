"""A task file's bytes as text, read the way an editor reads them.

Windows PowerShell's `>` writes UTF-16 with a byte order mark; read as UTF-8, such an analysis
has no failure a reader can find, and a score it contradicts would pass with a warning.
"""
from __future__ import annotations

import codecs

# The marks an editor goes by, UTF-32's before UTF-16's (FF FE 00 00 starts with FF FE).
_MARKS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
          (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode(data: bytes) -> tuple[str, str]:
    """The text without its byte order mark, and the encoding read (UTF-8 where there is no mark).
    A byte the encoding cannot read shows as U+FFFD: never fatal."""
    mark, name = _mark(data)
    return data[len(mark):].decode(name, "replace"), name


def marked(data: bytes) -> str | None:
    """The encoding the byte order mark at the start names (`utf-16-le`...); None without one."""
    mark, name = _mark(data)
    return name if mark else None


def label(name: str) -> str:
    """How a person names an encoding: UTF-16 for utf-16-le."""
    return name[:6].upper()


def _mark(data: bytes) -> tuple[bytes, str]:
    return next(((mark, name) for mark, name in _MARKS if data.startswith(mark)), (b"", "utf-8"))
