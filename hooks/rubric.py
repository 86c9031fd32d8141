"""The rubric: the highest score a failure analysis supports, and where the score contradicts it.

Pure: an `Analysis` (hooks/failures.py), the IDEAL_RESPONSE's complexity and the claimed score
in; a `Breakdown` (what `explain` prints) and findings out. Every reading that the text does not
settle is made twice, as read and at its most generous: a score above the generous maximum is
evidence and blocks; a score only above the maximum as read is a warning that says why.
"""
from __future__ import annotations

import functools
import math
import re
import shlex
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hooks.complexity import Complexity
from hooks.failures import FROM_SENTENCE, Analysis, Bypass, Failure, Level
from hooks.policy import Policy
from hooks.report import Finding, quoted
from hooks.scan import Scan

GENEROSITY = {"C": 0, "B": 1, "A": 2}

# What a fix is, read from its words. Order matters for the reading (the first that matches);
# the generous reading takes the most generous of all that match. Lower-case patterns, matched on
# lower-cased text: twice as fast as re.IGNORECASE, and the same for every ASCII letter.
_KINDS: tuple[tuple[str, str, Scan], ...] = tuple(
    (category, label, Scan(pattern))
    for category, label, pattern in (
        ("C", "lint/format", r"\blint|\bformatting\b|code format|prettier|eslint|flake8|pylint|\bblack\b|\btypos?\b"
                             r"|spelling|whitespace|indentation|cosmetic|code style"),
        ("A", "security", r"secur|\biam\b|least[- ]privilege|privilege|permission|encrypt|\bkms\b|public(?:ly)?[- ]access"
                          r"|public (?:s3 )?bucket|\bssl\b|\btls\b|\bwaf\b|vulnerab|credential|password|\bsecrets?\b"
                          r"|access control|authori[sz]|authenticat|injection|wildcard"),
        ("A", "architecture", r"architect|multi[- ]?az|high[- ]availability|redundan|failover|disaster recovery"
                              r"|network isolation|single point of failure|auto[- ]?scaling"),
        ("A", "whole feature", r"monitoring|\blogging\b|observability|\balarms?\b|alerting|error handling|dead[- ]letter"
                               r"|\bdlq\b|\bbackups?\b|tracing|x-ray"),
        ("A", "broken integration", r"(?:broken|missing|incorrect|wrong|invalid|failed|failing)\b[\w /-]{0,30}"
                                    r"(?:integration(?! ?test)|connection|wiring)|circular dependenc|deploy(?:ment)? fail"
                                    r"|fails? to (?:deploy|synth)|synth(?:esis)? fail|not deployable|runtime error|crash"),
        ("C", "test-only", r"\btests?\b|\btesting\b|test coverage|mocks?\b"),
        ("C", "documentation-only", r"document|\bdocs?\b|readme|comments?\b|docstring"),
        ("C", "outputs", r"(?<!console )(?<!pulumi )\boutputs?\b(?!\s*(?:<|type\b))"),  # not Pulumi's Output<T>
        ("C", "naming/hard-coded value", r"\bnaming\b|\brenam|hard-?coded|type hints?|unused"),
        ("B", "configuration", r"config|parameter|environment|suffix|\btags?\b|tagging|removal ?polic|deletion ?polic"
                               r"|retention|lifecycle|version|runtime|timeout"),
        ("B", "standard pattern", r"best practice|pattern|(?<!infra)structur|organi[sz]ation|refactor|modular|validation"),
    )
)

# A blocker sets the score outright. Read from a failure's title only, and never taken as
# evidence on its own (the generous reading ignores it): titles like "Region" are often minor.
_BLOCKERS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern, re.IGNORECASE)
    for name, pattern in {
        "platform-mismatch": r"(?:wrong|incorrect|mismatched)\s+(?:iac\s+)?(?:platform|language|framework)"
                             r"|(?:platform|language|framework)(?:\s*/\s*language)?\s+mismatch",
        "wrong-account": r"(?:wrong|incorrect)\s+(?:aws\s+)?account\b",
        "missing-services": r"(?:most|majority of|half of)\s+(?:the\s+)?required\s+services\s+(?:are\s+|were\s+)?missing",
        "wrong-region": r"(?:wrong|incorrect)\s+(?:aws\s+|target\s+|deployment\s+)?region\b|region\s+mismatch",
    }.items()
}

# Lines about impact, cost, root cause or references describe consequences, not the fix.
_NOT_THE_FIX = re.compile(r"^[^\w\n]*[\w/ -]{0,40}\b(?:impact|root cause|reference|severity|level|priority)\b[^:\n]{0,20}:.*$",
                          re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Judged:
    """A failure with the category given to it, and why."""

    failure: Failure
    category: str
    reason: str
    generous: str  # the most generous category its text allows


@dataclass(frozen=True)
class Claimed:
    """training_quality as metadata.json states it, and where."""

    value: int
    path: str
    line: int
    col: int


@dataclass(frozen=True)
class Breakdown:
    """The reviewer's breakdown of one task's score (printed by `training-quality explain`)."""

    task: str
    base: int
    failures: tuple[Judged, ...]
    blocker: tuple[str, int, Failure] | None
    adjustment: int
    adjustment_reason: str
    complexity: Complexity
    maximum: int  # the highest score the failures support, as read
    generous_maximum: int  # ... at their most generous reading: above this is evidence
    generous_reason: str
    claimed: Claimed | None


def categorize(failure: Failure, policy: Policy) -> Judged:
    """A failure's category from what its fix is; its impact level only where the text does not tell."""
    return Judged(failure, *_categorize(failure.title, failure.text, failure.level, failure.category, policy))


@functools.lru_cache(maxsize=4096)
def _categorize(title: str, text: str, level: Level | None, stated: str | None, policy: Policy) -> tuple[str, str, str]:
    """(category, reason, generous category), once per failure text: history repeats a failure in
    every version of its analysis, and in every task state that holds one."""
    if stated:
        return stated, "the document states the category", stated
    kinds = _kinds(title)
    if kinds:
        (category, label), generous = kinds[0], max((c for c, _ in kinds), key=GENEROSITY.get)
        others = "" if generous == category else f" (the title also reads as {_labels(kinds, generous)})"
        return category, f"the title reads as {label}{_level_note(level, category)}{others}", generous
    default = policy.level_category(level)
    level_reason = f"impact level {level}" if level else "no impact level, the default"
    body = _NOT_THE_FIX.sub("", text).lower()
    first = next((i for i, (_, _, scan) in enumerate(_KINDS) if scan.search(body)), None)
    if first is not None:
        category, label, _ = _KINDS[first]
        generous = _most_generous(body, _KINDS[first + 1 :], max(default, category, key=GENEROSITY.get))
        return category, f"the text reads as {label} ({level_reason} -> {default})", generous
    return default, f"the text does not tell; {level_reason} -> {default}", default


def breakdown(task: str, analysis: Analysis, complexity: Complexity, claimed: Claimed | None, policy: Policy) -> Breakdown:
    """The maximum the failures support, as read and at their most generous, with every reason."""
    judged = tuple(categorize(f, policy) for f in analysis.failures)
    adjustment, reason = _adjustment([j.category for j in judged], policy)
    generous_adjustment, _ = _adjustment([j.generous for j in judged], policy)
    maximum = _clamp(policy.base + adjustment + complexity.value, policy)
    generous = _clamp(policy.base + generous_adjustment + complexity.value, policy)
    generous_reason = "the failures at their most generous reading"
    gap = _numbering_gap(analysis)
    if gap:  # the failures not read could be significant
        generous, generous_reason = policy.top, gap
    blocker = _blocker(analysis.failures, policy)
    if blocker:
        maximum = min(maximum, blocker[1])
    if not judged:
        maximum = min(maximum, policy.no_fixes_max)
        if analysis.empty or analysis.declares_none:
            generous = min(generous, policy.no_fixes_max)
        else:
            generous = policy.top
            generous_reason = "no failure could be read, and the analysis does not say there are none"
    return Breakdown(task, policy.base, judged, blocker, adjustment, reason, complexity, maximum, generous, generous_reason, claimed)


def verdict(b: Breakdown, analysis: Analysis, metadata_bypasses: Iterable[tuple[str, Bypass]], policy: Policy) -> list[Finding]:
    """Every contradiction between the score and the analysis, as findings (TQ301-TQ305)."""
    score = b.claimed
    findings = bypass_findings(b.task, [*((analysis.path, bp) for bp in analysis.bypasses), *metadata_bypasses], score, policy)
    listed = Counter(f.level for f in analysis.failures)
    incomplete = _incomplete(analysis, listed)
    for declared in analysis.declared:
        wrong = declared.disagrees(listed)
        if wrong:
            said = ", ".join(f"{n} {level}" for level, n in wrong.items())
            found = ", ".join(f"{listed.get(level, 0)} {level}" for level in wrong)
            doubt = incomplete or (f" ({FROM_SENTENCE}, so it may not be meant as a count)" if declared.from_sentence else "")
            findings += _finding(policy, "declared-counts", b.task, analysis.path, declared.line, 1, "TQ304",
                                 f"the analysis declares {said} but lists {found}{doubt}{_with(score)}; make the summary"
                                 " match the failures listed", certain=not doubt)
    if score is None:
        return findings
    # an analysis that also states the metadata's score may be telling its history ("up from 7/10")
    agrees = any(_rounded(stated.value) == score.value for stated in analysis.scores)
    for stated in analysis.scores:
        if _rounded(stated.value) != score.value:
            history = f" (it also states {score.value}, so this may be an earlier or a target score)" if agrees else ""
            findings += _finding(policy, "stated-score", b.task, analysis.path, stated.line, 1, "TQ301",
                                 f"the analysis states a score of {_number(stated.value)} ({stated.text.strip()!r}) but"
                                 f" metadata.json says training_quality {score.value}{history}; make them agree", certain=not agrees)
    if score.value >= policy.threshold and analysis.claims:
        # a claim next to several significant fixes is likely about the corrected response
        significant = [j for j in b.failures if j.generous != "C" and j.failure.level in ("Critical", "High")]
        doubt = (f" (uncertain: it also lists {len(significant)} Critical/High fixes, so the claim may be about the"
                 " corrected response)") if len(significant) >= 2 else ""
        for claim in analysis.claims:
            why = doubt or (" (uncertain: it stands in a failure's own text, which tells what the model got wrong)" if claim.in_failure else "")
            findings += _finding(policy, "competent-claim", b.task, analysis.path, claim.line, 1, "TQ303",
                                 f"training_quality {score.value} (>= {policy.threshold}) but the analysis says the"
                                 f" MODEL_RESPONSE was already competent ({claim.text.strip()!r}){why}, which leaves little"
                                 " to learn from; lower the score, or correct the analysis if the response needed significant"
                                 " fixes", certain=not why)
    if score.value > b.maximum:
        certain = score.value > b.generous_maximum
        why = "" if certain else f"; uncertain, because {b.generous_reason} would allow {b.generous_maximum}"
        findings += _finding(policy, "maximum", b.task, score.path, score.line, score.col, "TQ302",
                             f"training_quality {score.value} is above {b.maximum}, the rubric's maximum for the failures"
                             f" listed ({_summary(b)}){why}; lower the score or list the failures that justify it"
                             f" (`training-quality explain {shlex.quote(b.task or '.')}` shows the breakdown)",
                             certain=certain)
    return findings


def _rounded(value: float) -> int:
    """A stated score as the rubric's final step makes it: rounded half up ("8.5/10" is a 9)."""
    return math.floor(value + 0.5)


def bypass_findings(task: str, bypasses: Iterable[tuple[str, Bypass]], score: Claimed | None, policy: Policy) -> list[Finding]:
    """Hook-bypass or score-editing text in any of the task's files (TQ305), scored or not; one finding per line."""
    lines: dict[tuple[str, int], list[Bypass]] = {}
    for path, bp in bypasses:
        lines.setdefault((path, bp.line), []).append(bp)
    return [
        finding
        for (path, line), found in lines.items()
        for finding in _finding(policy, "bypass", task, path, line, 1, "TQ305",
                                f"{_and(list(dict.fromkeys(_BYPASS_KIND.get(bp.kind, bp.kind) for bp in found)))}"
                                f" ({found[0].text!r}){_with(score)}; a score comes from the analysis, not from a command, and the hooks"
                                " must run: remove this text and commit without skipping them")
    ]


def _finding(policy: Policy, check: str, task: str, path: str, line: int, col: int, code: str, message: str,
             certain: bool = True) -> list[Finding]:
    """The finding as the policy wants it: blocking, a warning (also when uncertain), or none."""
    severity = policy.severity(check, certain)
    if severity is None:
        return []
    return [Finding(path, max(line, 1), max(col, 1), code, f"task {quoted(task or '.')}: {message}", severity)]


_BYPASS_KIND = {
    "no-verify": "hook-bypass command",
    "skip-hooks": "command that switches the hooks off (SKIP=, HUSKY=0, core.hooksPath)",
    "score-edit": "command that edits training_quality by hand",
    "heredoc-tail": "leaked shell text after a heredoc",
}


def _incomplete(analysis: Analysis, listed: Counter) -> str:
    """Why the failures read may not be all the document lists ("" when nothing suggests so)."""
    failures = analysis.failures
    if not failures:  # a table or prose this reader does not take failures from: check-model-failures warns too
        return " (no failures could be read from the document, so the count is uncertain)"
    if listed.get(None):
        return f" ({listed[None]} failure(s) have no impact level, so the count is uncertain)"
    if any(f.level_source == "heading" for f in failures):
        return " (some levels come from section headings, so the listed count may be misread)"
    gap = _numbering_gap(analysis)
    return f" ({gap}, so the count is uncertain)" if gap else ""


def _numbering_gap(analysis: Analysis) -> str:
    """Numbered failures with numbers missing: some could not be read, unless the document's own
    counts are exactly the failures read."""
    failures = analysis.failures
    numbers = [int(m.group(1)) for f in failures if (m := re.match(r"\W*(\d+)[.)]", f.title))]
    if not numbers or max(numbers) <= len(failures):
        return ""
    levels = Counter(f.level for f in failures)
    if any(sum(d.counts.values()) == len(failures) and all(levels[lv] == n for lv, n in d.counts.items())
           for d in analysis.declared):
        return ""
    return f"the failures are numbered up to {max(numbers)} but {len(failures)} could be read"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _kinds(text: str) -> list[tuple[str, str]]:
    text = text.lower()
    return [(category, label) for category, label, scan in _KINDS if scan.search(text)]


def _most_generous(text: str, kinds: Sequence[tuple[str, str, Scan]], floor: str) -> str:
    """The most generous category of `kinds` that the lower-cased text reads as, `floor` at least.
    A failure's text is long: only the kinds that could raise the floor are looked for."""
    for category in sorted(GENEROSITY, key=GENEROSITY.get, reverse=True):
        if GENEROSITY[category] <= GENEROSITY[floor]:
            break
        if any(scan.search(text) for c, _, scan in kinds if c == category):
            return category
    return floor


def _labels(kinds: list[tuple[str, str]], category: str) -> str:
    return "/".join(label for c, label in kinds if c == category) + f" ({category})"


def _level_note(level: Level | None, category: str) -> str:
    if level and GENEROSITY[category] < GENEROSITY["A"] and level in ("Critical", "High"):
        return f"; its '{level}' label does not change what the fix is"
    return ""


def _adjustment(categories: list[str], policy: Policy) -> tuple[int, str]:
    count = Counter(categories)
    if count["A"] >= 2:
        return policy.a_many, f"{count['A']} category-A fixes: {policy.a_many:+d}"
    if count["A"] == 1:
        return policy.a_one, f"one category-A fix: {policy.a_one:+d}"
    if count["B"]:
        return policy.b_weight, f"{count['B']} category-B fix(es), no A: {policy.b_weight:+d}"
    if count["C"]:
        penalty = policy.c_penalty(count["C"])
        return penalty, f"every fix is category C ({count['C']}): {penalty:+d}"
    return 0, f"no fixes listed: at most {policy.no_fixes_max}"


def _blocker(failures: tuple[Failure, ...], policy: Policy) -> tuple[str, int, Failure] | None:
    found = [(name, score, f) for f in failures for name, score in policy.blockers if _BLOCKERS[name].search(f.title)]
    return min(found, key=lambda item: item[1]) if found else None


def _clamp(value: int, policy: Policy) -> int:
    return max(0, min(policy.top, value))


def _summary(b: Breakdown) -> str:
    if b.blocker:
        return f"blocker {b.blocker[0]}: {b.blocker[1]}"
    return f"base {b.base}, {b.adjustment_reason}, complexity {b.complexity.value:+d}"


def _with(score: Claimed | None) -> str:
    return f" (training_quality {score.value})" if score else ""


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
