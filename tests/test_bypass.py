"""Hook-bypass and score-editing text, wherever it leaked: analyses, metadata, commit messages."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hooks.bypass import find
from hooks.cli import main
from tests.conftest import EXAMPLE_FILES

SCORED_9 = EXAMPLE_FILES / "hooks" / "positive" / "check-training-quality" / "two-security-fixes-scored-9"


def kinds(text: str) -> list[tuple[int, str]]:
    return [(b.line, b.kind) for b in find(text)]


@pytest.mark.parametrize(
    "line",
    [
        "git commit --no-verify -m 'fix'",
        "git commit -n -m fix",
        "git commit -anm 'achieve 9/10'",
        "git commit -m fix -n",
        "git -C task commit --no-veri -m x",  # git takes an unambiguous prefix
        "git commit \u2014no-verify -m x",  # em dash
        "git commit \u2013\u2013no-verify",  # en dashes
        "git commit \u2212n",  # minus sign
        "git commit \u2010\u2010no\u2011verify",  # U+2010 hyphens
        "git commit --no\u200b-verify",  # zero-width space
        "git co\u200dmmit -n",  # zero-width joiner inside the word
        "git push --no-verify origin main",
    ],
)
def test_commits_that_skip_the_hooks(line: str) -> None:
    assert kinds(line) == [(1, "no-verify")]


@pytest.mark.parametrize(
    "line",
    [
        "curl --no-verify-ssl https://example.com",
        "pip install --no-verify-ssl pkg",
        "git commit -m '-n'",
        "git commit -am fix",
        "git log -n 3",
        "The deploy used --no-verify-certs",
        "git commit --amend --no-edit",
    ],
)
def test_look_alikes_that_do_not_skip_hooks(line: str) -> None:
    assert kinds(line) == []


def test_lines_are_numbered_as_editors_number_them() -> None:
    """Only lines that could hold evidence are read closely; each keeps its number (CRLF, CR, LF)."""
    text = "intro\r\nsecond\rthird\n\nEOF && jq '.training_quality = 9' m.json\r\nplain\ngit commit \u2014no-verify"
    assert kinds(text) == [(5, "heredoc-tail"), (5, "score-edit"), (7, "no-verify")]


def test_a_message_that_mentions_no_verify_still_counts_when_the_flag_is_outside_it() -> None:
    assert kinds("git commit -m 'use --no-verify never'") == [(1, "no-verify")]  # the bare flag is evidence enough


@pytest.mark.parametrize(
    "line",
    [
        "jq '.training_quality = 9' metadata.json > metadata.json.tmp",
        "jq '.training_quality |= 9' metadata.json",
        "sed -i 's/\"training_quality\": 6/\"training_quality\": 9/' metadata.json",
        "python3 -c \"import json; d=json.load(open('metadata.json')); d['training_quality'] = 9\"",
        "data[\"training_quality\"] = 10",
        "jq '. + {\"training_quality\": 9}' metadata.json > tmp.json && mv tmp.json metadata.json",
        "sed -i '/training_quality/c\\  \"training_quality\": 9,' metadata.json",
        "perl -pi -e 's/\"training_quality\": \\d+/\"training_quality\": 9/' metadata.json",
        "jq 'setpath([\"training_quality\"]; 9)' metadata.json | sponge metadata.json",
        "python3 -c \"import json; d=json.load(open('metadata.json')); d.update(training_quality=9); "
        "json.dump(d, open('metadata.json','w'))\"",
        "sed -i -E '/\"training_quality\"/s/[0-9]+/9/' metadata.json",  # the field in the address, then `s`
    ],
)
def test_scripts_that_rewrite_the_score(line: str) -> None:
    assert kinds(line) == [(1, "score-edit")]


@pytest.mark.parametrize(
    "text",
    ['{\n  "training_quality": 9\n}', "Training Quality Score: 9/10", "training_quality == 9 in the check", "**Recommended Score**: training_quality = 6/10"],
)
def test_stating_a_score_is_not_editing_it(text: str) -> None:
    assert kinds(text) == []


@pytest.mark.parametrize(
    "line",
    [
        "jq .training_quality metadata.json",
        "jq '.training_quality' metadata.json",
        "jq -r '.training_quality' metadata.json > score.txt",
        "grep training_quality metadata.json",
        "sed -n '/training_quality/p' metadata.json",
        "perl -MJSON -e 'print decode_json(<>)->{training_quality}' metadata.json",
        "jq .training_quality metadata.json && mv notes.txt old.txt",
        "Set training_quality to 9 in metadata.json",
    ],
)
def test_reading_the_score_is_not_editing_it(line: str) -> None:
    assert kinds(line) == []


def test_a_leaked_heredoc_tail_and_everything_on_its_line() -> None:
    text = "- Total failures: 1 Low\nEOF && jq '.training_quality = 9' metadata.json > m && git commit --no-verify -m x\n"
    assert kinds(text) == [(2, "heredoc-tail"), (2, "no-verify"), (2, "score-edit")]
    assert find(text)[1].text.startswith("git commit --no-verify")
    assert kinds("EOF; HUSKY=0 git push") == [(1, "heredoc-tail"), (1, "skip-hooks")]


@pytest.mark.parametrize(
    "line", ["CRITICAL: Required fields missing", "EOF", "NOTE - read this", "| EOF | && |", "TL;DR Failures in NOVA tests"]
)
def test_capitals_that_are_no_heredoc_tail(line: str) -> None:
    assert kinds(line) == []


def test_options_before_commit_and_sed_commands_are_still_read() -> None:
    assert kinds("git -c core.hooksPath=/dev/null --no-pager -C task commit -n -m x") == [(1, "no-verify"), (1, "skip-hooks")]
    assert kinds("git --a --b commitment") == []
    assert kinds("cd t && sed -i 's/\"training_quality\": 7/\"training_quality\": 9/' metadata.json") == [(1, "score-edit")]
    assert kinds("training_quality stays; sed -n p notes.txt") == []


def check_with_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str], shell: str) -> tuple[int, str, int]:
    """`training-quality check` on a task scored 9 whose analysis ends with this ```sh fence: the exit
    code, the output, and the line the shell text starts on."""
    task = tmp_path / "task"
    shutil.copytree(SCORED_9, task)
    analysis = task / "lib" / "MODEL_FAILURES.md"
    text = analysis.read_text()
    analysis.write_text(text + f"\n```sh\n{shell}\n```\n")
    code = main(["check", str(task)])
    return code, capsys.readouterr().out, text.count("\n") + 3


def test_check_blocks_a_task_whose_analysis_set_the_score_with_a_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, line = check_with_shell(tmp_path, capsys, "jq 'setpath([\"training_quality\"]; 9)' metadata.json | sponge metadata.json")
    assert code == 1
    assert f"MODEL_FAILURES.md:{line}:1: TQ305" in out and "command that edits training_quality by hand ('jq \\'setpath(" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Steps:\ngit commit \\\n  -n -m update\n", [(2, "no-verify", "git commit   -n -m update")]),
        ("git \\\r\n  commit \\\r\n  --no-verify\r\n", [(1, "no-verify", "git   commit   --no-verify")]),
        ("jq '.training_quality = 9' metadata.json \\\n  > t && mv t metadata.json", [(1, "score-edit", "jq '.training_quality = 9' metadata.json   > t && mv t metadata.json")]),
        ("cat <<EOF > x.md\nlast line \\\nEOF && git commit -n", [(3, "heredoc-tail", "EOF && git commit -n"), (3, "no-verify", "git commit -n")]),
    ],
)
def test_a_command_continued_over_lines_is_read_whole_where_it_starts(text: str, expected: list[tuple[int, str, str]]) -> None:
    assert [(b.line, b.kind, b.text) for b in find(text)] == expected


def test_continued_lines_that_skip_no_hook_stay_unflagged() -> None:
    assert kinds("git commit \\\n  -m '-n'\n") == []
    assert kinds("curl \\\n  --no-verify-ssl https://example.com") == []


def test_check_blocks_a_commit_continued_onto_the_next_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, line = check_with_shell(tmp_path, capsys, "git commit \\\n  -n -m update")
    assert code == 1
    assert f"MODEL_FAILURES.md:{line}:1: TQ305" in out and "hook-bypass command ('git commit   -n -m update')" in out


@pytest.mark.parametrize(
    "line",
    [
        "Committed with git commit \\-\\-no-verify -m update",  # markdown escapes
        "Committed with git commit &#45;&#45;no-verify -m update",  # HTML entities
        "Committed with git commit &hyphen;&#x2d;no-verify -m update",
        "Committed with git commit --no-*verify* -m update",  # emphasis inside the word
        "Committed with git commit --no-_verify_ -m update",
        "Committed with git co**mm**it -n -m update",
        "Committed with git commit --no-ve<!-- -->rify -m update",  # an inline comment
        "Committed with git commit &mdash;no-verify",  # an entity for a look-alike dash
    ],
)
def test_markup_that_renders_as_a_bypass_is_one(line: str) -> None:
    assert kinds(f"intro\n\n{line}\n") == [(3, "no-verify")]


def test_markup_is_read_as_shown_but_lines_stay_where_they_were() -> None:
    text = "a &#10; b\n`x` &#13;\nnote\\-\\-\ngit commit \\-\\-no-verify"
    assert [(b.line, b.kind, b.text) for b in find(text)] == [(4, "no-verify", "git commit --no-verify")]


@pytest.mark.parametrize(
    "line",
    [
        "curl \\-\\-no-verify-ssl https://example.com",
        "git commit -m \"\\-n\"",
        "The prod-\\-\\- naming convention; **Impact**: the *commit* history",
        "git commit -m 'a &amp;&amp; b'",
        "2*3*4 = 24 and training_quality stays 8",
    ],
)
def test_markup_that_renders_as_no_bypass_is_none(line: str) -> None:
    assert kinds(line) == []


def test_check_blocks_an_escaped_no_verify_in_prose(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    task = tmp_path / "task"
    shutil.copytree(SCORED_9, task)
    analysis = task / "lib" / "MODEL_FAILURES.md"
    text = analysis.read_text()
    analysis.write_text(text + "\nCommitted with git commit \\-\\-no-verify -m update\n")
    assert main(["check", str(task)]) == 1
    out = capsys.readouterr().out
    assert f"MODEL_FAILURES.md:{text.count(chr(10)) + 2}:1: TQ305" in out and "('git commit --no-verify -m update')" in out


@pytest.mark.parametrize(
    "line",
    [
        'git -c core.hooksPath=/dev/null commit -m "update"',
        "git -C task -c core.hookspath=.none push origin main",
        "git config core.hooksPath /dev/null",
        "git config --global core.hooksPath /dev/null",
        "git config core.hooksPath .githooks && git commit -m x",
        'SKIP=check-training-quality,check-commit-attested git commit -m "update"',
        "env SKIP=check-training-quality git commit -m x",
        "export SKIP=check-model-failures && git commit -m x",
        "HUSKY=0 git commit -m x",
        "HUSKY=0 git push",
        "HUSKY_SKIP_HOOKS=1 git commit -m x",
    ],
)
def test_commands_that_switch_the_hooks_off(line: str) -> None:
    assert kinds(f"Then:\n{line}\n") == [(2, "skip-hooks")]


@pytest.mark.parametrize(
    "line",
    [
        "SKIP this step if the stack already exists",
        "We SKIP the flaky test; git commit afterwards",
        "SKIP=lint make test",
        "MY_SKIP=1 git commit -m x",
        "HUSKY=1 git commit -m x",
        "git config --get core.hooksPath",
        "git config core.hooksPath",
        "git config --unset core.hooksPath",
        "Added `\"prepare\": \"git config core.hooksPath .githooks\"` to package.json, so every clone runs the lint hooks.",
        "git -c user.name=bot commit -m x",
    ],
)
def test_look_alikes_that_leave_the_hooks_on(line: str) -> None:
    assert kinds(line) == []


def test_check_blocks_a_commit_with_the_hooks_switched_off(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, line = check_with_shell(tmp_path, capsys, 'SKIP=check-training-quality,check-commit-attested git commit -m "update"')
    assert code == 1
    assert f"MODEL_FAILURES.md:{line}:1: TQ305" in out and "command that switches the hooks off (SKIP=, HUSKY=0, core.hooksPath)" in out


def test_check_model_failures_names_the_hooks_switched_off(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "MODEL_FAILURES.md"
    path.write_text("# Model Failures\n\nCommitted with `git -c core.hooksPath=/dev/null commit -m update`.\n")
    assert main(["check-model-failures", str(path)]) == 1
    assert f"{path}:3:1: TQ203 hook-bypass text, a commit or push with the hooks switched off" in capsys.readouterr().out
