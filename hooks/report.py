"""Findings as values, and the one place that turns them into lines and an exit code."""
from __future__ import annotations

import enum
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

PASS, FINDINGS, USAGE = 0, 1, 2


class Severity(enum.Enum):
    ERROR = "error"  # blocks the commit
    WARNING = "warning"  # shown, never blocks: the reading was uncertain


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        tag = "warning: " if self.severity is Severity.WARNING else ""
        return printable(f"{self.path}:{self.line}:{self.col}: {self.code} {tag}{self.message}")


class ConfigError(Exception):
    """A usage or configuration problem: the check could not run at all (exit 2)."""

    def __init__(self, message: str, path: str = "", line: int = 0) -> None:
        super().__init__(message)
        self.path, self.line, self.message = path, line, message

    def format(self) -> str:
        where = f"{self.path}:{self.line}: " if self.path and self.line else f"{self.path}: " if self.path else ""
        return printable(f"{where}error: {self.message}")


def emit(findings: Iterable[Finding], out: TextIO | None = None) -> int:
    """Print findings in a stable order; 1 when any of them blocks, else 0."""
    out = out or sys.stdout
    code = PASS
    for finding in sorted(set(findings), key=_position):
        print(finding.format(), file=out)
        if finding.severity is Severity.ERROR:
            code = FINDINGS
    return code


def say(text: str, out: TextIO | None = None) -> None:
    """Print lines for a person (a summary, a breakdown), each made printable."""
    print("\n".join(map(printable, text.split("\n"))), file=out or sys.stdout)


# What a line of output must not carry as it is: a path, an author or an analysis could otherwise
# move the cursor, recolour the terminal, start a new line or reorder the text (C0 and C1 controls,
# DEL, bidirectional overrides), or stop the print (a lone surrogate: a byte that is not UTF-8).
_BEYOND_C0 = "\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNPRINTABLE = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
_RAW_IN_JSON = re.compile(f"[{_BEYOND_C0}]")  # JSON escapes C0 controls in strings itself


def printable(line: str) -> str:
    """The line as it is, with each character a terminal would act on written as its escape."""
    return line if line.isprintable() else _UNPRINTABLE.sub(_escape, line)  # none of those is printable


def json_text(data: object) -> str:
    """JSON for a program, readable by a person: non-ASCII text as it is, but each character a
    terminal would act on (JSON leaves C1 controls, bidi overrides and lone surrogates raw) as its
    \\u escape, which a JSON reader decodes to the same string."""
    import json

    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, indent=2, ensure_ascii=False))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # how Python reads an undecodable byte of a path: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return repr(match.group())[1:-1]  # \n, \t, \x1b, \u202e


def quoted(name: str) -> str:
    """A name in quotes as Python writes it (controls escaped), a byte no UTF-8 reads as `\\xff`,
    the way printable shows it in the finding's path."""
    text = repr(name)
    return _SURROGATE.sub(_byte, text) if "\\udc" in text else text


_SURROGATE = re.compile(r"(\\*)\\udc([89a-f][0-9a-f])")  # after an even run of backslashes: an escape


def _byte(match: re.Match[str]) -> str:
    slashes, low = match.groups()
    return match.group() if len(slashes) % 2 else f"{slashes}\\x{low}"


def shorten(text: str, limit: int) -> str:
    """One finding is one line: long evidence is cut, and the cut is shown."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _position(finding: Finding) -> tuple[str, int, int, str, str]:
    return finding.path, finding.line, finding.col, finding.code, finding.message
