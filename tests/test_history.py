"""The history audit on real git repositories: what it finds, where it looks, and what it remembers."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from hooks.cli import main
from hooks.report import ConfigError
from tests.conftest import PreCommit, Repo, git

META = """{
  "platform": "cdk", "language": "ts", "complexity": "hard", "turn_type": "single",
  "po_id": "audit", "team": "synth", "startedAt": "2025-06-02T10:15:00Z",
  "subtask": "Security, Compliance, and Governance", "training_quality": SCORE
}
"""
FAILURES = """# Model Response Failures Analysis

The MODEL_RESPONSE left customer data readable by anyone and the Lambda able to do anything.

### 1. Public S3 bucket holding customer exports

**Impact Level**: Critical

**MODEL_RESPONSE Issue**: The exports bucket was public and unencrypted.

**IDEAL_RESPONSE Fix**: Blocked public access and encrypted the bucket with a KMS key.

### 2. Lambda role with `*:*` permissions

**Impact Level**: High

**MODEL_RESPONSE Issue**: The role allowed every action on every resource.

**IDEAL_RESPONSE Fix**: Scoped the role to least privilege.

## Summary

- Total failures: 1 Critical, 1 High, 0 Medium, 0 Low
"""
LEAK = "EOF && jq '.training_quality = 9' metadata.json > m.tmp && mv m.tmp metadata.json && git commit --no-verify -m 'fix'\n"


def put_task(repo: Repo, root: str, score: int | str = 9, failures: str = FAILURES) -> None:
    prefix = f"{root}/" if root else ""
    repo.write(f"{prefix}metadata.json", META.replace("SCORE", json.dumps(score)))
    repo.write(f"{prefix}lib/MODEL_FAILURES.md", failures)


def commit(repo: Repo, message: str, *flags: str) -> str:
    done = repo.commit(message, *flags)
    assert done.returncode == 0, done.stderr
    return repo.head()


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    """`training-quality ARGV...` in a folder: (exit code, stdout, stderr)."""

    def run_in(where: Repo | Path, *argv: str) -> tuple[int, str, str]:
        monkeypatch.chdir(where.path if isinstance(where, Repo) else where)
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run_in


def findings(out: str, code: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(rf"[^ ].*:\d+:\d+: {code} ", line)]


Leaked = tuple[Repo, str, str]


@pytest.fixture
def leaked(repo: Repo) -> Leaked:
    """A clean task commit, then one made with --no-verify that leaks the command that scored it."""
    put_task(repo, "task")
    clean = commit(repo, "add the task")
    put_task(repo, "task", failures=FAILURES + LEAK)
    bad = commit(repo, "analysis", "--no-verify")
    return repo, clean, bad


def test_a_commit_made_past_the_hooks_is_found(leaked: Leaked, run: Run) -> None:
    repo, clean, bad = leaked
    code, out, _ = run(repo, "audit", "--all")
    assert code == 1
    state = findings(out, "TQ401")
    assert state and all(bad[:10] in line for line in state)
    assert all(line.startswith("task/") for line in state)
    added = findings(out, "TQ403")
    assert len(added) == 1 and added[0].startswith("task/lib/MODEL_FAILURES.md:24:1: TQ403 commit ")
    assert "heredoc-tail, no-verify, score-edit text" in added[0] and "Test Author" in added[0]
    assert clean[:10] not in out
    assert "audited 2 commit(s)" in out


def test_bypass_text_is_blamed_on_the_commit_that_adds_any_line_of_it(repo: Repo, run: Run) -> None:
    """A command continued over lines is one command: adding `--no-verify` under an old `git commit \\`
    is the bypass, and lines added far apart are never read as one command."""
    steps = FAILURES + "\nHow the fix was committed:\n\n    git commit \\\n      --amend\n"
    put_task(repo, "task", failures=steps)
    commit(repo, "add the task")
    put_task(repo, "task", failures=steps.replace("--amend", "--amend \\\n      --no-verify"))
    leak = commit(repo, "amend the steps")
    put_task(repo, "task", failures="Run: git commit \\\n" + steps.replace("    git commit \\\n      --amend\n", "-n is dry-run\n"))
    far_apart = commit(repo, "two lines, far apart")
    code, out, _ = run(repo, "audit", "--all")
    added = findings(out, "TQ403")
    line = steps.splitlines().index("    git commit \\") + 1  # where the command starts
    assert len(added) == 1 and added[0].startswith(f"task/lib/MODEL_FAILURES.md:{line}:1: TQ403 commit {leak[:10]}")
    assert far_apart[:10] not in " ".join(added)


def test_a_clean_history_passes(repo: Repo, run: Run) -> None:
    put_task(repo, "task")
    commit(repo, "add the task")
    more = FAILURES.replace("least privilege.", "least privilege.\n\n**Root Cause**: a wildcard role.")
    put_task(repo, "task", score=10, failures=more)
    commit(repo, "raise the score with the analysis")
    code, out, _ = run(repo, "audit", "--all")
    assert (code, out.splitlines()[-1]) == (0, "audited 2 commit(s) (every branch, tag and remote): 0 finding(s)")


def test_a_stash_is_work_in_progress_not_a_commit_past_the_hooks(repo: Repo, run: Run) -> None:
    put_task(repo, "task")
    commit(repo, "add the task")
    repo.write("notes.txt", "hooks installed from here on\n")
    installed = commit(repo, "notes")
    put_task(repo, "task", failures=FAILURES + LEAK)  # would be blocked, were it committed; no trailer either
    repo.git("stash")
    assert repo.git("stash", "list").stdout
    for extra in ((), ("--attested-since", installed)):
        code, out, _ = run(repo, "audit", "--all", *extra)
        assert (code, out.splitlines()[-1]) == (0, "audited 2 commit(s) (every branch, tag and remote): 0 finding(s)")
    code, _, _ = run(repo, "audit", "--all", "--update-baseline")
    entries = json.loads((repo.path / ".training-quality-baseline.json").read_text())["entries"]
    assert code == 0 and entries == []


def test_bypass_text_in_a_commit_message(repo: Repo, run: Run) -> None:
    put_task(repo, "task")
    sha = commit(repo, "score it\n\njq '.training_quality = 9' metadata.json && git commit -n")
    code, out, _ = run(repo, "audit", "--all")
    assert code == 1
    assert any(line.startswith("COMMIT_MSG:3:1: TQ402") and sha[:10] in line for line in out.splitlines())


def test_a_merge_is_not_blamed_for_its_parents_but_for_its_own_resolution(repo: Repo, run: Run) -> None:
    put_task(repo, "task")
    commit(repo, "add the task")
    repo.git("checkout", "-q", "-b", "side")
    put_task(repo, "task", failures=FAILURES + LEAK)
    side = commit(repo, "leak on a branch")
    repo.git("checkout", "-q", "main")
    put_task(repo, "other")
    commit(repo, "another task")
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    merge = repo.head()
    code, out, _ = run(repo, "audit", "--all")
    assert code == 1 and side[:10] in out and merge[:10] not in out

    # a merge that resolves a conflict into a blocked state is blamed for that
    repo.git("checkout", "-q", "-b", "left", "HEAD~1")
    put_task(repo, "other", score=7)
    commit(repo, "left")
    repo.git("checkout", "-q", "main")
    put_task(repo, "other", score=6)
    commit(repo, "right")
    assert repo.git("merge", "-q", "left", check=False).returncode != 0  # conflict in other/metadata.json
    put_task(repo, "other", score="9")
    evil = commit(repo, "resolve")
    code, out, _ = run(repo, "audit", "--range", "HEAD~1..HEAD")
    assert code == 1
    assert [line[:len("other/metadata.json")] for line in findings(out, "TQ401")] == ["other/metadata.json"]
    assert evil[:10] in findings(out, "TQ401")[0] and "TQ110" in out


def test_renames_are_followed(repo: Repo, run: Run) -> None:
    put_task(repo, "task", score=8, failures=FAILURES + "\nSee `git commit --no-verify` above.\n")
    commit(repo, "add the task", "--no-verify")
    (repo.path / "archive").mkdir()
    repo.git("mv", "task", "archive/task")
    put_task(repo, "archive/task", score=9, failures=FAILURES + "\nSee `git commit --no-verify` above.\n")
    moved = commit(repo, "archive it and raise the score")
    code, out, _ = run(repo, "audit", "--range", "HEAD~1..HEAD")
    raised = findings(out, "TQ404")
    assert raised == [line for line in raised if line.startswith("archive/task/metadata.json:4:74: TQ404 warning:")]
    assert len(raised) == 1 and moved[:10] in raised[0] and "from 8 to 9" in raised[0]
    assert findings(out, "TQ403") == []  # moving the file added no line
    assert findings(out, "TQ401")  # the state it left is still blocked


def test_odd_paths(repo: Repo, run: Run) -> None:
    root = "-n tâche\nodd\x1b[2J" + os.fsdecode(b"\xff")  # a new line, "clear the screen", a byte no UTF-8 reads
    put_task(repo, root, failures=FAILURES + LEAK)
    sha = commit(repo, "odd", "--no-verify")
    code, out, _ = run(repo, "audit", "--all")
    assert code == 1
    added = findings(out, "TQ403")
    assert len(added) == 1 and sha[:10] in added[0]
    assert added[0].startswith("-n tâche\\nodd\\x1b[2J\\xff/lib/MODEL_FAILURES.md:24:1:")
    assert "task '-n tâche\\nodd\\x1b[2J\\xff'" in added[0] and "\x1b" not in out
    state = findings(out, "TQ401")
    assert state and all("task '-n tâche\\nodd\\x1b[2J\\xff'" in line for line in state)
    assert "\\udc" not in out and "\ufffd" not in out  # the byte is shown one way, as every finding shows it


def test_a_shallow_clone_says_what_it_could_not_see(leaked: Leaked, tmp_path: Path, run: Run) -> None:
    repo, _, bad = leaked
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.path}", str(shallow))
    code, out, _ = run(shallow, "audit", "--all")
    assert code == 1
    assert any(line.startswith(".git/shallow:1:1: TQ405 warning: shallow clone") and bad[:10] in line
               for line in out.splitlines())
    state = findings(out, "TQ401")  # the state it has is still checked, and told, but its author is unknown
    assert state and all("TQ401 task 'task' as this shallow clone's history starts" in line for line in state)
    assert "Test Author" not in "".join(state)
    assert findings(out, "TQ403") == []  # what the commit added is unknown without its parent


def test_a_shallow_clone_keeps_to_the_baseline(leaked: Leaked, tmp_path: Path, run: Run) -> None:
    repo, _, bad = leaked
    assert run(repo, "audit", "--all", "--update-baseline")[0] == 0
    commit(repo, "acknowledge the old finding")  # the newest commit changes no task
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo.path}", str(shallow))
    code, out, _ = run(shallow, "audit", "--all")
    assert code == 0 and findings(out, "TQ401") == []  # the state the baseline acknowledges under its commit
    assert any(line.startswith(".git/shallow:1:1: TQ405 warning: shallow clone") for line in out.splitlines())


def test_an_empty_repository(repo: Repo, run: Run) -> None:
    assert run(repo, "check-no-verify") == (0, "", "")
    code, out, _ = run(repo, "audit", "--all")
    assert (code, out) == (0, "audited 0 commit(s) (every branch, tag and remote): 0 finding(s)\n")


def test_a_detached_head(leaked: Leaked, run: Run) -> None:
    repo, _, bad = leaked
    repo.git("checkout", "-q", "--detach", "HEAD")
    code, out, _ = run(repo, "check-no-verify")
    assert code == 1 and bad[:10] in out


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    (tmp_path / "plain").mkdir()
    code, out, err = run(tmp_path / "plain", "audit")
    assert (code, out) == (2, "")
    assert "error: not inside a git repository" in err


def test_the_pushed_range_from_pre_commit(repo: Repo, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    put_task(repo, "task", score="9")
    old = commit(repo, "old, already pushed", "--no-verify")
    put_task(repo, "task", score=9)
    fixed = commit(repo, "fix the score")
    put_task(repo, "task", score=9, failures=FAILURES + LEAK)
    new = commit(repo, "new", "--no-verify")
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", old)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", new)
    code, out, _ = run(repo, "check-no-verify")
    assert code == 1 and new[:10] in out and old[:10] not in out and fixed[:10] not in out

    monkeypatch.setenv("PRE_COMMIT_FROM_REF", "--output=/tmp/x")
    code, out, err = run(repo, "check-no-verify")
    assert (code, out) == (2, "") and "not a commit: '--output=/tmp/x'" in err


def test_local_commits_not_on_a_remote(leaked: Leaked, tmp_path: Path, run: Run) -> None:
    origin, _, bad = leaked
    clone = Repo.__new__(Repo)
    clone.path = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin.path), str(clone.path))
    code, out, _ = run(clone, "check-no-verify")
    assert (code, out) == (0, "")  # what the remote has was audited there
    put_task(clone, "second", failures=FAILURES + LEAK)
    local = commit(clone, "local", "--no-verify")
    code, out, _ = run(clone, "audit")
    assert code == 1 and local[:10] in out and bad[:10] not in out


def test_since_and_range_by_hand(leaked: Leaked, run: Run) -> None:
    repo, clean, bad = leaked
    empty = run(repo, "audit", "--range", f"{clean}..{clean}")
    assert empty[:2] == (0, f"audited 0 commit(s) (range {clean}..{clean}): 0 finding(s)\n")
    assert run(repo, "audit", "--since", "2090-01-01")[0] == 0
    code, out, _ = run(repo, "audit", "--since", "2000-01-01")
    assert code == 1 and bad[:10] in out
    code, _, err = run(repo, "audit", "--range", "main...HEAD")
    assert code == 2 and "symmetric" in err
    for option in ("--since", "--attested-since"):  # git reads a date it cannot parse as now: nothing would count
        code, out, err = run(repo, "audit", option, "yesterdy")
        assert (code, out) == (2, "") and f"{option}: error: git reads 'yesterdy' as the date now" in err


def test_the_baseline_round_trip(leaked: Leaked, run: Run) -> None:
    repo, _, bad = leaked
    code, out, _ = run(repo, "audit", "--all", "--update-baseline")
    baseline = repo.path / ".training-quality-baseline.json"
    assert code == 0 and str(baseline) in out
    entries = json.loads(baseline.read_text())["entries"]
    assert entries and {e["commit"] for e in entries} == {bad}
    assert all(set(e) == {"commit", "task", "code", "evidence", "finding"} for e in entries)

    code, out, _ = run(repo, "audit", "--all")
    assert code == 0 and f"0 finding(s), {len(entries)} more acknowledged" in out

    put_task(repo, "task", failures=FAILURES + LEAK + "Then `git commit -n` again.\n")
    newer = commit(repo, "more", "--no-verify")
    code, out, _ = run(repo, "audit", "--all")
    assert code == 1 and newer[:10] in out and bad[:10] not in out

    baseline.write_text("{not json")
    code, _, err = run(repo, "audit", "--all")
    assert code == 2 and "unreadable baseline" in err


def test_the_cache_gives_the_same_findings_and_survives_corruption(leaked: Leaked, run: Run) -> None:
    repo, _, bad = leaked
    first = run(repo, "audit", "--all")
    cache = repo.path / ".git" / "training-quality"
    assert {"audit-commits.json", "audit-states.json"} <= {p.name for p in cache.iterdir()}
    assert bad in json.loads((cache / "audit-commits.json").read_text())["entries"]
    assert run(repo, "audit", "--all") == first
    (cache / "audit-commits.json").unlink()  # every commit again, on the task verdicts remembered
    assert run(repo, "audit", "--all") == first
    for name in ("audit-commits.json", "audit-states.json"):
        (cache / name).write_bytes(b'{"key": [1, 2')
    assert run(repo, "audit", "--all") == first
    assert json.loads((cache / "audit-commits.json").read_text())["entries"]  # rebuilt


def test_worktrees_share_the_cache(leaked: Leaked, run: Run, tmp_path: Path) -> None:
    """Verdicts are named by content, so what one worktree's audit found serves every other."""
    repo, _, bad = leaked
    repo.git("worktree", "add", "-q", str(tmp_path / "linked"))
    first = run(tmp_path / "linked", "audit", "--all")
    cache = repo.path / ".git" / "training-quality" / "audit-commits.json"
    assert bad in json.loads(cache.read_text())["entries"]
    written = cache.stat().st_mtime_ns
    assert run(repo, "audit", "--all") == first
    assert cache.stat().st_mtime_ns == written  # nothing new to check, so nothing new written


def test_workers_find_what_one_process_finds(leaked: Leaked, run: Run) -> None:
    """Content checks spread over worker processes (a long history's default) change no finding."""
    repo, _, bad = leaked
    for n in range(6):  # tasks that share an analysis, a raised score, a bypass in a message
        put_task(repo, f"copy{n % 3}", score=9 + n % 2)
        commit(repo, f"copy {n}" + ("\n\ngit commit -n" if n == 4 else ""))
    cache = repo.path / ".git" / "training-quality"
    outputs = []
    for jobs in ("1", "3"):
        shutil.rmtree(cache, ignore_errors=True)
        outputs.append(run(repo, "audit", "--all", "--jobs", jobs))
    assert outputs[0] == outputs[1]
    code, out, _ = outputs[1]
    assert code == 1 and bad[:10] in out
    assert {"TQ401", "TQ402", "TQ403", "TQ404"} <= set(re.findall(r": (TQ4\d\d) ", out))
    with pytest.raises(SystemExit) as usage:
        run(repo, "audit", "--all", "--jobs", "0")
    assert usage.value.code == 2


def test_the_hook_through_the_real_pre_commit(pre_commit: PreCommit, tmp_path: Path) -> None:
    pre_commit.configure("check-no-verify", install=("pre-commit", "pre-push"))
    repo = pre_commit.repo
    put_task(repo, "task")
    first = repo.commit("add the task")
    assert first.returncode == 0, first.stdout + first.stderr
    put_task(repo, "task", failures=FAILURES + LEAK)
    bad = commit(repo, "analysis", "--no-verify")

    manual = pre_commit.run("run", "check-no-verify", "--hook-stage", "manual")
    assert manual.returncode == 1 and f"TQ403 commit {bad[:10]}" in manual.stdout

    git(tmp_path, "init", "-q", "--bare", "remote.git")
    repo.git("remote", "add", "origin", str(tmp_path / "remote.git"))
    refused = repo.git("push", "-q", "origin", "main", check=False)  # holds the root commit: no FROM/TO refs
    assert refused.returncode != 0 and f"TQ401 commit {bad[:10]}" in refused.stdout + refused.stderr
    repo.git("push", "-q", "--no-verify", "origin", "main")  # it reached the remote anyway

    put_task(repo, "second")
    assert repo.commit("a second task").returncode == 0  # what the remote has is audited there, not here
    pushed = repo.git("push", "-q", "origin", "main", check=False)  # a range push: PRE_COMMIT_FROM_REF..TO_REF
    assert pushed.returncode == 0, pushed.stdout + pushed.stderr
    put_task(repo, "second", failures=FAILURES + LEAK)
    worse = commit(repo, "leak again", "--no-verify")
    refused = repo.git("push", "-q", "origin", "main", check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and worse[:10] in output and bad[:10] not in output


def test_the_log_record_carries_the_full_message_with_its_trailers(repo: Repo) -> None:
    from hooks import repo as gitrepo

    put_task(repo, "task")
    sha = commit(repo, "subject\n\nbody: not a trailer\n\nTraining-Quality-Checked: 0123abcd\nSigned-off-by: A <a@b>")
    git_repo = gitrepo.open_repo(str(repo.path))
    [record] = gitrepo.log(git_repo, [sha])
    assert record.message.startswith("subject\n\nbody: not a trailer\n")
    assert record.message.rstrip("\n").endswith("\n\nTraining-Quality-Checked: 0123abcd\nSigned-off-by: A <a@b>")
    assert {c.path for c in record.changes} == {"task/metadata.json", "task/lib/MODEL_FAILURES.md"}


def test_a_read_that_stops_early_does_not_hang(repo: Repo) -> None:
    """An object git cannot give stops the batched read mid-stream; git, still writing the rest
    (far more than a pipe holds), is stopped, not waited for."""
    from hooks import repo as gitrepo

    for n in range(200):
        repo.write(f"blobs/{n}.txt", f"line {n}\n" * 500)
    commit(repo, "blobs")
    shas = [line.split()[2] for line in repo.git("ls-tree", "-r", "HEAD").stdout.splitlines()]
    errors: list[str] = []

    def read() -> None:
        try:
            gitrepo.read_blobs(gitrepo.open_repo(str(repo.path)), ["0" * 40, *shas])
        except ConfigError as exc:  # exit 2, with what to do
            errors.append(exc.message)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(30)
    assert not reader.is_alive() and len(errors) == 1 and errors[0].startswith(f"git cannot read object {'0' * 40}")


def test_an_amend_may_replace_a_head_that_went_past_the_hooks(pre_commit: PreCommit, run: Run) -> None:
    pre_commit.configure("check-training-quality", "check-no-verify")
    repo = pre_commit.repo
    put_task(repo, "task", failures=FAILURES + LEAK)
    repo.git("add", "-A")
    repo.git("-c", f"core.hooksPath={os.devnull}", "commit", "-qm", "past every hook")
    put_task(repo, "task")  # the fix, staged: the amend replaces the commit that went past
    amended = repo.git("commit", "-a", "--amend", "-m", "the task, fixed", check=False)
    assert amended.returncode == 0, amended.stderr
    assert run(repo, "audit")[0] == 0

    put_task(repo, "task", failures=FAILURES + LEAK)
    repo.git("-c", f"core.hooksPath={os.devnull}", "commit", "-qam", "past every hook again")
    bad = repo.head()
    put_task(repo, "other")
    on_top = repo.commit("another task on top")  # HEAD's finding warns: the commit could have been an amend
    assert on_top.returncode == 0, on_top.stderr
    put_task(repo, "third")
    refused = repo.commit("and one more")  # now it is history: only a rewrite or the baseline clears it
    assert refused.returncode == 1 and f"commit {bad[:10]}" in refused.stderr
    assert "git rebase -i" in refused.stderr and "--update-baseline" in refused.stderr


FORMATTING = """# Model Response Failures Analysis

### 1. Code formatting

**Impact Level**: Low

The indentation did not match the project's prettier configuration.

### 2. Lint errors

**Impact Level**: Low

eslint reported an unused import.
"""


def test_a_merge_that_combines_two_passing_edits_into_a_blocked_task_is_refused(pre_commit: PreCommit) -> None:
    pre_commit.configure("check-training-quality", install=("pre-commit", "pre-merge-commit"))
    repo = pre_commit.repo
    put_task(repo, "task", score=3)
    assert repo.commit("a task").returncode == 0
    repo.git("checkout", "-q", "-b", "score")
    put_task(repo, "task", score=9)  # two significant fixes support a 9
    assert repo.commit("raise the score").returncode == 0
    repo.git("checkout", "-q", "main")
    put_task(repo, "task", score=3, failures=FORMATTING)  # two formatting fixes support a 3
    assert repo.commit("the analysis, rewritten").returncode == 0
    merged = repo.git("merge", "--no-edit", "score", check=False)  # no conflict: each side changed one file
    assert merged.returncode != 0 and "TQ302" in merged.stdout + merged.stderr
    assert repo.git("log", "-1", "--format=%s").stdout.strip() == "the analysis, rewritten"


def test_a_symlinked_task_file_is_read_as_absent(repo: Repo, run: Run) -> None:
    """The hooks read regular files only: a symlink's target path is no content of the task, in the
    commit that changes it nor in a later one that leaves it as it was."""
    repo.write("store/meta.json", META.replace("SCORE", "9"))
    repo.write("task/lib/MODEL_FAILURES.md", FAILURES)
    (repo.path / "task" / "metadata.json").symlink_to("../store/meta.json")
    commit(repo, "a task whose metadata.json is a symlink")
    repo.write("task/lib/MODEL_FAILURES.md", FAILURES + "\nChecked again.\n")
    commit(repo, "only the analysis")
    code, out, _ = run(repo, "audit", "--range", "HEAD~1..HEAD")  # metadata.json left as it was
    assert (code, out) == (0, "audited 1 commit(s) (range HEAD~1..HEAD): 0 finding(s)\n")
    assert run(repo, "audit", "--all")[:2] == (0, "audited 2 commit(s) (every branch, tag and remote): 0 finding(s)\n")


def test_a_latin1_repository_is_read_in_its_encoding(repo: Repo, run: Run) -> None:
    repo.git("config", "i18n.commitEncoding", "latin1")
    put_task(repo, "task")
    repo.write("../message", b"ok\n\nran git\xa0commit\xa0-n -m x\n")
    repo.git("add", "-A")
    env = {**os.environb, b"GIT_AUTHOR_NAME": b"Jos\xe9"}
    subprocess.run(["git", "commit", "-q", "-F", "../message"], cwd=repo.path, env=env, check=True)
    code, out, _ = run(repo, "audit")
    assert code == 1
    [message] = findings(out, "TQ402")
    assert message.startswith("COMMIT_MSG:3:1: TQ402") and "(José <author@example.com>" in message


def test_a_ref_must_name_one_commit(leaked: Leaked, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    """`^REF` is a negation, which `rev-parse --verify` answers with `^<id>`: no commit id."""
    repo, clean, _ = leaked
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", clean)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", "^HEAD")
    code, out, err = run(repo, "check-no-verify")
    assert (code, out) == (2, "") and "error: not a commit: '^HEAD'" in err
    code, out, err = run(repo, "audit", "--range", "^HEAD~1..HEAD")
    assert (code, out) == (2, "") and "error: not a commit: '^HEAD~1'" in err


@pytest.mark.parametrize("option", ["--range", "--since", "--attested-since"])
def test_an_empty_option_is_a_usage_error(leaked: Leaked, run: Run, capsys: pytest.CaptureFixture[str],
                                          option: str) -> None:
    """An empty value would read as no option at all: the default scope, or no attestation start."""
    repo, _, _ = leaked
    with pytest.raises(SystemExit) as usage:
        run(repo, "audit", option, "")
    assert usage.value.code == 2 and f"argument {option}: an empty value" in capsys.readouterr().err


@pytest.mark.parametrize("given", [("", "HEAD"), ("HEAD~1", ""), (None, "HEAD"), ("HEAD~1", None)])
def test_the_pushed_range_needs_both_ends(leaked: Leaked, monkeypatch: pytest.MonkeyPatch, run: Run,
                                         given: tuple[str | None, str | None]) -> None:
    """pre-commit sets PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF together or not at all (a push
    holding a root commit sets neither): one alone is no scope to fall back from."""
    repo, _, _ = leaked
    for name, value in zip(("PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF"), given):
        if value is not None:
            monkeypatch.setenv(name, value)
    code, out, err = run(repo, "check-no-verify")
    assert (code, out) == (2, "") and "PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF come together" in err


def test_the_cache_follows_what_attested_since_names(repo: Repo, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    """A branch moves and a relative date slides: cached verdicts are for the commit or the date they named."""
    day = 86_400
    for n, when in enumerate((1_700_000_000, 1_700_000_000 + 2 * day)):
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"@{when} +0000")
        put_task(repo, "task", failures=FAILURES + f"\nRevision {n}.\n")
        commit(repo, f"revision {n}, no trailer")
    first, second = repo.git("rev-list", "--reverse", "HEAD").stdout.split()
    cache = repo.path / ".git" / "training-quality"

    def unchecked(*argv: str) -> list[str]:
        cached = run(repo, "audit", *argv)
        shutil.rmtree(cache)
        assert run(repo, "audit", *argv) == cached  # what a run with no cache finds
        return [sha for sha in (first, second) if sha[:10] in "".join(findings(cached[1], "TQ502"))]

    repo.git("branch", "dev", first)
    assert unchecked("--attested-since", "dev") == [first, second]
    repo.git("branch", "-f", "dev", second)
    assert unchecked("--attested-since", "dev") == [second]
    monkeypatch.setenv("GIT_TEST_DATE_NOW", str(1_700_000_000 + day + day // 2))
    assert unchecked("--attested-since", "2 days ago") == [first, second]
    monkeypatch.setenv("GIT_TEST_DATE_NOW", str(1_700_000_000 + 3 * day))
    assert unchecked("--attested-since", "2 days ago") == [second]


def test_a_baseline_too_deep_or_of_another_version_is_a_usage_error(leaked: Leaked, run: Run) -> None:
    repo, _, _ = leaked
    baseline = repo.path / ".training-quality-baseline.json"
    baseline.write_text("[" * 100_000)
    code, out, err = run(repo, "audit", "--all")
    assert (code, out) == (2, "") and "error: unreadable baseline (RecursionError" in err
    baseline.write_text(json.dumps({"version": 2, "entries": []}))
    code, out, err = run(repo, "audit", "--all")
    assert (code, out) == (2, "") and "error: baseline version 2: this training-quality reads version 1" in err


@pytest.mark.parametrize("name, field, value", [
    ("audit-commits.json", 7, ["a", "list"]), ("audit-commits.json", 4, None), ("audit-commits.json", 5, True),
    ("audit-states.json", 4, ["a", "list"]), ("audit-states.json", 0, None), ("audit-states.json", 1, True),
])
def test_a_cache_entry_of_the_wrong_shape_is_a_broken_cache(leaked: Leaked, run: Run, name: str, field: int,
                                                            value: object) -> None:
    """Right key, wrong field types (a message that is a list, a path that is null, a line that is true)."""
    repo, _, _ = leaked
    first = run(repo, "audit", "--all")
    cache = repo.path / ".git" / "training-quality"
    data = json.loads((cache / name).read_text())
    next(hits for hits in data["entries"].values() if hits)[0][field] = value
    (cache / name).write_text(json.dumps(data))
    if name == "audit-states.json":
        (cache / "audit-commits.json").unlink()  # else no task verdict is read
    assert run(repo, "audit", "--all") == first


def test_a_broken_head_is_an_error_not_a_clean_pass(leaked: Leaked, run: Run) -> None:
    repo, clean, bad = leaked
    (repo.path / ".git" / "objects" / bad[:2] / bad[2:]).unlink()
    code, out, err = run(repo, "audit")
    assert (code, out) == (2, "") and "HEAD names no readable commit" in err
    (repo.path / ".git" / "HEAD").write_text(clean + "\n")  # detached at a good commit; main still names the missing one
    code, out, err = run(repo, "audit", "--all")  # git's own words, no traceback
    assert (code, out) == (2, "") and "error: git failed:" in err and "bad object refs/heads/main" in err


def test_an_unknown_commit_id_is_no_attestation_date(leaked: Leaked, run: Run) -> None:
    """git would read the digits of a mistyped or unfetched id as some date, and switch TQ502 off or on."""
    repo, _, _ = leaked
    code, out, err = run(repo, "audit", "--attested-since", "43d2e7d40831d45393ae27d4e5364d1dcba08cba")
    assert (code, out) == (2, "") and "not a commit: '43d2e7d40831d45393ae27d4e5364d1dcba08cba'" in err


def test_a_replace_ref_does_not_hide_what_a_push_sends(leaked: Leaked, run: Run) -> None:
    repo, clean, bad = leaked
    tree = repo.git("rev-parse", f"{clean}^{{tree}}").stdout.strip()
    stand_in = repo.git("commit-tree", "-p", clean, "-m", "clean", tree).stdout.strip()
    repo.git("replace", bad, stand_in)
    repo.git("config", "log.showSignature", "true")  # nor does a log setting that prints into the records
    code, out, _ = run(repo, "audit", "--all")
    assert code == 1 and f"TQ403 commit {bad[:10]}" in out
