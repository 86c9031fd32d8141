"""The content hooks where pre-commit names a commit (pre-push, `run --from-ref --to-ref`): they
judge the tree of PRE_COMMIT_TO_REF, never the index or the working tree."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hooks.cli import main
from tests.conftest import PreCommit, Repo, git
from tests.test_training_quality_hook import CASES, SECURITY, put

LEAKED = CASES / "negative" / "check-training-quality" / "tq305-leaked-heredoc-and-no-verify"
CONTENT_HOOKS = {  # each with the files pre-commit passes it
    "check-metadata": ("task/metadata.json",),
    "check-model-failures": ("task/lib/MODEL_FAILURES.md",),
    "check-training-quality": ("task/metadata.json", "task/lib/MODEL_FAILURES.md"),
}


def put_blocked(repo: Repo) -> None:
    """A task every content hook blocks: a score as a string, an analysis with a leaked shell command."""
    put(repo, SECURITY)
    repo.write("task/lib/MODEL_FAILURES.md", (LEAKED / "lib/MODEL_FAILURES.md").read_text())
    meta = repo.path / "task/metadata.json"
    meta.write_text(meta.read_text().replace('"training_quality": 9', '"training_quality": "9"'))


def run_all(capsys: pytest.CaptureFixture[str]) -> tuple[list[int], str, str]:
    """Each content hook's exit code, and what they printed to stdout and stderr."""
    codes = [main([hook, *files]) for hook, files in CONTENT_HOOKS.items()]
    return codes, *capsys.readouterr()


def test_each_content_hook_reads_the_commit_pre_commit_names(repo: Repo, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo.path)
    put(repo, SECURITY)
    assert repo.commit("a task scored 9").returncode == 0
    good = repo.head()
    put_blocked(repo)
    assert repo.commit("blocked").returncode == 0
    blocked = repo.head()
    put(repo, SECURITY)
    repo.git("add", "-A")  # the fix is staged, not committed
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", good)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", blocked)
    codes, out, _ = run_all(capsys)
    assert codes == [1, 1, 1]
    assert "task/metadata.json:10:23: TQ110" in out  # check-metadata: the committed string score
    assert "task/lib/MODEL_FAILURES.md:26:1: TQ203 a leaked heredoc end" in out  # check-model-failures
    assert "task/lib/MODEL_FAILURES.md:26:1: TQ305 task 'task'" in out  # check-training-quality

    shutil.rmtree(repo.path / "task")  # not in the working tree, nor (staged) in the index: read from the commit
    repo.git("add", "-A")
    codes, out, _ = run_all(capsys)
    assert codes == [1, 1, 1] and "TQ203" in out and "TQ305" in out

    put_blocked(repo)  # what the index and the working tree hold is not pushed
    repo.git("add", "-A")
    monkeypatch.setenv("PRE_COMMIT_TO_REF", good)
    assert run_all(capsys) == ([0, 0, 0], "", "")


def test_a_file_the_pushed_commit_does_not_hold_is_deleted_there(repo: Repo, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo.path)
    put_blocked(repo)
    assert repo.commit("blocked").returncode == 0
    repo.git("rm", "-q", "-r", "task")
    assert repo.commit("remove the task").returncode == 0
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "HEAD~1")
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "HEAD")
    put_blocked(repo)  # back in the working tree and the index, not in the commit
    repo.git("add", "-A")
    assert run_all(capsys) == ([0, 0, 0], "", "")


def test_the_pushed_ref_must_name_a_commit_in_this_repository(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo.path)
    put(repo, SECURITY)
    assert repo.commit("a task").returncode == 0
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "--output=/tmp/x")
    codes, _, err = run_all(capsys)
    assert codes == [2, 2, 2] and err.count("error: not a commit: '--output=/tmp/x'") == 3
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "HEAD")
    put(tmp_path / "elsewhere", SECURITY)  # in no commit: not read from disk in its place
    outside = str(tmp_path / "elsewhere" / "task" / "metadata.json")
    assert [main([hook, outside]) for hook in ("check-metadata", "check-training-quality")] == [2, 2]
    assert capsys.readouterr().err.count("error: outside the repository, so in no commit") == 2


def test_a_push_judges_what_it_pushes_through_the_real_pre_commit(pre_commit: PreCommit, tmp_path: Path) -> None:
    pre_commit.configure(*CONTENT_HOOKS, install=("pre-commit", "pre-push"))
    repo = pre_commit.repo
    git(tmp_path, "init", "-q", "--bare", "remote.git")
    repo.git("remote", "add", "origin", str(tmp_path / "remote.git"))
    put(repo, SECURITY)
    assert repo.commit("a task scored 9").returncode == 0
    repo.git("push", "-q", "-u", "origin", "main")

    put(repo, SECURITY, score=8)
    repo.write("task/lib/MODEL_FAILURES.md", (SECURITY / "lib/MODEL_FAILURES.md").read_text() + "\nReviewed twice.\n")
    lowered = repo.commit("lower the score")
    assert lowered.returncode == 0, lowered.stdout + lowered.stderr
    put_blocked(repo)
    repo.git("add", "-A")  # work in progress, staged, not committed
    honest = repo.git("push", "-q", "origin", "main", check=False)
    assert honest.returncode == 0, honest.stdout + honest.stderr

    assert repo.commit("blocked", "--no-verify").returncode == 0
    put(repo, SECURITY, score=8)
    repo.git("add", "-A")  # the fix, staged, not committed
    refused = repo.git("push", "-q", "origin", "main", check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    for finding in ("task/metadata.json:10:23: TQ110", "task/lib/MODEL_FAILURES.md:26:1: TQ203 a leaked heredoc end",
                    "task/lib/MODEL_FAILURES.md:26:1: TQ305 task 'task'"):
        assert finding in output

    # another branch pushed while main, fixed, is checked out: the pushed branch's tree is judged
    repo.git("branch", "blocked")
    assert repo.commit("fix").returncode == 0
    other = repo.git("push", "-q", "origin", "blocked", check=False)
    assert other.returncode != 0 and "TQ305 task 'task'" in other.stdout + other.stderr
    fixed = repo.git("push", "-q", "origin", "main", check=False)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


def test_a_push_that_holds_a_root_commit_is_judged_by_the_pushed_branch(repo: Repo, monkeypatch: pytest.MonkeyPatch,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo.path)
    put(repo, SECURITY)
    assert repo.commit("a task scored 9").returncode == 0
    put_blocked(repo)
    repo.git("add", "-A")  # work in progress, staged on the branch checked out
    monkeypatch.setenv("PRE_COMMIT_REMOTE_NAME", "origin")  # a first push: pre-commit names no range, only the branch
    monkeypatch.setenv("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/" + repo.git("branch", "--show-current").stdout.strip())
    codes, out, _ = run_all(capsys)
    assert codes == [0, 0, 0], out
