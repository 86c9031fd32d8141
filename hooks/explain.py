"""The reviewer's breakdown of a task's score, as Markdown to paste into a pull request."""
from __future__ import annotations

from hooks.report import Severity
from hooks.tasks import FAILURES, Assessment


def render(a: Assessment) -> str:
    name = a.task.root or "."
    lines = [f"### training_quality of `{name}`", ""]
    b = a.breakdown
    if b is None:
        lines.append(f"No `{FAILURES}`: there is no analysis to score against.")
    else:
        lines += [f"- base: {b.base}", f"- failures listed: {len(b.failures)}"]
        for j in b.failures:
            level = j.failure.level or "no level"
            generous = "" if j.generous == j.category else f" (at most {j.generous})"
            lines.append(f"  - line {j.failure.line}: {j.failure.title} [{level}] -> {j.category}{generous}: {j.reason}")
        lines.append(f"- adjustment: {b.adjustment:+d} ({b.adjustment_reason})")
        if b.blocker:
            lines.append(f"- blocker: {b.blocker[0]} sets the score to {b.blocker[1]} (line {b.blocker[2].line}: {b.blocker[2].title})")
        lines.append(f"- complexity: {b.complexity.value:+d}")
        lines += [f"  - {evidence}" for evidence in b.complexity.evidence]
        generous = "" if b.generous_maximum == b.maximum else f" (at most {b.generous_maximum} with {b.generous_reason})"
        lines.append(f"- maximum: {b.maximum}{generous}")
        lines.append(f"- claimed: {b.claimed.value if b.claimed else 'none usable (absent, or not a whole number in range)'}")
    errors = [f for f in a.findings if f.severity is Severity.ERROR]
    warnings = [f for f in a.findings if f.severity is Severity.WARNING]
    verdict = "blocked" if errors else "passes" if b and b.claimed else "not scored"
    lines += ["", f"**Verdict: {verdict}**"]
    lines += [f"- {f.code} {f.path}:{f.line}: {f.message}" for f in errors]
    lines += [f"- {f.code} (warning) {f.path}:{f.line}: {f.message}" for f in warnings]
    return "\n".join(lines)
