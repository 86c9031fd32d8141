"""MODEL_FAILURES.md read as a reviewer reads it: one fixture of our own per format in the corpus."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hooks.cli import main
from hooks.failures import Analysis, check, parse
from tests.conftest import PROJECT, SHARED, PreCommit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "analyses"
SEEDS = SHARED / "seeds"


def read(name: str) -> Analysis:
    path = FIXTURES / name
    return parse(str(path), path.read_text(encoding="utf-8"))


def levels(analysis: Analysis) -> list[tuple[int, str | None, str | None]]:
    return [(f.line, f.level, f.level_source) for f in analysis.failures]


def codes(analysis: Analysis) -> list[tuple[int, str, str]]:
    return [(f.line, f.code, f.severity.value) for f in check(analysis)]


def test_a_heading_per_failure_with_fields_under_severity_headings() -> None:
    analysis = read("fields-under-severity-headings.md")
    assert levels(analysis) == [(7, "Critical", "field"), (15, "High", "field"), (23, "Medium", "field")]
    assert analysis.failures[1].title == "2. Dead-letter queue missing"
    assert "Failed messages were retried forever." in analysis.failures[1].text
    assert [(d.line, d.counts) for d in analysis.declared] == [(31, {"Critical": 1, "High": 1, "Medium": 1, "Low": 0})]
    assert [(s.line, s.value) for s in analysis.scores] == [(34, 8.0)]
    assert analysis.claims == ()  # "falls short of production-ready"; the corrected stack is the IDEAL's
    assert check(analysis) == []


def test_list_items_under_severity_headings_take_the_heading_level_unless_they_state_one() -> None:
    analysis = read("list-under-severity-headings.md")
    assert levels(analysis) == [(5, "Critical", "field"), (8, "High", "heading"), (12, "Low", "heading"), (13, "Low", "heading")]
    assert "The IDEAL_RESPONSE adds SSE-KMS." in analysis.failures[0].text  # sub-bullets belong to their failure
    assert [d.counts for d in analysis.declared] == [{"Critical": 1}]


def test_numbered_failure_headings_keep_their_parts() -> None:
    analysis = read("numbered-headings-with-parts.md")
    assert levels(analysis) == [(3, "High", "field"), (16, "Low", "field")]
    assert "The model pointed `code` at the wrong folder." not in analysis.failures[0].text  # markup is dropped
    assert "The model pointed code at the wrong folder." in analysis.failures[0].text


def test_tags_in_titles_and_stated_categories() -> None:
    analysis = read("tagged-titles.md")
    assert levels(analysis) == [(5, "High", "tag"), (8, "Critical", "tag"), (11, "Medium", "tag"), (14, None, None)]
    assert [f.category for f in analysis.failures] == [None, None, None, "C"]
    assert codes(analysis) == [(14, "TQ201", "warning")]  # the others have levels: this one was forgotten, or misread


def test_a_bare_numbered_list_is_read_as_failures_without_levels() -> None:
    analysis = read("bare-list.md")
    assert levels(analysis) == [(1, None, None), (3, None, None)]
    assert "The bucket name was not unique." in analysis.failures[1].text
    assert codes(analysis) == [(1, "TQ201", "warning")]
    assert "the rubric reads each by its text (else as moderate, B)" in check(analysis)[0].message  # a title may read as A


def test_a_document_pasted_in_a_markdown_fence_is_read_at_its_own_lines() -> None:
    assert [(f.line, f.title) for f in read("fenced-document.md").failures] == [
        (9, "Interface endpoint used for S3"),
        (12, "Secrets stored as plain SSM parameters"),
    ]


def test_bold_numbered_and_failure_n_paragraphs_act_as_headings() -> None:
    assert levels(read("paragraph-titles.md")) == [(5, "Critical", "field"), (9, "High", "field"), (13, "Medium", "field")]


def test_summary_tables_and_categories_from_headings() -> None:
    analysis = read("summary-table.md")
    assert [(f.level, f.category) for f in analysis.failures] == [("Critical", "A"), ("High", "A"), ("Medium", "B")]
    assert [(d.line, d.counts) for d in analysis.declared] == [(17, {"Critical": 1, "High": 1, "Medium": 1})]
    assert [s.value for s in analysis.scores] == [9.0]


def test_code_comments_quotes_strengths_and_validation_never_yield_failures() -> None:
    analysis = read("traps.md")
    assert [f.title for f in analysis.failures] == ["1. Public S3 bucket"]
    assert analysis.bypasses == ()  # --no-verify-ssl is not --no-verify
    assert check(analysis) == []


def test_competence_claims_belong_to_the_model_response_and_negation_is_understood() -> None:
    assert [c.line for c in read("claims.md").claims] == [3, 17, 23]


def test_a_failure_about_references_is_no_references_section() -> None:
    analysis = parse("MODEL_FAILURES.md", "# Analysis\n\n## Critical Failures\n\n### 1. Circular Dependency in Resource References\n\n"
                     "**Impact Level**: Critical\n\nThe bucket and the role referenced each other.\n\n## References\n\n- AWS docs\n")
    assert [(f.title, f.level) for f in analysis.failures] == [("1. Circular Dependency in Resource References", "Critical")]


def test_a_summary_list_is_no_failure_list() -> None:
    analysis = parse("MODEL_FAILURES.md", "# Model Response Failures Analysis\n\nNothing had to be fixed.\n\n## Summary\n\n"
                     "- Total failures: 0 Critical, 0 High, 0 Medium, 0 Low\n- Training value: low\n")
    assert analysis.failures == () and analysis.declares_none  # so the rubric allows at most 3


@pytest.mark.parametrize("sentence", [
    # a goal, a requirement, or what the fixes prevented: not what the model delivered
    "The PROMPT required a production-grade deployment, and the MODEL_RESPONSE left customer data readable by anyone.",
    "The model was asked to create a production-grade VPC foundation.",
    "These issues prevented the MODEL_RESPONSE from being production-ready and required significant fixes.",
    "The MODEL_RESPONSE needed corrections to meet production-grade standards.",
    "The MODEL_RESPONSE required more than minor fixes: a security hole had to be closed.",
    "Although the model claimed its code was production-ready, it was not.",
    # the negation stands before a list of qualities
    "These faults show the model's failure to implement secure, maintainable, and production-ready code.",
    "The MODEL_RESPONSE needed correction to achieve a fully functional, production-ready stack.",
    # a concession: it only looked so
    "At first glance the MODEL_RESPONSE looked production-ready, but it left the bucket public.",
    "Although the MODEL_RESPONSE appeared excellent, it left the bucket public.",
    # the words in another sense
    "Apart from minor configuration issues, the MODEL_RESPONSE left customer data readable by anyone.",
    "The MODEL_RESPONSE used only small t3.micro instances for the production database.",
    "The MODEL_RESPONSE left two outstanding TODO placeholders in the stack.",
    "The model's handler swallowed exceptional conditions from the database client.",
    "This task has excellent learning value because the MODEL_RESPONSE broke the integration.",
    "The path from the initial MODEL_RESPONSE to the final production-ready implementation is below.",
])
def test_what_is_not_a_competence_claim(sentence: str) -> None:
    assert parse("MODEL_FAILURES.md", f"# Analysis\n\n{sentence}\n").claims == ()


@pytest.mark.parametrize("sentence", [
    "The MODEL_RESPONSE was production-ready; only minor configuration tweaks were needed.",
    "The implementation required zero infrastructure fixes and deployed on the first attempt.",
    "The MODEL_RESPONSE looks production-ready and needed only minor tweaks.",
    "Beyond the two naming issues, the MODEL_RESPONSE is exceptionally high quality.",
    "While the model generated complex, production-ready CDK code, its errors leave little to learn from.",
    "The model's output was of high quality with only one configuration improvement needed.",
])
def test_what_stays_a_competence_claim(sentence: str) -> None:
    assert len(parse("MODEL_FAILURES.md", f"# Analysis\n\n{sentence}\n").claims) == 1


def test_a_leaked_heredoc_ends_the_document() -> None:
    analysis = read("heredoc-leak.md")
    assert [f.title for f in analysis.failures] == ["1. Output naming"]  # not the next task's document
    assert {(b.line, b.kind) for b in analysis.bypasses} == {
        (14, "heredoc-tail"), (14, "no-verify"), (14, "score-edit"), (22, "heredoc-tail"), (22, "no-verify")
    }
    assert [(s.line, s.value) for s in analysis.scores] == [(14, 9.0)]  # this task's command, not the next one's 10/10
    assert {c for _, c, _ in codes(analysis)} == {"TQ203"}


def test_a_template_placeholder_is_an_empty_analysis() -> None:
    analysis = read("placeholder.md")
    assert analysis.empty
    assert codes(analysis) == [(1, "TQ204", "error")]
    assert parse("x.md", " \n\n").empty


def test_counts_that_disagree_with_explicit_levels_block_naming_both() -> None:
    text = (FIXTURES / "fields-under-severity-headings.md").read_text().replace("1 Critical, 1 High", "2 Critical, 0 High")
    [finding] = check(parse("MODEL_FAILURES.md", text))
    assert (finding.line, finding.code, finding.severity.value) == (31, "TQ202", "error")
    assert "declares 2 Critical, 0 High, 1 Medium, 0 Low; lists 1 Critical, 1 High, 1 Medium, 0 Low" in finding.message


def test_counts_against_levels_read_from_headings_only_warn() -> None:
    text = (FIXTURES / "list-under-severity-headings.md").read_text().replace("Critical Issues: 1", "High Issues: 3")
    [finding] = check(parse("MODEL_FAILURES.md", text))
    assert (finding.code, finding.severity.value) == ("TQ202", "warning")
    assert "declares 3 High; lists 1 Critical, 1 High, 2 Low (some levels come from section headings" in finding.message


def test_parse_output_matches_its_schema() -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads((PROJECT / "schemas" / "model-failures.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    for path in sorted(FIXTURES.glob("*.md")):
        document = json.loads(json.dumps(parse(str(path), path.read_text(encoding="utf-8")).to_json()))
        assert list(validator.iter_errors(document)) == [], path.name


def test_parse_command_prints_json_and_a_missing_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(FIXTURES / "summary-table.md")]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [f["level"] for f in printed["failures"]] == ["Critical", "High", "Medium"]
    assert main(["parse", str(tmp_path / "missing.md")]) == 2
    assert main(["parse", str(tmp_path)]) == 2
    assert "error:" in capsys.readouterr().err


def test_parse_command_escapes_what_a_terminal_would_act_on_and_keeps_the_values(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    title = "1. Open \u009b31m IAM policy \u202eledom"  # a C1 CSI and a right-to-left override
    path = tmp_path / "MODEL_FAILURES.md"
    path.write_text(f"# Failures\n\n## {title}\n**Impact Level**: High\n", encoding="utf-8")
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\u009b" not in out and "\u202e" not in out
    assert "\\u009b31m" in out and "\\u202eledom" in out
    assert json.loads(out)["failures"][0]["title"] == title


def test_the_hook_imports_neither_jsonschema_nor_git() -> None:
    probe = "import json, sys; from hooks.cli import main; main(['check-model-failures', sys.argv[1]]); print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe, str(FIXTURES / "traps.md")], capture_output=True, text=True, check=True).stdout
    loaded = set(json.loads(out.splitlines()[-1]))
    assert "markdown_it" in loaded
    assert not {"jsonschema", "git"} & loaded


def test_the_real_pre_commit_refuses_a_leaked_analysis_and_takes_a_clean_one(pre_commit: PreCommit) -> None:
    pre_commit.configure("check-model-failures")
    repo = pre_commit.repo
    repo.write("task/lib/MODEL_FAILURES.md", (FIXTURES / "heredoc-leak.md").read_text())
    refused = repo.commit("analysis")
    assert refused.returncode == 1
    assert "task/lib/MODEL_FAILURES.md:14:1: TQ203 a leaked heredoc end" in refused.stderr
    repo.write("task/lib/MODEL_FAILURES.md", (FIXTURES / "fields-under-severity-headings.md").read_text())
    accepted = repo.commit("analysis")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared is not here")
def test_seed_000_four_low_enhancements_then_a_leaked_command() -> None:
    [path] = SEEDS.glob("000_*.txt")
    analysis = parse(str(path), path.read_text())
    assert [f.level for f in analysis.failures] == ["Low"] * 4
    assert {b.kind for b in analysis.bypasses} == {"heredoc-tail", "no-verify", "score-edit"}
    assert analysis.claims


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared is not here")
def test_seed_004_lists_other_levels_than_it_declares(capsys: pytest.CaptureFixture[str]) -> None:
    [path] = SEEDS.glob("004_*.txt")
    analysis = parse(str(path), path.read_text())
    assert [f.level for f in analysis.failures] == ["Critical", "High", "High", "High", "High", "Medium", "Medium"]
    assert [d.counts for d in analysis.declared] == [{"Critical": 2, "High": 3, "Medium": 2}]
    assert analysis.claims == ()  # "falls short of production-ready standards"
    assert main(["check-model-failures", str(path)]) == 1
    assert "TQ202 declares 2 Critical, 3 High, 2 Medium; lists 1 Critical, 4 High, 2 Medium" in capsys.readouterr().out


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared is not here")
def test_every_analysis_in_the_corpus_is_read_and_checked_without_a_traceback() -> None:
    paths = sorted((SHARED / "corpus").glob("**/MODEL_FAILURES.md"))
    assert len(paths) == 1666
    analyses = [parse(str(p), p.read_bytes().decode("utf-8", "replace")) for p in paths]
    assert all(isinstance(f.line, int) for a in analyses for f in check(a))
    assert sum(bool(a.failures) for a in analyses) > 1400


@pytest.mark.parametrize(
    "text, values",
    [
        ("**Training Quality Score**: 9.5/10", [9.5]),
        ("This work should achieve 9/10 training quality.", [9.0]),
        ("Training Quality Score: 9/10 (was 7/10)", [9.0]),
        ("Impact on Training Quality: +3 points", []),  # an adjustment, not a score
        ("Previous Training Quality: 5/10", []),  # history, not today's claim
        ("Training quality before fixes: 4/10", []),
        ("Training Quality Impact: 4/10 → 9/10 after resolution", [9.0]),  # a history: the score it ends at
        ("Training Quality: 7 -> 9", [9.0]),
        ("Training Quality: 9/10 → 6/10 after review", [6.0]),
        ("Training quality: 6/10 before the fixes, 9/10 after", []),
        ("Training Quality: 7/10 → Target: ≥8/10", []),
        ("9. Training quality score >= 8", []),  # a criterion, not a score
    ],
)
def test_stated_scores_are_todays_claims_only(text: str, values: list[float]) -> None:
    assert [s.value for s in parse("MODEL_FAILURES.md", f"# Analysis\n\n{text}\n").scores] == values


@pytest.mark.parametrize(
    "text, counts, from_sentence",
    [
        ("**Total Failures: 1 Critical, 2 High**", {"Critical": 1, "High": 2}, False),
        ("- **Critical**: 2", {"Critical": 2}, False),
        ("Total failures identified: 5 Critical", {"Critical": 5}, False),
        ("The MODEL_RESPONSE contained 9 critical issues that block deployment.", {"Critical": 9}, True),
        ("- **Critical**: 0% test coverage blocks deployment", None, False),  # a percentage, not a count
        ("It had **3 Critical failures** and **2 High-priority issues**.", {"Critical": 3, "High": 2}, False),
        ("- **Total High-Severity Issues**: 2 (PostgreSQL version, VPC hardcoding)", {"High": 2}, False),
        ("The response had 1 high-severity issue in its tests.", {"High": 1}, True),
        ("Fix the 12 high-level-ish items", None, False),
        ("- 2 critical alarms (export errors, throttles) wired to the on-call topic", None, False),  # alarms, not failures
        ("- Tests validate 9 critical AWS resources", None, False),
        ("**MODEL_RESPONSE Issue**: the variables file lacked 2 critical variables", None, False),  # an issue, not a tally
        ("It contained **3 Critical** and **2 High-severity** infrastructure failures.", {"Critical": 3, "High": 2}, False),
        ("- **Total failures**: 2 (1 Critical infrastructure code, 1 High testing)", {"Critical": 1, "High": 1}, False),
    ],
)
def test_declared_counts_are_counts(text: str, counts: dict[str, int] | None, from_sentence: bool) -> None:
    declared = parse("MODEL_FAILURES.md", f"# Analysis\n\n{text}\n").declared
    assert [(d.counts, d.from_sentence) for d in declared] == ([(counts, from_sentence)] if counts else [])


def test_a_section_that_says_its_items_are_not_failures_lists_none() -> None:
    text = ("# Model Response Failures Analysis\n\n**Total Failures: 0 Critical, 0 High, 0 Medium, 0 Low**\n\n"
            "## Areas for Potential Enhancement (Not Failures)\n\n### 1. VPC Flow Logs\n\n**Severity**: Low\n\n"
            "Flow logs would help auditing.\n")
    analysis = parse("MODEL_FAILURES.md", text)
    assert analysis.failures == () and check(analysis) == []
    text = text.replace("Areas for Potential Enhancement (Not Failures)", "Medium Severity Issues")
    text = text.replace("VPC Flow Logs", "Alarm Threshold Not Calculating Error Rate")  # "not" about the fix
    assert [f.title for f in parse("MODEL_FAILURES.md", text).failures] == ["1. Alarm Threshold Not Calculating Error Rate"]


def test_scans_over_joined_lines_need_patterns_that_never_match_a_line_break() -> None:
    """Claims and counts scan several paragraphs or lines joined by "\\n" at once, and place each match
    in the one line it lies in: a pattern able to match a line break (\\s, \\W, [^...], .) would
    break that."""
    from hooks.failures import _COMPETENT, _LEVEL_NAMED

    for scan in (_COMPETENT, _LEVEL_NAMED):
        assert not re.search(r"\\[sSWD]|\[\^|(?<!\\)\.", scan.pattern), scan.pattern


@pytest.mark.parametrize(
    "paragraph",
    [
        "git " + "--opt " * 60 + "commitment",  # options before no `commit`: exponential backtracking once
        "training_quality " + "sed s/ " * 20_000,  # cubic once
        "training_quality jq " + "mv a " * 50_000,  # a command's words looked at once each
        "git commit \\\n" * 100_000,  # continued lines joined once, not copied again for each
        "&#45;-_*a*\\-<!--" * 30_000,  # markup undone in one scan each
        "git config " + "--opt " * 30_000 + "hookspath",  # options read one way each
        "see <!-- " * 60_000,  # unclosed comments: quadratic once
        "[a](" * 300_000,  # unclosed links
        "".join("[" * 100 + "](\n" for _ in range(4_000)),
    ],
)
def test_the_hook_reads_pathological_lines_in_linear_time(tmp_path: Path, paragraph: str) -> None:
    """Each of these kept the hook busy for minutes or longer; the timeout only guards against a hang."""
    path = tmp_path / "lib" / "MODEL_FAILURES.md"
    path.parent.mkdir()
    path.write_text(f"# Model Failures\n\n## High\n\n### 1. Missing alarm\n\n**Impact Level**: High\n\n{paragraph}\n")
    done = subprocess.run([sys.executable, "-m", "hooks", "check-model-failures", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def test_cr_and_crlf_end_lines_as_lf_does() -> None:
    text = "# Model Failures\n\n## Critical\n\n### 1. Open bucket\n\n**Impact Level**: High\n\nScored 9/10 training quality.\n"
    read = parse("MODEL_FAILURES.md", text)
    assert [(f.line, f.level) for f in read.failures] == [(5, "High")] and [s.line for s in read.scores] == [9]
    assert parse("MODEL_FAILURES.md", text.replace("\n", "\r\n")) == read == parse("MODEL_FAILURES.md", text.replace("\n", "\r"))


@pytest.mark.parametrize("field", [
    "**Impact Level**: Low",
    "**Impact Level** — Low",  # a dash for the colon
    "**Impact Level**: L\u200bow",  # a zero-width space shows nothing: a reader sees "Low"
    "**Severity**: Lo\u00adw",
])
def test_a_level_field_is_read_as_a_reader_sees_it(field: str) -> None:
    analysis = parse("MODEL_FAILURES.md", f"# Analysis\n\n## Failures\n\n### 1. Output naming\n\n{field}\n\nRenamed the output.\n")
    assert [f.level for f in analysis.failures] == ["Low"]


def test_check_model_failures_follows_the_policy_for_the_checks_it_shares(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lib" / "MODEL_FAILURES.md"
    path.parent.mkdir()
    path.write_text("# Analysis\n\n### 1. Public bucket\n\n**Impact Level**: Critical\n\nMade private.\n\n"
                    "## Summary\n\n- Total failures: 2 Critical\n")
    monkeypatch.chdir(tmp_path)  # where pre-commit runs a hook: the repository's top
    assert main(["check-model-failures", str(path)]) == 1
    assert "TQ202 declares 2 Critical; lists 1 Critical" in capsys.readouterr().out
    (tmp_path / "pyproject.toml").write_text('[tool.training-quality.checks]\ndeclared-counts = "warning"\n')
    assert main(["check-model-failures", str(path)]) == 0
    assert "TQ202 warning: declares 2 Critical" in capsys.readouterr().out
    assert main(["check-model-failures", "--set", "check.declared-counts=off", str(path)]) == 0
    assert "TQ202" not in capsys.readouterr().out


def test_an_analysis_written_as_one_quote_is_read() -> None:
    quoted = "\n".join(f"> {line}".rstrip() for line in (
        "The MODEL_RESPONSE was production-ready; only cosmetic fixes were needed.", "",
        "### 1. Code formatting", "", "**Impact Level**: Low", "", "Ran prettier.", "",
        "Training Quality Score: 6/10"))
    analysis = parse("MODEL_FAILURES.md", f"# Model Response Failures Analysis\n\n{quoted}\n")
    assert [(f.line, f.level) for f in analysis.failures] == [(5, "Low")]
    assert [c.line for c in analysis.claims] == [3] and [s.value for s in analysis.scores] == [6.0]
    quoting = parse("MODEL_FAILURES.md", f"# Analysis\n\n{quoted}\n\n### 1. Public bucket\n\n**Impact Level**: High\n\nMade private.\n")
    assert [f.title for f in quoting.failures] == ["1. Public bucket"]  # a quote beside the analysis stays a quote


def _doc(*blocks: str) -> Analysis:
    return parse("t/lib/MODEL_FAILURES.md", "\n\n".join(blocks) + "\n")


FAILURE = "### {n}. {title}\n\n**Impact Level**: {level}\n\n{text}"


@pytest.mark.parametrize(
    ("field", "level"),
    [("~~High~~ Low", "Low"), ("<b>Low</b>", "Low"), ("&#76;ow", "Low"), ("P3 (Low)", "Low"), ("<span>Critical</span>", "Critical")],
)
def test_a_level_reads_as_github_shows_it(field: str, level: str) -> None:
    analysis = _doc("# Failures", "### 1. Lambda handler refinement", f"**Impact Level**: {field}", "Refined the handler.")
    assert levels(analysis) == [(3, level, "field")]


def test_a_level_named_twice_in_a_summary_line_agrees_with_its_sum_or_its_last_count() -> None:
    failures = [FAILURE.format(n=n, title=t, level=lv, text="Fixed.") for n, t, lv in
                [(1, "Public bucket", "Critical"), (2, "Wildcard IAM role", "Critical"), (3, "Log retention", "Medium")]]
    summed = _doc("# Failures", *failures, "## Summary", "- Total failures: 1 Critical (data exposure), 1 Critical (privilege escalation), 1 Medium")
    last = _doc("# Failures", *failures, "## Summary", "Found 1 critical failure and 1 medium-severity issue; then 1 additional"
                " critical issue (3 failures in all: 2 Critical, 1 Medium).")
    assert [f.code for f in check(summed)] == [] and [f.code for f in check(last)] == []
    wrong = _doc("# Failures", *failures, "## Summary", "- Total failures: 3 Critical (data exposure), 3 Critical (IAM), 1 Medium")
    assert [(f.code, f.severity.value) for f in check(wrong)] == [("TQ202", "error")]  # 3, 6 or 3: none is the 2 listed


def test_the_document_title_does_not_make_every_paragraph_about_the_model() -> None:
    analysis = _doc("# Model Response Analysis", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Blocked public access."),
                    "## Recommendations", "If using IDEAL_RESPONSE:", "- ✅ Production-ready - comprehensive security")
    assert analysis.claims == ()


def test_a_section_that_names_both_responses_is_read_sentence_by_sentence() -> None:
    claim = "The MODEL_RESPONSE was production-ready and excellent. It needed only minor fixes."
    analysis = _doc("# Model Response Failures Analysis", "## MODEL_RESPONSE vs IDEAL_RESPONSE", claim,
                    "The IDEAL_RESPONSE is production-ready too.", FAILURE.format(n=1, title="Removal policy", level="Medium", text="Set RETAIN."))
    assert [c.line for c in analysis.claims] == [5]
    ideal = _doc("# MODEL_FAILURES: Issues Fixed in IDEAL_RESPONSE", FAILURE.format(n=1, title="Public bucket", level="High", text="Fixed."),
                 "## Deployment Notes", "The infrastructure code is production-ready and would deploy in a bootstrapped account.")
    assert ideal.claims == ()  # MODEL_FAILURES is the file's name, not the model: the document is about the IDEAL_RESPONSE


def test_a_what_the_model_got_wrong_section_lists_its_failures() -> None:
    analysis = _doc("# Model Response Analysis", "## What the model got right", "- It created the VPC.",
                    "## What Claude Sonnet Failed to Do", "- **No Internet Gateway**: no route out. (Critical)",
                    "- **SSH open to the world**: port 22 from 0.0.0.0/0. (Critical)", "- **No flow logs**: no traffic logging. (High)")
    assert [f.title.split(":")[0] for f in analysis.failures] == ["No Internet Gateway", "SSH open to the world", "No flow logs"]


def test_a_numbered_section_that_sets_the_scene_is_no_failure() -> None:
    analysis = _doc("# Model Response Failures Analysis", "## 1. Background", "The task asked for an S3 bucket behind CloudFront.",
                    "## 2. Typo in README\n\n**Impact Level**: Low\n\nFixed a typo.")
    assert [f.title for f in analysis.failures] == ["2. Typo in README"]


def test_a_whole_document_pasted_in_an_untagged_fence_is_read() -> None:
    inner = "\n\n".join(["# Model Response Failures Analysis", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Fixed.")])
    analysis = parse("t/lib/MODEL_FAILURES.md", f"```\n{inner}\n```\n")
    assert levels(analysis) == [(4, "Critical", "field")] and not analysis.empty
    assert parse("t/lib/MODEL_FAILURES.md", f"```yaml\n{inner}\n```\n").failures == ()  # a code sample stays code


def test_a_quality_the_prompt_emphasises_is_a_goal_not_a_claim() -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="DNS hostnames", level="High",
                    text="Issue: PROMPT.md emphasizes production-ready infrastructure, but MODEL_RESPONSE doesn't enable DNS hostnames."))
    assert analysis.claims == ()


@pytest.mark.parametrize(
    ("sentence", "claimed"),
    [
        # the standard the model is measured against, the corrected state, a goal: no claim
        ("Unlike a production-ready setup, the model left the exports bucket public.", False),
        ("The generated code violates the prompt's production-ready requirements.", False),
        ("The MODEL_RESPONSE diverges from the production-ready stack in lib/.", False),
        ("The model response demonstrates significant shortcomings in meeting the needs of a production-ready platform.", False),
        ("This training data demonstrates the gap between the model's code and production-ready infrastructure.", False),
        ("The model response is nowhere near production-ready.", False),
        ("After correction, the template deploys a production-grade stack; the MODEL_RESPONSE did not deploy.", False),
        ("With these addressed, the infrastructure in the MODEL_RESPONSE is production-ready.", False),
        # "to be" is a goal only after a word of intent
        ("The model output was found to be production-ready with only one minor documentation discrepancy.", True),
        ("The MODEL_RESPONSE turned out to be production-ready.", True),
        ("The MODEL_RESPONSE was designed to be production-ready, yet it left the bucket public.", False),
        ("The MODEL_RESPONSE needs to be production-ready before it can ship.", False),
        # a standard word far from the quality word hides nothing
        ("The MODEL_RESPONSE had zero policy violations and was production-ready out of the box.", True),
        ("The model treated security as a first-class concern and produced an excellent template.", True),
        ("The MODEL_RESPONSE had no deficiencies worth mentioning and was production-ready.", True),
        ("Compared to typical model output the MODEL_RESPONSE was excellent.", True),
        ("The MODEL_RESPONSE, unlike most first drafts, was production-ready.", True),
        ("The model emphasized least privilege and delivered an excellent template.", True),
        ("The model assumed sensible defaults and produced production-ready code.", True),
        ("Even before correction the MODEL_RESPONSE was production-ready, and after correction it is identical.", True),
        ("The MODEL_RESPONSE deployed without errors and needed only minor fixes.", True),  # "without" is said of the errors
        ("The MODEL_RESPONSE failed to deploy and was far from production-ready.", False),
        # other words for it
        ("The MODEL_RESPONSE was ship-ready.", True),
        ("The MODEL_RESPONSE was deployable as-is.", True),
        ("The MODEL_RESPONSE only needed tweaks.", True),
        # the model named right before the quality word: about it, whatever else the sentence names
        ("The MODEL_RESPONSE was production-ready (see the IDEAL_RESPONSE) and needed only minor fixes.", True),
        ("IDEAL_RESPONSE.md is identical to MODEL_RESPONSE.md, confirming the model performed excellently.", True),
        ("This document lists the fixes between the initial MODEL_RESPONSE and the production-ready IDEAL_RESPONSE.", False),
        ("Unlike the MODEL_RESPONSE, the IDEAL_RESPONSE is production-ready.", False),
        # characters that show as nothing or as another letter
        ("The MODEL_RESPONSE was produ\u034fction-ready.", True),
        ("The MODEL_RESPONSE was \uff45\uff58\uff43\uff45\uff4c\uff4c\uff45\uff4e\uff54.", True),
        ("The MODEL_RESPONSE was production\u2012ready.", True),
    ],
)
def test_a_quality_word_is_a_claim_unless_it_names_a_standard_a_goal_or_the_corrected_state(sentence: str, claimed: bool) -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Fixed."), sentence)
    assert [c.line for c in analysis.claims] == ([9] if claimed else [])


def test_praise_of_the_model_next_to_a_standard_is_still_a_claim() -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Blocked public access."),
                    "The MODEL_RESPONSE delivers a production-ready stack that meets every requirement of the prompt.")
    assert [c.line for c in analysis.claims] == [9]


def test_a_claim_inside_a_failure_is_marked_as_such() -> None:
    analysis = _doc("# Failures", "The MODEL_RESPONSE was excellent overall.",
                    FAILURE.format(n=1, title="Oversized instances", level="Medium",
                                   text="The model used production-grade db.r6g.large instances for a test environment."),
                    "- The MODEL_RESPONSE created production-grade clusters nobody asked for.")
    assert [(c.line, c.in_failure) for c in analysis.claims] == [(3, False), (9, True), (11, True)]


@pytest.mark.parametrize(("text", "level"), [("**Impact Level**: \u041digh", "High"), ("**Impact Level**: L\u043ew", "Low")])
def test_a_level_with_look_alike_letters_reads_as_it_shows(text: str, level: str) -> None:
    assert levels(_doc("# Failures", "### 1. Wildcard IAM role", text, "Scoped the role.")) == [(3, level, "field")]


@pytest.mark.parametrize("sentence", ["The MODEL_RESPONSE was production\u2011ready.", "The MODEL_RESPONSE was \u0435xcellent."])
def test_a_claim_with_look_alike_characters_is_read(sentence: str) -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Removal policy", level="Medium", text="Set RETAIN."), sentence)
    assert [c.line for c in analysis.claims] == [9]


def test_a_word_in_one_other_script_stays_as_it_is() -> None:
    analysis = _doc("# Failures", "### 1. \u041a\u0440\u0438\u0442\u0438\u0447\u0435\u0441\u043a\u0430\u044f \u043e\u0448\u0438\u0431\u043a\u0430 IAM",
                    "**Impact Level**: High", "Caf\u00e9 Gr\u00f6\u00dfe.")
    assert analysis.failures[0].title == "1. \u041a\u0440\u0438\u0442\u0438\u0447\u0435\u0441\u043a\u0430\u044f \u043e\u0448\u0438\u0431\u043a\u0430 IAM"
    assert "Caf\u00e9 Gr\u00f6\u00dfe." in analysis.failures[0].text


def test_a_compound_word_is_no_level_label() -> None:
    analysis = _doc("# Analysis", "## High-Level Architectural Failures", "### Missing KMS key", "The bucket was unencrypted.",
                    "## High - Security Failures", "### Wildcard IAM role", "Scoped the role.")
    assert levels(analysis) == [(5, None, None), (11, "High", "heading")]


def test_a_totalling_heading_declares_counts() -> None:
    failures = [FAILURE.format(n=n, title=t, level=lv, text="Fixed.") for n, t, lv in [(1, "Public bucket", "Critical"), (2, "IAM", "High")]]
    analysis = _doc("# Failures", *failures, "## Summary", "### Total failures: 2 Critical, 3 High")
    assert [(d.line, d.counts) for d in analysis.declared] == [(17, {"Critical": 2, "High": 3})]
    assert _doc("# Failures", *failures, "## 2 Critical Issues at a Glance").declared == ()  # a title, not a total


@pytest.mark.parametrize("sentence", ["Only cosmetic fixes were needed.", "Only minor code style improvements were needed."])
def test_an_amount_of_fixes_is_said_of_the_response_without_naming_it(sentence: str) -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Removal policy", level="Medium", text="Set RETAIN."), "## Summary", sentence)
    assert [c.line for c in analysis.claims] == [11]


@pytest.mark.parametrize(
    "summary",
    [
        "## Estimated effort\n\n- Critical fixes: 3 hours\n- Medium fixes: 20 minutes",
        "## Estimated effort\n\n- **Critical Issues**: 6-8 hours of engineering time",
        "## Summary\n\n| # | Failure | Severity | Effort (hours) |\n|---|---|---|---|\n| 1 | Public bucket | Critical | 3 |\n| 2 | Log retention | Medium | 1 |",
    ],
)
def test_an_effort_or_a_range_next_to_a_level_is_no_count(summary: str) -> None:
    assert _doc("# Failures", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Fixed."), summary).declared == ()


def test_a_table_of_levels_with_a_count_column_declares_counts() -> None:
    table = "| Severity | Count |\n|---|---|\n| Critical | 2 |\n| Medium | 1 |"
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Fixed."), "## Summary", table)
    assert [d.counts for d in analysis.declared] == [{"Critical": 2, "Medium": 1}]


def test_a_level_field_that_names_no_level_says_so() -> None:
    analysis = _doc("# Failures", "## High Failures", "### 1. Wildcard IAM role", "**Severity**: Major", "Scoped the role.",
                    "### 2. Log retention", "**Impact Level**: Medium", "Set 30 days.")
    assert [(f.level, f.unread_level) for f in analysis.failures] == [("High", "Major"), ("Medium", None)]
    [finding] = check(analysis)
    assert (finding.line, finding.code, finding.severity.value) == (5, "TQ201", "warning")
    assert "gives its level as 'Major', which is none of Critical, High, Medium, Low, so the rubric reads it as High" in finding.message




@pytest.mark.parametrize(
    "sentence",
    [
        "Only minor version updates are applied automatically; a major version change still needs a planned migration.",
        "Only minor changes were needed in the Lambda module; the bucket and its key had to be rewritten.",
    ],
)
def test_only_minor_about_something_else_is_no_claim(sentence: str) -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Fixed."), "## Notes", sentence)
    assert analysis.claims == ()


def test_under_a_title_naming_both_responses_only_a_sentence_naming_the_model_is_about_it() -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Fixed."),
                    "## How the IDEAL_RESPONSE Fixes the MODEL_RESPONSE", "- The template is production-ready: cfn-lint passes.",
                    "- The MODEL_RESPONSE itself was excellent.")
    assert [c.text for c in analysis.claims] == ["The MODEL_RESPONSE itself was excellent."]


def test_a_failure_titled_with_a_count_declares_none() -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Alarm count: 2 Critical alarms instead of the 4 asked for", level="Medium",
                                                 text="Added the missing alarms."))
    assert analysis.declared == ()


def test_praise_under_what_was_not_wrong_is_a_claim_not_a_failure() -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Fixed."),
                    "### What Was NOT Wrong", "The MODEL_RESPONSE demonstrated exceptional quality in these areas.")
    assert [f.title for f in analysis.failures] == ["1. Public bucket"]
    assert [(c.line, c.in_failure) for c in analysis.claims] == [(11, False)]


def test_code_in_angle_brackets_is_no_html() -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Pulumi Output<string> passed into JSON.stringify", level="Critical",
                                                 text="Used `List<String>` where <BucketName> was due."))
    assert analysis.failures[0].title == "1. Pulumi Output<string> passed into JSON.stringify"
    assert "List<String> where <BucketName>" in analysis.failures[0].text


@pytest.mark.parametrize("title", ["Failures by Severity", "Detailed Assessment of the Issues", "Knowledge Gaps Found"])
def test_numbered_failures_under_a_sorting_title_are_read(title: str) -> None:
    analysis = _doc("# Model Response Failures Analysis", f"## {title}",
                    *(FAILURE.format(n=n, title=t, level="Low", text="Fixed.") for n, t in [(1, "Typo in README"), (2, "Formatting")]))
    assert [f.title for f in analysis.failures] == ["1. Typo in README", "2. Formatting"]


def test_a_summary_by_severity_without_numbered_failures_stays_a_summary() -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Fixed."),
                    "## Failures by Severity", "### Critical", "- 1 (public bucket)")
    assert [f.title for f in analysis.failures] == ["1. Public bucket"]


def test_a_sentence_may_start_with_a_digit_or_code() -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Fixed."),
                    "The MODEL_RESPONSE was production-ready. 2 blocks were re-indented for the IDEAL_RESPONSE.")
    assert [c.text for c in analysis.claims] == ["The MODEL_RESPONSE was production-ready."]


def test_praise_naming_the_model_under_an_ideal_response_title_is_a_claim() -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Fixed."),
                    "## Comparison with the IDEAL_RESPONSE", "The MODEL_RESPONSE was already production-ready.",
                    "The template is production-ready now.")
    assert [c.text for c in analysis.claims] == ["The MODEL_RESPONSE was already production-ready."]


@pytest.mark.parametrize("line", ["- Critical × 2, Medium × 1", "- 2× Critical, 1× Medium", "- Critical [2], Medium [1]", "- Critical – 2, Medium – 1"])
def test_counts_in_other_notations_are_declared(line: str) -> None:
    analysis = _doc("# Failures", FAILURE.format(n=1, title="Public bucket", level="Critical", text="Fixed."), "## Summary", line)
    assert [d.counts for d in analysis.declared] == [{"Critical": 2, "Medium": 1}]
