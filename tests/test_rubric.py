"""The rubric on hand-built analyses: the maximum it allows and each contradiction it reports."""
from __future__ import annotations

import dataclasses

import pytest

from hooks.complexity import Complexity, assess
from hooks.failures import Analysis, Bypass, Claim, DeclaredCounts, Failure, StatedScore
from hooks.policy import DEFAULT, Policy
from hooks.report import Severity
from hooks.rubric import Claimed, breakdown, categorize, verdict

GENEROUS = Complexity(2, ("test",))


def failure(title: str, level: str | None = None, text: str = "", category: str | None = None, line: int = 5) -> Failure:
    return Failure(line, title, f"{title}\n{text}", level, "field" if level else None, category)


def analysis(*failures: Failure, declared=(), scores=(), claims=(), bypasses=()) -> Analysis:
    return Analysis("t/lib/MODEL_FAILURES.md", tuple(failures), tuple(declared), tuple(scores), tuple(claims), tuple(bypasses))


def judge(a: Analysis, score: int | None, policy: Policy = DEFAULT, complexity: Complexity = GENEROUS):
    claimed = None if score is None else Claimed(score, "t/metadata.json", 9, 23)
    b = breakdown("t", a, complexity, claimed, policy)
    return b, verdict(b, a, (), policy)


SECURITY = (
    failure("Public S3 bucket holding customer data", "Critical", "Blocked public access and encrypted with KMS."),
    failure("Lambda role with *:* permissions", "High", "Scoped the IAM role to least privilege."),
)
FORMATTING = (
    failure("Code formatting", "Low", "Ran prettier."),
    failure("Lint errors", "Low", "Applied eslint --fix."),
)


def test_two_security_fixes_support_a_nine() -> None:
    b, findings = judge(analysis(*SECURITY), 9)
    assert [j.category for j in b.failures] == ["A", "A"]
    assert b.maximum == 10 and findings == []


def test_two_formatting_fixes_support_a_five_but_not_a_nine() -> None:
    b, findings = judge(analysis(*FORMATTING), 5)
    assert (b.maximum, findings) == (6, [])
    _, findings = judge(analysis(*FORMATTING), 9)
    assert [(f.code, f.severity, f.path, f.line) for f in findings] == [("TQ302", Severity.ERROR, "t/metadata.json", 9)]
    assert "training_quality 9 is above 6" in findings[0].message and "task 't'" in findings[0].message


def test_a_critical_label_does_not_make_a_formatting_fix_significant() -> None:
    judged = categorize(failure("Code Formatting", "Critical", "Whitespace only."), DEFAULT)
    assert (judged.category, judged.generous) == ("C", "C")
    assert "does not change what the fix is" in judged.reason


@pytest.mark.parametrize(("level", "category"), [("Critical", "A"), ("High", "A"), ("Medium", "B"), ("Low", "C"), (None, "B")])
def test_the_level_stands_in_where_the_text_does_not_tell(level: str | None, category: str) -> None:
    judged = categorize(failure("Stack attribute exposure", level, "Stored the construct on self."), DEFAULT)
    assert judged.category == category and "does not tell" in judged.reason


def test_a_stated_category_stands() -> None:
    assert categorize(failure("Code formatting", "Low", category="A"), DEFAULT).category == "A"


def test_a_configured_level_mapping_is_used() -> None:
    policy = dataclasses.replace(DEFAULT, level_categories=(("Critical", "A"), ("High", "B"), ("Medium", "B"), ("Low", "C")))
    assert categorize(failure("Stack attribute exposure", "High"), policy).category == "B"


def test_uncertain_category_warns_instead_of_blocking() -> None:
    # the title does not tell, the text reads as a lint fix, the level says High: either could be right
    a = analysis(failure("Handler module", "High", "Fixed the lint errors in the handler."))
    b, findings = judge(a, 9)
    assert (b.maximum, b.generous_maximum) == (6, 10)
    assert [(f.code, f.severity) for f in findings] == [("TQ302", Severity.WARNING)]
    assert "uncertain" in findings[0].message


def test_stated_score_that_differs_blocks() -> None:
    a = analysis(*SECURITY, scores=[StatedScore(40, 9.5, "**Training Quality Score**: 9.5/10")])
    _, findings = judge(a, 9)
    assert [(f.code, f.line, f.path) for f in findings] == [("TQ301", 40, "t/lib/MODEL_FAILURES.md")]
    assert "9.5" in findings[0].message and "training_quality 9" in findings[0].message
    assert judge(dataclasses.replace(a, scores=(StatedScore(40, 9.0, "9/10"),)), 9)[1] == []


def test_a_stated_score_agrees_when_the_rubric_rounds_it_to_the_metadata_score() -> None:
    a = analysis(*SECURITY, scores=[StatedScore(10, 8.5, "Estimated Training Quality Score: 8.5/10")])
    assert judge(a, 9)[1] == []  # the rubric's final step rounds half up: 8.5 is a 9
    assert [f.code for f in judge(a, 8)[1]] == ["TQ301"]


def test_competent_claim_blocks_only_at_or_above_the_threshold() -> None:
    a = analysis(*SECURITY, claims=[Claim(3, "The MODEL_RESPONSE was production-ready")])
    assert [f.code for f in judge(a, 8)[1]] == ["TQ303"]
    assert judge(a, 7)[1] == []
    assert judge(a, 8, Policy(threshold=9))[1] == []


def test_declared_counts_that_disagree_block_and_unlevelled_failures_only_warn() -> None:
    declared = [DeclaredCounts(30, {"Critical": 2, "High": 3}, "2 Critical, 3 High")]
    listed = [failure("Public bucket", "Critical")] + [failure(f"IAM wildcard {i}", "High") for i in range(4)]
    findings = judge(analysis(*listed, declared=declared), 9)[1]
    assert [(f.code, f.severity, f.line) for f in findings] == [("TQ304", Severity.ERROR, 30)]
    assert "declares 2 Critical, 3 High but lists 1 Critical, 4 High" in findings[0].message
    unlevelled = [failure("Public bucket", "Critical"), failure("IAM wildcard", None)] + listed[1:3]
    findings = judge(analysis(*unlevelled, declared=declared), 9)[1]
    assert [(f.code, f.severity) for f in findings] == [("TQ304", Severity.WARNING)]


def test_declared_counts_only_warn_when_no_failure_could_be_read() -> None:
    declared = [DeclaredCounts(30, {"Critical": 1, "High": 1}, "1 Critical, 1 High")]  # the failures were a table
    findings = judge(analysis(declared=declared), 9)[1]
    assert ("TQ304", Severity.WARNING) in [(f.code, f.severity) for f in findings]
    assert all(f.severity is Severity.WARNING for f in findings)


def test_a_numbering_gap_the_documents_own_counts_close_is_no_doubt() -> None:
    gap = (dataclasses.replace(FORMATTING[0], title="1. Code formatting"), dataclasses.replace(FORMATTING[1], title="3. Lint errors"))
    _, findings = judge(analysis(*gap), 9)
    assert [(f.code, f.severity) for f in findings] == [("TQ302", Severity.WARNING)]  # failure 2 may be significant
    declared = [DeclaredCounts(30, {"Critical": 0, "High": 0, "Medium": 0, "Low": 2}, "0 Critical, 0 High, 0 Medium, 2 Low")]
    _, findings = judge(analysis(*gap, declared=declared), 9)
    assert [(f.code, f.severity) for f in findings] == [("TQ302", Severity.ERROR)]  # it says there are two


def test_bypass_text_blocks_even_without_a_score() -> None:
    a = analysis(*SECURITY, bypasses=[Bypass(12, "no-verify", "git commit --no-verify")])
    findings = judge(a, None)[1]
    assert [(f.code, f.line) for f in findings] == [("TQ305", 12)]


def test_no_failures_allow_at_most_three_when_the_analysis_says_so() -> None:
    none_declared = [DeclaredCounts(3, {"Critical": 0, "High": 0, "Medium": 0, "Low": 0}, "0 of each")]
    b, findings = judge(analysis(declared=none_declared), 5)
    assert b.maximum == 3 and [(f.code, f.severity) for f in findings] == [("TQ302", Severity.ERROR)]
    _, findings = judge(analysis(), 9)  # nothing could be read: maybe a format the parser does not know
    assert [(f.code, f.severity) for f in findings] == [("TQ302", Severity.WARNING)]
    _, findings = judge(dataclasses.replace(analysis(), empty=True), 9)  # the template's placeholder
    assert [(f.code, f.severity) for f in findings] == [("TQ302", Severity.ERROR)]


def test_a_blocker_lowers_the_maximum_but_is_not_evidence_alone() -> None:
    b, findings = judge(analysis(failure("Wrong region", "Critical", "Deployed to eu-west-1 instead of us-east-1."), *SECURITY), 9)
    assert b.blocker and b.blocker[:2] == ("wrong-region", 5) and b.maximum == 5
    assert [(f.code, f.severity) for f in findings] == [("TQ302", Severity.WARNING)]


def test_each_check_can_warn_or_be_off() -> None:
    a = analysis(*FORMATTING, claims=[Claim(3, "excellent")])
    warn = Policy(checks=(("stated-score", "error"), ("maximum", "warning"), ("competent-claim", "off"),
                          ("declared-counts", "error"), ("bypass", "error")))
    assert [(f.code, f.severity) for f in judge(a, 9, warn)[1]] == [("TQ302", Severity.WARNING)]


def test_rubric_numbers_come_from_the_policy() -> None:
    strict = Policy(base=7, a_many=1, complexity_cap=0)
    assert judge(analysis(*SECURITY), 9, strict, Complexity(0, ()))[0].maximum == 8


def test_complexity_from_the_ideal_response() -> None:
    assert assess(None, DEFAULT).value == 2
    assert assess("The stack (see lib/tap-stack.ts) uses one S3 bucket.", DEFAULT).value == 2  # no code to read
    rich = "```ts\nnew s3.Bucket(...); new lambda.Function(...); new dynamodb.Table(...); encryption: KMS; multiAz: true\n```"
    assert assess(rich, DEFAULT).value == 2
    single = assess('```hcl\nresource "aws_s3_bucket" "logs" {}\n```', DEFAULT)
    assert single.value == -1 and "a single service: S3" in single.evidence[0]
    # a plain single-service task with B fixes supports no more than 7
    b, findings = judge(analysis(failure("Bucket versioning configuration", "Medium")), 8, complexity=single)
    assert b.maximum == 7 and [f.code for f in findings] == ["TQ302"]


def test_keyless_ci_credentials_are_a_security_practice() -> None:
    workflow = ("```yaml\npermissions:\n  id-token: write\n  contents: read\nsteps:\n  - uses: aws-actions/configure-aws-credentials@v4\n"
                "    with:\n      role-to-assume: arn:aws:iam::123456789012:role/deploy\n```")
    assert "+1 security practices: id-token: write, role-to-assume" in assess(workflow, DEFAULT).evidence


def test_a_service_is_read_from_the_code_not_from_a_word_that_holds_its_name() -> None:
    code = "```ts\n{}\n```"
    assert "ECR" not in assess(code.format("const secret = decrypt(key);"), DEFAULT).evidence[0]  # holds "ecr"
    assert "ECR" in assess(code.format('resource "aws_ecr_repository" "app" {}'), DEFAULT).evidence[0]


def test_a_stated_score_next_to_the_metadata_score_may_be_history() -> None:
    a = analysis(*SECURITY, scores=[StatedScore(7, 7.0, "Training Quality: 9/10 (up from 7/10)"), StatedScore(7, 9.0, "9/10")])
    findings = judge(a, 9)[1]
    assert [(f.code, f.severity) for f in findings] == [("TQ301", Severity.WARNING)]
    assert "earlier or a target score" in findings[0].message


def test_a_claim_next_to_several_critical_fixes_only_warns() -> None:
    claim = [Claim(3, "The fixes produced a production-ready stack")]
    findings = judge(analysis(*SECURITY, claims=claim), 9)[1]
    assert [(f.code, f.severity) for f in findings] == [("TQ303", Severity.WARNING)]
    assert "2 Critical/High fixes" in findings[0].message
    # Critical formatting fixes do not make the claim doubtful
    labelled = [failure("Code formatting", "Critical"), failure("Lint errors", "High")]
    assert [(f.code, f.severity) for f in judge(analysis(*labelled, claims=claim), 5)[1]] == []
    assert ("TQ303", Severity.ERROR) in [(f.code, f.severity) for f in judge(analysis(*labelled, claims=claim), 8)[1]]


def test_numbering_gaps_make_a_count_mismatch_uncertain() -> None:
    declared = [DeclaredCounts(30, {"High": 3}, "3 High")]
    read = [failure("1. IAM wildcard", "High"), failure("3. Public bucket", "High")]  # item 2 could not be read
    findings = judge(analysis(*read, declared=declared), 9)[1]
    assert [(f.code, f.severity) for f in findings] == [("TQ304", Severity.WARNING)]
    assert "numbered up to 3 but 2 could be read" in findings[0].message


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Missing Integration Tests", "C"),  # tests, not a broken integration
        ("Broken SQS integration with the Lambda", "A"),
        ("Inefficient lookups in console output", "B"),  # not a stack output: the Medium level stands in
        ("Missing CloudFormation outputs", "C"),
        ("Hard-coded database password", "A"),  # security wins over a hard-coded value
        ("Hard-coded AMI id", "C"),
        ("Missing CloudWatch alarms", "A"),
        ("Removal policy on the table", "B"),
    ],
)
def test_titles_read_as_what_the_fix_is(title: str, category: str) -> None:
    assert categorize(failure(title, "Medium"), DEFAULT).category == category


@pytest.mark.parametrize("title", ["Missing Internet Gateway and Routing Infrastructure", "Pulumi Output passed into the container definitions"])
def test_a_word_inside_another_does_not_decide_the_category(title: str) -> None:
    judged = categorize(failure(title, "Critical"), DEFAULT)  # not "structure", not a stack output: the level stands in
    assert (judged.category, judged.generous) == ("A", "A") and "does not tell" in judged.reason


def test_the_word_format_in_the_text_is_not_a_formatting_fix() -> None:
    judged = categorize(failure("Bucket policy error", "Critical", "The ARN format of the bucket policy was wrong."), DEFAULT)
    assert judged.category == "A"  # the text does not tell: the Critical level stands in


def test_numbering_gaps_make_the_maximum_uncertain() -> None:
    read = [failure("2. Integration test SDK calls", "Low")]  # item 1 could not be read: it could be anything
    b, findings = judge(analysis(*read), 10)
    assert (b.maximum, b.generous_maximum) == (6, 10)
    assert [(f.code, f.severity) for f in findings] == [("TQ302", Severity.WARNING)]
    assert "numbered up to 2 but 1 could be read" in findings[0].message


def test_a_claim_in_a_failures_own_text_only_warns() -> None:
    claim = Claim(19, "The model used production-grade db.r6g.large instances for a test environment.", in_failure=True)
    findings = judge(analysis(SECURITY[0], claims=[claim]), 9)[1]
    assert [(f.code, f.severity) for f in findings] == [("TQ303", Severity.WARNING)]
    assert "a failure's own text" in findings[0].message
