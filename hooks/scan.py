"""Pattern scans made cheap, for the scans that read every paragraph or a whole long file.

`Caseless` matches case-insensitively on lower-cased text (several times faster than re.IGNORECASE).
`Scan` runs a pattern only on a text that holds one of its words: a pattern led by `\\b` or by an
alternation is tried at every position of a text, while `str.__contains__` finds a plain word hundreds
of times faster. Every match of a pattern holds one of the words `words` derives from it, so a text
holding none of them cannot match, and is not scanned.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator

# An escape, a character class (a "]" first in it is one of its characters), a counted repeat, or one character.
_TOKEN = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|\{\d*(?:,\d*)?\}|.", re.DOTALL)
_SPECIAL = frozenset(".^$*+?{}[]\\|()")


class Caseless:
    """A case-insensitive pattern (written in lower case), matched on lower-cased text.

    Python's re scans lower-cased text with it three times as fast as with re.IGNORECASE, and finds
    the same: lower() keeps each character one character, in its class (\\w, \\s, \\d), and matching
    what re.IGNORECASE matches it with, except three letters (AWKWARD; tests/test_scan.py checks
    every code point). A text holding one of them is scanned with re.IGNORECASE.
    """

    AWKWARD = re.compile("[\u0130\u0131\u017f]")  # "İ" lowers to two characters; re folds "ı" to i, "ſ" to s

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._lower = re.compile(pattern)

    @functools.cached_property
    def _folded(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.I)

    def search(self, text: str) -> re.Match[str] | None:
        return self._folded.search(text) if self._awkward(text) else self._lower.search(text.lower())

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self._folded.finditer(text) if self._awkward(text) else self._lower.finditer(text.lower())

    def _awkward(self, text: str) -> bool:
        return not text.isascii() and bool(self.AWKWARD.search(text))


class Scan:
    """A compiled pattern (case-sensitive: match lowered text with a lower-case pattern) and its words."""

    def __init__(self, pattern: str) -> None:
        self.compiled = re.compile(pattern)
        self.words = words(pattern)

    def holds_a_word(self, text: str) -> bool:
        return self.words is None or any(word in text for word in self.words)

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text) if self.holds_a_word(text) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text) if self.holds_a_word(text) else iter(())


def words(pattern: str) -> tuple[str, ...] | None:
    """Words one of which every match of `pattern` holds: each top-level alternative's longest run of
    plain characters, less a character that `?`, `*` or `{m,n}` repeats; a group is read as unknown
    text. None where an alternative has no such run, or where a flag makes a plain run mean more
    (case-insensitive, verbose): then every text is scanned."""
    if re.compile(pattern).flags & (re.IGNORECASE | re.VERBOSE):
        return None
    found: list[str] = []
    runs, run, depth = [], "", 0
    for token in [*_TOKEN.findall(pattern), "|"]:
        depth += (token == "(") - (token == ")")
        if token in ("?", "*") or token.startswith("{"):
            run = run[:-1]
        if depth == 0 and len(token) == 1 and token not in _SPECIAL:
            run += token
            continue
        runs.append(run)
        run = ""
        if token == "|" and depth == 0:
            longest = max(runs, key=len)
            if not longest:
                return None
            found.append(longest)
            runs = []
    return tuple(w for w in dict.fromkeys(found) if not any(v != w and v in w for v in found))  # "s3" covers "aws_s3_"
