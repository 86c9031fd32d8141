"""check-training-quality as a hook: what the commit holds (the index), the policy, and the real pre-commit."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from hooks.cli import main
from tests.conftest import EXAMPLE_FILES, PROJECT, PreCommit, Repo

CASES = EXAMPLE_FILES / "hooks"
FORMATTING = CASES / "positive" / "check-training-quality" / "two-formatting-fixes-scored-5"
SECURITY = CASES / "positive" / "check-training-quality" / "two-security-fixes-scored-9"


def put(repo: Repo | Path, case: Path, score: int | None = None) -> None:
    """Copy a fixture task to task/ in a repository or folder, optionally with another training_quality."""
    top = repo.path if isinstance(repo, Repo) else repo
    for source in case.rglob("*"):
        if source.is_file():
            text = source.read_text()
            if source.name == "metadata.json" and score is not None:
                text = re.sub(r'"training_quality": \d+', f'"training_quality": {score}', text)
            target = top / "task" / source.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)


def hook(*files: str) -> int:
    return main(["check-training-quality", *files])


def test_the_staged_version_is_checked_not_the_working_tree(repo: Repo, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo.path)
    put(repo, FORMATTING, score=9)
    repo.git("add", "-A")
    put(repo, FORMATTING)  # the working tree is fixed, but not staged
    assert hook("task/metadata.json") == 1
    assert "task/metadata.json:10:23: TQ302 task 'task': training_quality 9 is above 6" in capsys.readouterr().out
    repo.git("add", "-A")
    assert (hook("task/metadata.json"), capsys.readouterr().out) == (0, "")


def test_staging_only_metadata_is_checked_against_the_committed_analysis(repo: Repo, monkeypatch: pytest.MonkeyPatch,
                                                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo.path)
    put(repo, FORMATTING)
    assert repo.commit("two formatting fixes, scored 5").returncode == 0
    put(repo, FORMATTING, score=9)
    repo.git("add", "task/metadata.json")
    repo.write("task/lib/MODEL_FAILURES.md", (SECURITY / "lib/MODEL_FAILURES.md").read_text())  # not staged
    assert hook("task/metadata.json") == 1
    assert "TQ302 task 'task': training_quality 9 is above 6" in capsys.readouterr().out


def test_outside_a_repository_the_files_on_disk_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, FORMATTING, score=9)
    assert hook("task/metadata.json", "task/lib/MODEL_FAILURES.md") == 1
    out = capsys.readouterr().out
    assert out.count("TQ302") == 1  # one task, however many of its files were named


def test_policy_from_pyproject_and_args(repo: Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo.path)
    put(repo, FORMATTING, score=7)
    repo.git("add", "-A")
    assert hook("task/metadata.json") == 1  # the default maximum is 6
    capsys.readouterr()
    repo.write("pyproject.toml", "[tool.training-quality]\nc-penalties = {1 = -3}\n")
    assert (hook("task/metadata.json"), capsys.readouterr().out) == (0, "")
    assert main(["check-training-quality", "--set", "check.maximum=warning", "--set", "c-penalties=1=-5", "task/metadata.json"]) == 0
    assert "TQ302 warning: task 'task': training_quality 7 is above 5" in capsys.readouterr().out


def test_a_bad_setting_is_a_configuration_error(repo: Repo, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo.path)
    put(repo, FORMATTING)
    repo.git("add", "-A")
    repo.write("setup.cfg", "[training-quality]\nthreshold = high\n")
    assert hook("task/metadata.json") == 2
    err = capsys.readouterr().err
    assert "setup.cfg:2: error: setting 'threshold'" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("setup.cfg", "[training-quality\nthreshold = 9\n",
         "1: error: not a [section] header, which must come first: '[training-quality'; correct that line"),
        ("setup.cfg", "[training-quality]\nbase = 7\nbase = 6\n",
         "3: error: a setting given twice in its section: 'base = 6'; correct that line"),
        ("setup.cfg", "[training-quality]\nbase = 7\n\nthreshold = nine\n",
         "4: error: setting 'threshold': expected a whole number, not 'nine'"),
        ("pyproject.toml", "[tool.training-quality]\nthreshold = 9\nbase = = 8\n",
         "3: error: not valid TOML at column 8: Invalid value; correct the syntax"),
        ("pyproject.toml", '[tool.black]\nline-length = 1\n\n[tool.training-quality]\n# the bar\nthreshold = "nine"\n',
         "6: error: setting 'threshold': expected a whole number, not 'nine'"),
        ("pyproject.toml", '[tool.training-quality]\n\n[tool.training-quality.checks]\nmaximum = "loud"\n',
         "3: error: setting 'checks': maximum must be one of error, warning, off, not 'loud'"),
    ],
)
def test_a_broken_config_file_is_named_by_file_and_line(repo: Repo, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str], name: str, text: str,
                                                        said: str) -> None:
    monkeypatch.chdir(repo.path)
    put(repo, FORMATTING)
    repo.write(name, text)
    assert main(["check", "task"]) == 2
    assert capsys.readouterr().err == f"training-quality: {repo.path / name}:{said}\n"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--bogus"], "training-quality: error: unrecognized arguments: --bogus"),
        (["check", "--bogus"], "training-quality check: error: unrecognized arguments: --bogus"),
        (["check-commit-attested"], "training-quality check-commit-attested: error: the following arguments are required: MSG_FILE"),
    ],
)
def test_a_usage_error_names_what_the_user_typed_or_left_out(capsys: pytest.CaptureFixture[str], argv: list[str],
                                                             said: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2 and capsys.readouterr().err.splitlines()[-1] == said


def test_explain_prints_the_reviewers_breakdown(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES / "negative" / "check-training-quality" / "tq302-critical-label-on-formatting"
    assert main(["explain", str(case)]) == 1
    out = capsys.readouterr().out
    for line in ("- base: 8", "[Critical] -> C: the title reads as lint/format; its 'Critical' label does not change",
                 "- adjustment: -4 (every fix is category C (2): -4)", "- complexity: +2", "+1 services used",
                 "- maximum: 6", "- claimed: 9", "**Verdict: blocked**", "TQ302"):
        assert line in out
    assert main(["explain", str(SECURITY)]) == 0
    assert "**Verdict: passes**" in capsys.readouterr().out


def test_check_reports_each_task(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(CASES / "positive" / "check-training-quality")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("checked 4 task(s): 4 passed, 0 blocked")


def test_check_and_explain_show_an_odd_folder_name_escaped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A task folder whose name carries a terminal's colour code is named with the code escaped."""
    odd = tmp_path / "x\x1b[31m"
    put(odd, SECURITY)
    assert main(["check", str(odd)]) == 0
    out = capsys.readouterr().out
    assert "  passed: " in out and "x\\x1b[31m/task (training_quality 9" in out and "\x1b" not in out
    assert main(["explain", str(odd / "task")]) == 0
    out = capsys.readouterr().out
    assert "### training_quality of `" in out and "x\\x1b[31m/task`" in out and "\x1b" not in out


def test_the_suggested_explain_command_works_when_copied(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """A folder with spaces and an accent is quoted for the shell; a plain one is left as it is."""
    monkeypatch.chdir(repo.path)
    put(repo, FORMATTING, score=9)
    put(repo.path / "x y", FORMATTING, score=9)
    (repo.path / "x y" / "task").rename(repo.path / "x y" / "bad é")
    suggested = {}
    for folder in ("task", "x y/bad é"):
        assert main(["check", folder]) == 1
        suggested[folder] = re.findall(r"\(`(training-quality [^`]*)` shows the breakdown\)", capsys.readouterr().out)
    assert suggested == {"task": ["training-quality explain task"], "x y/bad é": ["training-quality explain 'x y/bad é'"]}
    command = tmp_path / "bin" / "training-quality"  # this checkout's, whatever is installed
    command.parent.mkdir()
    command.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m hooks "$@"\n')
    command.chmod(0o755)
    as_pasted = subprocess.run(["sh", "-c", suggested["x y/bad é"][0]], env={"PATH": f"{command.parent}:/usr/bin:/bin", "PYTHONPATH": str(PROJECT)},
                               cwd=repo.path, capture_output=True, text=True)
    assert as_pasted.returncode == 1, as_pasted.stderr
    assert "### training_quality of `x y/bad é`" in as_pasted.stdout and "**Verdict: blocked**" in as_pasted.stdout


def test_commit_refused_or_accepted_by_the_real_pre_commit(pre_commit: PreCommit) -> None:
    pre_commit.configure("check-training-quality")
    repo = pre_commit.repo
    put(repo, FORMATTING, score=9)
    refused = repo.commit("inflated score")
    assert refused.returncode == 1
    assert "task/metadata.json:10:23: TQ302 task 'task': training_quality 9 is above 6" in refused.stdout + refused.stderr
    assert repo.git("rev-parse", "--verify", "-q", "HEAD", check=False).returncode != 0

    put(repo, FORMATTING)
    accepted = repo.commit("a score the analysis supports")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr

    # only metadata.json is staged: it is checked against the MODEL_FAILURES.md already committed
    put(repo, FORMATTING, score=8)
    repo.git("add", "task/metadata.json")
    repo.write("task/lib/MODEL_FAILURES.md", (SECURITY / "lib/MODEL_FAILURES.md").read_text())
    only_metadata = repo.git("commit", "-q", "-m", "raise the score", check=False)
    assert only_metadata.returncode == 1
    assert "training_quality 8 is above 6" in only_metadata.stdout + only_metadata.stderr
    assert repo.git("log", "--format=%s").stdout.strip() == "a score the analysis supports"


@pytest.mark.parametrize("value, code", [("1e999", "TQ103"), ("9" * 5000, "TQ101")])
def test_a_score_no_number_type_holds_is_a_finding_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str], value: str, code: str) -> None:
    monkeypatch.chdir(tmp_path)
    put(tmp_path, FORMATTING, score=9)
    meta = tmp_path / "task" / "metadata.json"
    meta.write_text(meta.read_text().replace('"training_quality": 9', f'"training_quality": {value}'))
    assert hook("task/metadata.json") == 1
    assert re.search(rf"^task/metadata\.json:10:23: {code} not strict JSON: ", capsys.readouterr().out, re.M)


def test_a_task_that_is_not_there_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert hook("tsak/metadata.json") == 2  # mistyped: no clean pass
    assert "tsak: error: no task here: none of metadata.json, lib/MODEL_FAILURES.md, lib/IDEAL_RESPONSE.md exists" in capsys.readouterr().err
    (tmp_path / "tasks").mkdir()
    assert main(["check", "tasks"]) == 2  # a folder with no task in it: no "checked 0 task(s)" pass
    assert "tasks: error: no task here: no metadata.json or lib/MODEL_FAILURES.md under it" in capsys.readouterr().err
    (tmp_path / "README.md").write_text("# notes\n")
    assert main(["check", "README.md"]) == 2  # a file that is no task file: no "checked 0 task(s)" pass either
    assert "README.md: error: not a task file: give a task folder or one of metadata.json" in capsys.readouterr().err


def test_a_reader_that_stops_early_ends_the_output_quietly() -> None:
    """`training-quality check ... | head -1`: the closed pipe ends the run without a traceback."""
    proc = subprocess.Popen([sys.executable, "-m", "hooks", "check", str(CASES / "negative")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # no reader: the first line written meets a broken pipe
    err = proc.stderr.read().decode()
    assert (proc.wait(), err) == (141, "")
