"""MODEL_FAILURES.md read as a reviewer reads it: the failures it lists, and what it claims.

Contract shared by the parser (issue 3), the rubric (issue 4) and the history audit (issue 5):
`parse(path, text) -> Analysis`, a tree of plain frozen dataclasses. `Analysis.to_json()` is
described by schemas/model-failures.schema.json. Lines are 1-based lines of the document.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Level = Literal["Critical", "High", "Medium", "Low"]
Category = Literal["A", "B", "C"]
LEVELS: tuple[Level, ...] = ("Critical", "High", "Medium", "Low")


@dataclass(frozen=True)
class Failure:
    line: int
    title: str
    text: str  # the failure's own text (title, fields, sub-bullets), code fences left out
    level: Level | None  # None: the document gives none
    level_source: Literal["field", "tag", "heading"] | None
    category: Category | None  # only where the document states one


@dataclass(frozen=True)
class DeclaredCounts:
    line: int
    counts: dict[str, int]  # level -> number, only the levels the document declares
    text: str


@dataclass(frozen=True)
class StatedScore:
    line: int
    value: float
    text: str


@dataclass(frozen=True)
class Claim:
    """The analysis says the MODEL_RESPONSE was already competent."""

    line: int
    text: str


@dataclass(frozen=True)
class Bypass:
    """Hook-bypass or score-editing text."""

    line: int
    kind: str  # e.g. "no-verify", "score-edit", "heredoc-tail"
    text: str


@dataclass(frozen=True)
class Analysis:
    path: str
    failures: tuple[Failure, ...]
    declared: tuple[DeclaredCounts, ...]
    scores: tuple[StatedScore, ...]
    claims: tuple[Claim, ...]
    bypasses: tuple[Bypass, ...]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
