"""JSON read the strict way, keeping the line of every value.

The standard library accepts duplicate keys (the last one silently wins), NaN and
Infinity, and forgets where values stood. A score file must be exact and its
findings must point at a line, so this small reader refuses all three and
records a line for each JSON path.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from json.decoder import JSONDecodeError, scanstring
from typing import Any

from hooks.encoding import label, marked
from hooks.report import shorten

Path = tuple[str | int, ...]

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_CONSTANTS = {"true": True, "false": False, "null": None}
_NON_FINITE = re.compile(r"-?(?:NaN|Infinity)")


class JSONError(ValueError):
    """Not strict JSON; `code` says which way, `line`/`col` where (1-based)."""

    def __init__(self, code: str, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.code, self.message, self.line, self.col = code, message, line, col


@dataclass
class Document:
    value: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path) -> tuple[int, int]:
        """(line, col) of the value at `path`, or of its nearest parent that has one."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, (1, 1))


def decode(data: bytes) -> str:
    """UTF-8 without a BOM, or a JSONError that says where the bad byte is."""
    name = marked(data)
    if name == "utf-8":
        raise JSONError("bom", "file starts with a UTF-8 byte order mark (BOM); save it as plain UTF-8", 1, 1)
    if name:
        raise JSONError("utf8", f"the file is {label(name)} (its byte order mark says so); JSON is UTF-8: save it as UTF-8", 1, 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise JSONError("utf8", f"invalid UTF-8 byte 0x{data[exc.start]:02x}", line, col) from None


def loads(text: str) -> Document:
    parser = _Parser(text)
    doc = Document(None)
    pos = parser.skip(0)
    try:
        doc.value, pos = parser.value(pos, (), doc.positions)
    except RecursionError:
        raise JSONError("syntax", "values nested too deeply to read", 1, 1) from None
    pos = parser.skip(pos)
    if pos != len(text):
        parser.fail("syntax", "extra data after the JSON value", pos)
    return doc


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def where(self, pos: int) -> tuple[int, int]:
        line = bisect.bisect_left(self._newlines, pos)
        start = self._newlines[line - 1] + 1 if line else 0
        return line + 1, pos - start + 1

    def fail(self, code: str, message: str, pos: int) -> None:
        raise JSONError(code, message, *self.where(pos))

    def skip(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()  # type: ignore[union-attr]

    def value(self, pos: int, path: Path, positions: dict[Path, tuple[int, int]]) -> tuple[Any, int]:
        text = self.text
        positions[path] = self.where(pos)
        char = text[pos : pos + 1]
        if char == "{":
            return self.object(pos + 1, path, positions)
        if char == "[":
            return self.array(pos + 1, path, positions)
        if char == '"':
            return self.string(pos + 1)
        number = _NUMBER.match(text, pos)
        if number:
            return self.number(number), number.end()
        for word, constant in _CONSTANTS.items():
            if text.startswith(word, pos):
                return constant, pos + len(word)
        bad = _NON_FINITE.match(text, pos)
        if bad:
            self.fail("nonfinite", f"{bad.group()} is not a JSON number", pos)
        if not char:
            self.fail("syntax", "unexpected end of file, a value was expected", pos)
        self.fail("syntax", f"unexpected character {char!r}, a value was expected", pos)
        raise AssertionError("unreachable")

    def number(self, number: re.Match[str]) -> int | float:
        """The number, or a JSONError for one Python cannot hold (1e999 is infinity; an integer of
        thousands of digits is refused by int())."""
        literal = number.group()
        if number.group(1) or number.group(2):
            value = float(literal)
            if math.isinf(value):
                self.fail("nonfinite", f"{shorten(literal, 20)} is out of range: it reads as infinity", number.start())
            return value
        try:
            return int(literal)
        except ValueError:
            self.fail("syntax", f"an integer of {len(literal)} digits is too long to read", number.start())
            raise AssertionError("unreachable") from None

    def string(self, pos: int) -> tuple[str, int]:
        try:
            return scanstring(self.text, pos, True)
        except JSONDecodeError as exc:
            self.fail("syntax", exc.msg, exc.pos)
            raise AssertionError("unreachable") from None

    def object(self, pos: int, path: Path, positions: dict[Path, tuple[int, int]]) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        pos = self.skip(pos)
        if self.text[pos : pos + 1] == "}":
            return result, pos + 1
        while True:
            if self.text[pos : pos + 1] != '"':
                self.fail("syntax", "expected a double-quoted property name", pos)
            key_pos = pos
            key, pos = self.string(pos + 1)
            if key in result:
                first = positions[(*path, key)][0]
                self.fail("duplicate", f"duplicate key {key!r} (first at line {first}); only one may stay", key_pos)
            pos = self.skip(pos)
            if self.text[pos : pos + 1] != ":":
                self.fail("syntax", "expected ':' after the property name", pos)
            pos = self.skip(pos + 1)
            result[key], pos = self.value(pos, (*path, key), positions)
            pos = self.skip(pos)
            char = self.text[pos : pos + 1]
            if char == "}":
                return result, pos + 1
            if char != ",":
                self.fail("syntax", "expected ',' or '}' after a property", pos)
            pos = self.skip(pos + 1)

    def array(self, pos: int, path: Path, positions: dict[Path, tuple[int, int]]) -> tuple[list[Any], int]:
        result: list[Any] = []
        pos = self.skip(pos)
        if self.text[pos : pos + 1] == "]":
            return result, pos + 1
        while True:
            item, pos = self.value(pos, (*path, len(result)), positions)
            result.append(item)
            pos = self.skip(pos)
            char = self.text[pos : pos + 1]
            if char == "]":
                return result, pos + 1
            if char != ",":
                self.fail("syntax", "expected ',' or ']' after an array item", pos)
            pos = self.skip(pos + 1)
