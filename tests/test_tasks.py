"""Whole tasks, as contents: the seeds' shapes each blocked for its own reason, consistent tasks passing."""
from __future__ import annotations

import codecs
import json
from dataclasses import replace
from pathlib import Path

import pytest

from hooks.policy import DEFAULT
from hooks.report import Severity
from hooks.taskfiles import from_disk
from hooks.tasks import Assessment, TaskFiles, assess, check_task, summary
from tests.conftest import EXAMPLE_FILES, SHARED

CASES = EXAMPLE_FILES / "hooks"
NEGATIVE = CASES / "negative" / "check-training-quality"
POSITIVE = CASES / "positive" / "check-training-quality"


def assessed(case: Path) -> Assessment:
    (task,) = from_disk([str(case / "metadata.json")])
    return assess(task, DEFAULT)


def codes(a: Assessment, severity: Severity = Severity.ERROR) -> set[str]:
    return {f.code for f in a.findings if f.severity is severity}


@pytest.mark.parametrize(
    ("seed", "case", "expected"),
    [
        # 000: vague Low items, praise, and the leaked `EOF && jq ... && git commit --no-verify`
        ("000", "tq305-leaked-heredoc-and-no-verify", {"TQ305", "TQ303"}),
        # 001: "excellent", "production-ready", only Medium/Low enhancements, scored 9
        ("001", "tq303-production-ready-scored-9", {"TQ303"}),
        # 002: the analysis says 9/10, metadata.json another score
        ("002", "tq301-analysis-states-another-score", {"TQ301"}),
        # 003: one formatting fix, "production-ready", 9.5/10 in the text, 9 in metadata.json
        ("003", "tq302-one-formatting-fix-scored-9", {"TQ301", "TQ302", "TQ303"}),
        # 004: "2 Critical, 3 High, 2 Medium" over 1 Critical, 4 High, 2 Medium
        ("004", "tq304-summary-miscounts-levels", {"TQ304"}),
    ],
)
def test_each_seed_shape_is_blocked_for_its_own_reason(seed: str, case: str, expected: set[str]) -> None:
    a = assessed(NEGATIVE / case)
    assert codes(a) == expected, seed
    for finding in a.findings:
        assert f"task '{a.task.root}'" in finding.message


def test_messages_name_the_score_and_what_to_do() -> None:
    (finding,) = assessed(NEGATIVE / "tq304-summary-miscounts-levels").findings
    assert "declares 2 Critical, 3 High but lists 1 Critical, 4 High (training_quality 10)" in finding.message
    assert "make the summary match" in finding.message
    maximum = next(f for f in assessed(NEGATIVE / "tq302-one-formatting-fix-scored-9").findings if f.code == "TQ302")
    assert maximum.path.endswith("metadata.json") and "training_quality 9 is above 6" in maximum.message
    assert "lower the score" in maximum.message


@pytest.mark.parametrize("case", ["summary-corrected-scored-10", "two-security-fixes-scored-9", "two-formatting-fixes-scored-5",
                                  "not-yet-scored"])
def test_consistent_tasks_pass_without_a_word(case: str) -> None:
    assert assessed(POSITIVE / case).findings == ()


def test_the_same_verdict_from_contents_alone() -> None:
    """The history audit hands blobs from any commit: no file system, no git."""
    case = NEGATIVE / "tq302-critical-label-on-formatting"
    task = TaskFiles("old/task", (case / "metadata.json").read_bytes(), (case / "lib/MODEL_FAILURES.md").read_bytes(), None)
    (finding,) = check_task(task, DEFAULT)
    assert (finding.path, finding.code) == ("old/task/metadata.json", "TQ302")


def metadata(score: object = None, **extra: object) -> bytes:
    data = {"platform": "tf", "language": "hcl", "complexity": "medium", "turn_type": "single", "po_id": "t",
            "team": "synth", "startedAt": "2025-01-02T03:04:05Z", "subtask": "Application Deployment", **extra}
    if score is not None:
        data["training_quality"] = score
    return json.dumps(data, indent=2).encode()


@pytest.mark.parametrize(("encoding", "mark", "shown"), [("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
                                                      ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16"),
                                                      ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32")])
def test_an_analysis_saved_as_utf16_is_read_and_its_score_checked(encoding: str, mark: bytes, shown: str) -> None:
    """As Windows PowerShell's `>` writes it: the same blocks as the UTF-8 file, and a warning."""
    case = NEGATIVE / "tq302-one-formatting-fix-scored-9"
    task = assessed(case).task
    assert task.failures is not None
    a = assess(replace(task, failures=mark + task.failures.decode().encode(encoding)), DEFAULT)
    assert codes(a) == codes(assessed(case)) == {"TQ301", "TQ302", "TQ303"}
    (warning,) = [f for f in a.findings if f.code == "TQ206"]
    assert warning.severity is Severity.WARNING and f"the file is {shown}" in warning.message


def test_a_utf8_byte_order_mark_hides_no_heading() -> None:
    """A failures section opened on the first line, after a UTF-8 mark, still holds its failures."""
    analysis = ("## Critical Failures\n\n- **Public S3 bucket**: the exports bucket was public; access is now blocked.\n"
                "- **Wildcard IAM role**: it allowed every action; it is now scoped to least privilege.\n").encode()
    for data in (analysis, codecs.BOM_UTF8 + analysis):
        a = assess(TaskFiles("t", None, data, None), DEFAULT)
        assert a.analysis is not None and [f.level for f in a.analysis.failures] == ["Critical", "Critical"]
        assert not a.findings


def test_a_score_without_an_analysis_is_a_warning_not_a_block() -> None:
    (finding,) = check_task(TaskFiles("t", metadata(9), None, None), DEFAULT)
    assert (finding.code, finding.severity, finding.line) == ("TQ300", Severity.WARNING, 10)
    assert check_task(TaskFiles("t", metadata(), None, None), DEFAULT) == []


def test_score_editing_text_in_metadata_blocks_even_unscored() -> None:
    note = "jq '.training_quality = 9' metadata.json > m && mv m metadata.json"
    (finding,) = check_task(TaskFiles("t", metadata(notes=note), None, None), DEFAULT)
    assert (finding.code, finding.path) == ("TQ305", "t/metadata.json")


def test_an_unusable_score_is_left_to_the_schema_check() -> None:
    analysis = (POSITIVE / "two-formatting-fixes-scored-5" / "lib/MODEL_FAILURES.md").read_bytes()
    assert {f.code for f in check_task(TaskFiles("t", metadata("9"), analysis, None), DEFAULT)} == {"TQ110"}


def test_summary_counts_tasks() -> None:
    rows = summary([assessed(POSITIVE / "two-security-fixes-scored-9"), assessed(NEGATIVE / "tq304-summary-miscounts-levels")])
    assert rows[0] == "checked 2 task(s): 1 passed, 1 blocked"
    assert any(r.startswith("  blocked (TQ304): ") and "training_quality 10" in r for r in rows)


@pytest.mark.skipif(not (SHARED / "seeds").is_dir(), reason="../shared/seeds is absent")
@pytest.mark.parametrize(
    ("prefix", "score", "own"),
    [("000", 9, "TQ305"), ("001", 9, "TQ303"), ("002", 8, "TQ301"), ("003", 9, "TQ302"), ("004", 10, "TQ304")],
)
def test_the_real_seeds_paired_with_a_metadata_json_are_blocked(prefix: str, score: int, own: str) -> None:
    (seed,) = (SHARED / "seeds").glob(f"{prefix}_*.txt")
    (finding, *_) = [f for f in check_task(TaskFiles("seed", metadata(score), seed.read_bytes(), None), DEFAULT)
                     if f.code == own]
    assert finding.severity is Severity.ERROR and "task 'seed'" in finding.message


def test_a_task_copied_to_another_folder_is_reported_at_its_own_path() -> None:
    """One parse serves every copy of an analysis; each finding still names its own task's file."""
    (task,) = from_disk([str(NEGATIVE / "tq304-summary-miscounts-levels" / "metadata.json")])
    for root in ("archive/task", "worktree/copy"):
        (finding,) = check_task(TaskFiles(root, task.metadata, task.failures, task.ideal), DEFAULT)
        assert finding.path == f"{root}/lib/MODEL_FAILURES.md" and f"task '{root}'" in finding.message


@pytest.mark.parametrize(("summary", "severity"), [
    ("The MODEL_RESPONSE contained 5 critical issues that would block production.", Severity.WARNING),  # "critical" may be an adjective
    ("**Total**: 5 Critical", Severity.ERROR),
])
def test_a_count_read_from_a_sentence_only_warns(summary: str, severity: Severity) -> None:
    (task,) = from_disk([str(POSITIVE / "two-security-fixes-scored-9" / "metadata.json")])
    failures = task.failures + f"\n## Conclusion\n\n{summary}\n".encode()
    (finding,) = check_task(TaskFiles(task.root, task.metadata, failures, task.ideal), DEFAULT)
    assert (finding.code, finding.severity) == ("TQ304", severity)
    assert ("read from a sentence" in finding.message) == (severity is Severity.WARNING)
