"""A task: the folder holding metadata.json and lib/MODEL_FAILURES.md (and lib/IDEAL_RESPONSE.md).

Contract shared by the verdict (issue 4), the history audit (issue 5) and the commit
attestation (issue 6): files are grouped by `task_root`; `check_task` runs every check a
staged commit gets, on contents, so the same verdict serves the index and any commit in history.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from hooks.encoding import decode
from hooks.policy import Policy
from hooks.report import Finding, Severity, quoted

if TYPE_CHECKING:
    from hooks.failures import Analysis, Bypass
    from hooks.metadata import Metadata
    from hooks.rubric import Breakdown, Claimed
    from hooks.schema import Schema

METADATA = "metadata.json"
FAILURES = "lib/MODEL_FAILURES.md"
IDEAL = "lib/IDEAL_RESPONSE.md"
TASK_FILES = (METADATA, FAILURES, IDEAL)


@dataclass(frozen=True)
class TaskFiles:
    root: str  # the task folder relative to the repository top, "" when the task is the top
    metadata: bytes | None  # None: the file is absent
    failures: bytes | None
    ideal: bytes | None

    def path(self, name: str) -> str:
        return join(self.root, name)


@dataclass(frozen=True)
class Assessment:
    """Everything the checks found in one task, and the score's breakdown where there is a score."""

    task: TaskFiles
    findings: tuple[Finding, ...]
    analysis: Analysis | None
    breakdown: Breakdown | None  # None: no analysis to score against


def join(root: str, name: str) -> str:
    """A task file's path from its task root ("" is the repository top)."""
    return f"{root}/{name}" if root else name


def text(data: bytes) -> str:
    """A task file's text: what git or the disk holds, in the encoding its byte order mark names
    (else UTF-8), undecodable bytes shown, never fatal."""
    return decode(data)[0]


def task_root(path: str) -> str | None:
    """The task folder a task file belongs to; None for any other file."""
    if not path.endswith(TASK_FILES):  # most paths: one test
        return None
    for name in TASK_FILES:
        if path == name:
            return ""
        if path.endswith("/" + name):
            return path[: -len(name) - 1]
    return None


def check_task(task: TaskFiles, policy: Policy, schema: Schema | None = None) -> list[Finding]:
    """Every finding a staged commit of this task would get."""
    return list(assess(task, policy, schema).findings)


def assess(task: TaskFiles, policy: Policy, schema: Schema | None = None) -> Assessment:
    """Metadata schema, document checks and the rubric's verdict on one task's contents."""
    from hooks import complexity, rubric

    findings: list[Finding] = []
    meta_path = task.path(METADATA)
    claimed, meta_bypasses = None, ()
    if task.metadata is not None:
        meta, problems, found = _read_metadata(task.metadata, schema or _shipped_schema())
        meta = meta and replace(meta, path=meta_path)
        findings += [replace(f, path=meta_path) for f in problems]
        claimed = _claimed(meta, policy) if meta else None
        meta_bypasses = tuple((meta_path, b) for b in found)
    if task.failures is None:
        if claimed is not None:
            findings.append(Finding(meta_path, claimed.line, claimed.col, "TQ300",
                                    f"task {quoted(task.root or '.')}: training_quality {claimed.value} cannot be checked: there is"
                                    f" no {FAILURES}; add the failure analysis the score rests on", Severity.WARNING))
        findings += rubric.bypass_findings(task.root, meta_bypasses, claimed, policy)
        return Assessment(task, tuple(findings), None, None)
    analysis = _parse(task.path(FAILURES), task.failures)
    findings += _document_findings(analysis)
    ideal = complexity.assess(None if task.ideal is None else text(task.ideal), policy)
    breakdown = rubric.breakdown(task.root, analysis, ideal, claimed, policy)
    findings += rubric.verdict(breakdown, analysis, meta_bypasses, policy)
    return Assessment(task, tuple(findings), analysis, breakdown)


def summary(assessments: Iterable[Assessment]) -> list[str]:
    """For a person running `check` by hand: each task's verdict and the codes that gave it."""
    lines, blocked = [], 0
    rows = sorted(assessments, key=lambda a: a.task.root)
    for a in rows:
        errors = sorted({f.code for f in a.findings if f.severity is Severity.ERROR})
        warnings = sorted({f.code for f in a.findings if f.severity is Severity.WARNING} - set(errors))
        blocked += bool(errors)
        verdict = f"blocked ({', '.join(errors)})" if errors else "passed"
        score = a.breakdown.claimed.value if a.breakdown and a.breakdown.claimed else "none usable"
        extra = f", warnings: {', '.join(warnings)}" if warnings else ""
        maximum = f", maximum {a.breakdown.maximum}" if a.breakdown and a.breakdown.claimed else ""
        lines.append(f"  {verdict}: {a.task.root or '.'} (training_quality {score}{maximum}{extra})")
    return [f"checked {len(rows)} task(s): {len(rows) - blocked} passed, {blocked} blocked", *lines]


# The document checks' declared-counts (TQ202) and bypass (TQ203) findings: the verdict reports the
# same evidence as TQ304/TQ305, naming the task and the score, so a commit is told once.
_REPORTED_BY_THE_VERDICT = {"TQ202", "TQ203"}


def _document_findings(analysis: Analysis) -> list[Finding]:
    from hooks import failures

    return [f for f in failures.check(analysis) if f.code not in _REPORTED_BY_THE_VERDICT]


def _claimed(meta: Metadata, policy: Policy) -> Claimed | None:
    """training_quality where it is a whole number in range; anything else is the schema check's finding."""
    from hooks import rubric

    value = meta.training_quality
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or not 0 <= value <= policy.top:
        return None
    return rubric.Claimed(int(value), meta.path, *meta.position("training_quality"))


def _parse(path: str, data: bytes) -> Analysis:
    return replace(_read(data), path=path)


@functools.lru_cache(maxsize=4096)
def _read(data: bytes) -> Analysis:
    """One parse per distinct analysis: in history most task states differ only in metadata.json,
    and a task is often copied whole to another folder."""
    from hooks import failures

    return failures.parse("", *decode(data), found=bypasses(data))


@functools.lru_cache(maxsize=4096)
def bypasses(data: bytes) -> tuple[Bypass, ...]:
    """The hook-bypass text in a task file, read once per blob: the checks and the history audit's
    lines-added check (TQ403) both ask."""
    from hooks import bypass

    return tuple(bypass.find(text(data)))


@functools.lru_cache(maxsize=4096)
def _read_metadata(data: bytes, schema: Schema) -> tuple[Metadata | None, tuple[Finding, ...], tuple[Bypass, ...]]:
    """Read, validated and scanned once per distinct metadata.json (path left empty): history
    repeats one in every task state where only the analysis changed."""
    from hooks import metadata

    meta, problems = metadata.parse("", data)
    return meta, tuple(problems if meta is None else metadata.validate(meta, schema)), bypasses(data)


@functools.cache
def _shipped_schema() -> Schema:
    from hooks import metadata, schema

    return schema.Schema(*schema.shipped(metadata.SCHEMA))