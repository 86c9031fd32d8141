"""Commit attestation: real git, the real pre-commit, and what a user and the audit see."""
from __future__ import annotations

import os

import pytest

from hooks import attest
from hooks import repo as gitrepo
from hooks.policy import Policy
from hooks.report import Severity
from hooks.tasks import TaskFiles, task_root
from tests.conftest import PreCommit, Repo

METADATA = """{
  "platform": "cfn", "language": "yaml", "complexity": "medium", "turn_type": "single",
  "po_id": "attest", "team": "synth", "startedAt": "2025-01-02T03:04:05Z",
  "subtask": "Application Deployment", "training_quality": %d
}
"""
FAILURES = """# Model Response Failures Analysis

## Failures

### 1. Code formatting

**Impact Level**: Low

The template's indentation did not match the project's yamllint configuration.

### 2. Lint errors

**Impact Level**: Low

cfn-lint reported an unused parameter%s.

## Summary

- Total failures: 0 Critical, 0 High, 0 Medium, 2 Low
"""
HOOKS = ("check-training-quality", "check-commit-attested")


def task(repo: Repo, root: str = "task", score: int = 5, note: str = "") -> None:
    """A task the checks pass (two formatting fixes, scored 5); `note` varies its content."""
    repo.write(f"{root}/metadata.json", METADATA % score)
    repo.write(f"{root}/lib/MODEL_FAILURES.md", FAILURES % note)


def configure(pre_commit: PreCommit, *attest_args: str) -> None:
    """The checks at pre-commit, the attestation at prepare-commit-msg (with its own args)."""
    args = f"        args: {list(attest_args)!r}\n" if attest_args else ""
    pre_commit.repo.write(".pre-commit-config.yaml", (
        f"default_install_hook_types: [pre-commit, prepare-commit-msg]\n"
        f"repos:\n  - repo: {pre_commit.url}\n    rev: {pre_commit.rev}\n    hooks:\n"
        f"      - id: check-training-quality\n      - id: check-commit-attested\n{args}"
    ))
    installed = pre_commit.run("install")
    assert installed.returncode == 0, installed.stdout + installed.stderr


def message(repo: Repo, rev: str = "HEAD") -> str:
    return repo.git("log", "-1", "--format=%B", rev).stdout


def audit(repo: Repo, rev: str = "HEAD"):  # -> Finding | None
    """What the history side says about one commit: its trailer against its own tree."""
    git_repo = gitrepo.open_repo(str(repo.path))
    sha = repo.git("rev-parse", rev).stdout.strip()
    return attest.verify_trailer(message(repo, rev), lambda: gitrepo.tree_blobs(git_repo, sha), "task/metadata.json")


def commits(repo: Repo) -> int:
    head = repo.git("rev-list", "--count", "HEAD", check=False)
    return int(head.stdout) if head.returncode == 0 else 0


# --- a user's commits, through the real pre-commit ---


def test_a_checked_commit_gets_a_trailer_the_audit_accepts(pre_commit: PreCommit) -> None:
    configure(pre_commit)
    repo = pre_commit.repo
    task(repo)
    done = repo.commit("first task")  # the initial commit: no HEAD to compare with
    assert done.returncode == 0, done.stdout + done.stderr
    trailers = [line for line in message(repo).splitlines() if line.startswith("Training-Quality-")]
    assert len(trailers) == 1 and trailers[0].startswith(f"{attest.CHECKED}: ")
    assert message(repo).startswith("first task\n\n")
    assert audit(repo) is None

    repo.write("README.md", "no task here\n")
    assert repo.commit("docs only").returncode == 0
    assert "Training-Quality" not in message(repo)  # a commit that changes no task gets nothing


def test_no_verify_is_aborted_by_default_and_says_what_to_do(pre_commit: PreCommit) -> None:
    configure(pre_commit)
    repo = pre_commit.repo
    task(repo)
    assert repo.commit("first task").returncode == 0
    task(repo, score=9)  # blocked by the checks, so committed with --no-verify
    refused = repo.commit("raise the score", "--no-verify")
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "task/metadata.json:1:1: TQ501 this commit changes task 'task'" in said
    assert "pre-commit run check-training-quality" in said and "without --no-verify" in said
    assert commits(repo) == 1

    task(repo, note=" (fixed)")  # content the checks pass, but they did not run on it
    assert repo.commit("untested edit", "--no-verify").returncode != 0
    assert pre_commit.run("run", "check-training-quality").returncode == 0  # run the checks by hand ...
    assert repo.commit("tested edit", "--no-verify").returncode == 0  # ... and the same content goes in
    assert message(repo).count(attest.CHECKED) == 1 and audit(repo) is None


def test_skip_of_the_check_is_caught(pre_commit: PreCommit, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(pre_commit)
    repo = pre_commit.repo
    task(repo, score=9)
    monkeypatch.setenv("SKIP", "check-training-quality")
    refused = repo.commit("skip the check")
    assert refused.returncode != 0
    assert "TQ501" in refused.stdout + refused.stderr
    assert commits(repo) == 0


def test_record_mode_lets_it_through_with_a_skipped_trailer(pre_commit: PreCommit) -> None:
    configure(pre_commit, "--on-skip=record")
    repo = pre_commit.repo
    task(repo, score=9)
    task(repo, root="other", note=" (other)")
    done = repo.commit("both tasks", "--no-verify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"\n\n{attest.SKIPPED}: other, task\n" in message(repo)
    finding = audit(repo)
    assert finding is not None and (finding.code, finding.severity) == (attest.RECORDED_SKIP, Severity.WARNING)

    # an amend that leaves the skipped tasks unchecked keeps saying so ...
    assert repo.git("commit", "--amend", "--no-verify", "-m", "both tasks, reworded", check=False).returncode == 0
    assert f"{attest.SKIPPED}: other, task" in message(repo) and attest.CHECKED not in message(repo)
    # ... and once they are fixed and checked, it turns into a Checked trailer
    task(repo)
    repo.git("add", "-A")
    assert pre_commit.run("run", "check-training-quality", "--all-files").returncode == 0
    assert repo.git("commit", "--amend", "--no-edit", check=False).returncode == 0
    assert attest.SKIPPED not in message(repo) and message(repo).count(attest.CHECKED) == 1
    assert audit(repo) is None


def test_hooks_path_elsewhere_leaves_no_trailer_and_the_audit_reports_it(pre_commit: PreCommit) -> None:
    configure(pre_commit)
    repo = pre_commit.repo
    task(repo, score=9)
    repo.git("add", "-A")
    done = repo.git("-c", f"core.hooksPath={os.devnull}", "commit", "-q", "-m", "past every hook", check=False)
    assert done.returncode == 0
    assert "Training-Quality" not in message(repo)
    finding = audit(repo)
    assert finding is not None and (finding.code, finding.severity) == (attest.MISSING, Severity.ERROR)


def test_amend_keeps_one_valid_trailer(pre_commit: PreCommit) -> None:
    configure(pre_commit)
    repo = pre_commit.repo
    task(repo)
    assert repo.commit("first task").returncode == 0
    first = message(repo)
    assert repo.git("commit", "--amend", "-m", "reworded\n\n" + first.split("\n\n", 1)[1], check=False).returncode == 0
    assert message(repo).count(attest.CHECKED) == 1 and audit(repo) is None

    task(repo, note=" (amended)")
    repo.git("add", "-A")
    assert repo.git("commit", "--amend", "--no-edit", check=False).returncode == 0
    amended = message(repo)
    assert amended.count(attest.CHECKED) == 1 and amended != first and audit(repo) is None


def test_a_commit_that_only_deletes_gets_no_trailer_and_a_message_only_amend_keeps_its_own(
        pre_commit: PreCommit, monkeypatch: pytest.MonkeyPatch) -> None:
    from hooks.cli import main

    configure(pre_commit)
    repo = pre_commit.repo
    task(repo)
    repo.write("notes.txt", "scratch\n")
    assert repo.commit("first task").returncode == 0
    first = repo.head()
    assert repo.git("commit", "--amend", "-m", "first task, reworded", check=False).returncode == 0
    assert message(repo).count(attest.CHECKED) == 1 and audit(repo) is None

    for drop in ("notes.txt", "task"):  # a file outside any task, then a whole task
        repo.git("rm", "-q", "-r", drop)
        done = repo.git("commit", "-q", "-m", f"drop {drop}", check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Training-Quality" not in message(repo)

    monkeypatch.chdir(repo.path)  # and the audit asks no trailer of them
    assert main(["audit", "--attested-since", first]) == 0


def test_a_deletion_folded_into_a_checked_commit_gets_a_trailer_for_what_it_holds(
        pre_commit: PreCommit, monkeypatch: pytest.MonkeyPatch) -> None:
    from hooks.cli import main

    configure(pre_commit)
    repo = pre_commit.repo
    task(repo)
    task(repo, root="other")
    assert repo.commit("two tasks").returncode == 0
    first = repo.head()
    task(repo, note=" (edited)")
    assert repo.commit("edit task").returncode == 0
    repo.git("rm", "-q", "-r", "other")
    done = repo.git("commit", "-q", "--amend", "--no-edit", check=False)  # the deletion folded in, as a fixup does
    assert done.returncode == 0, done.stdout + done.stderr
    assert message(repo).count(attest.CHECKED) == 1 and audit(repo) is None
    monkeypatch.chdir(repo.path)
    assert main(["audit", "--attested-since", first]) == 0


def test_a_cherry_pick_x_of_a_checked_commit_carries_one_trailer(pre_commit: PreCommit) -> None:
    repo = two_branches(pre_commit)
    side = repo.git("rev-parse", "side").stdout.strip()
    done = repo.git("cherry-pick", "-x", side, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    text = message(repo)
    assert text.count(attest.CHECKED) == 1 and audit(repo) is None
    assert text.startswith(f"side edit\n\n(cherry picked from commit {side})\n{attest.CHECKED}: ")
    as_git_reads_it = repo.git("log", "-1", f"--format=%(trailers:key={attest.CHECKED},valueonly)").stdout
    assert len(as_git_reads_it.split()) == 3  # one value: `<digest> (policy <version>)`


def two_branches(pre_commit: PreCommit) -> Repo:
    """After a first task, `side` edits it and `main` adds another; every commit checked."""
    configure(pre_commit)
    repo = pre_commit.repo
    task(repo)
    assert repo.commit("first task").returncode == 0
    repo.git("checkout", "-q", "-b", "side")
    task(repo, note=" (side)")
    assert repo.commit("side edit").returncode == 0
    repo.git("checkout", "-q", "main")
    task(repo, root="other")
    assert repo.commit("another task").returncode == 0
    return repo


def test_rebase_re_attests_and_an_apply_rebase_is_caught(
        pre_commit: PreCommit, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo = two_branches(pre_commit)
    repo.git("checkout", "-q", "side")
    repo.git("branch", "side-copy")
    rebased = repo.git("rebase", "-q", "main", check=False)  # runs prepare-commit-msg, not pre-commit
    assert rebased.returncode == 0, rebased.stdout + rebased.stderr
    assert message(repo).count(attest.CHECKED) == 1 and audit(repo) is None

    repo.git("checkout", "-q", "side-copy")
    repo.git("rebase", "-q", "--apply", "main")  # git am: no hook rewrites the message
    finding = audit(repo)
    assert finding is not None and finding.code == attest.MISMATCH

    from hooks.cli import main  # the history audit reads every commit's tree in one pass and agrees

    monkeypatch.chdir(repo.path)
    assert main(["audit", "--attested-since", repo.git("rev-list", "--max-parents=0", "HEAD").stdout.strip()]) == 1
    out = capsys.readouterr().out
    assert [line.split(": ")[1].split()[:2] for line in out.splitlines() if ": TQ50" in line] == [["TQ503", "commit"]]
    assert f"TQ503 commit {repo.head()[:10]}" in out


def test_a_merge_is_exempt(pre_commit: PreCommit) -> None:
    repo = two_branches(pre_commit)
    merged = repo.git("merge", "--no-ff", "-m", "merge side", "side", check=False)  # brings a task change
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "Training-Quality" not in message(repo)


def test_trees_read_together_are_each_commits_own(repo: Repo) -> None:
    """The audit reads the trees behind many trailers from one `git diff-tree` stream: each must hold
    exactly what `ls-tree` lists for that commit, across renames, deletions, symlinks, merges and odd paths."""
    task(repo, root="a/one")
    task(repo, root="b")
    repo.commit("two tasks")
    repo.git("checkout", "-q", "-b", "side")
    task(repo, root="a/one", note=" (side)")
    repo.write("c/lib/IDEAL_RESPONSE.md", "ideal\n")
    repo.commit("side")
    repo.git("checkout", "-q", "main")
    repo.git("mv", "b", "moved b")
    repo.commit("a rename to a path with a space")
    (repo.path / "a/one/metadata.json").unlink()
    os.symlink("lib/MODEL_FAILURES.md", repo.path / "a/one/metadata.json")
    repo.commit("a task file turned into a symlink")
    repo.git("merge", "-q", "--no-edit", "side")
    task(repo, root="caf\udce9 \u00e9t\u00e9")  # a folder name that is not UTF-8, and one that is
    repo.git("rm", "-q", "moved b/metadata.json")
    repo.commit("odd paths, a deletion")
    git_repo = gitrepo.open_repo(str(repo.path))
    commits = list(gitrepo.log(git_repo, gitrepo.list_commits(git_repo, all_refs=True)))
    is_task = lambda path: task_root(path) is not None  # noqa: E731
    expected = {c.sha: {p: b for p, b in gitrepo.tree_blobs(git_repo, c.sha).items() if is_task(p)} for c in commits}
    assert len(set(map(frozenset, (e.items() for e in expected.values())))) == len(commits) == 6
    assert "caf\udce9 \u00e9t\u00e9/metadata.json" in expected[repo.head()]
    for order in (commits[::-1], commits, commits[::2], commits[1::2]):
        assert dict(gitrepo.trees_blobs(git_repo, order, is_task)) == {c.sha: expected[c.sha] for c in order}


# --- the record and the trailer, on their own ---


def test_the_record_is_written_inside_the_git_directory_and_compared_with_the_index(repo: Repo) -> None:
    task(repo)
    repo.git("add", "-A")
    git_repo = gitrepo.open_repo(str(repo.path))
    files = TaskFiles("task", (repo.path / "task/metadata.json").read_bytes(),
                      (repo.path / "task/lib/MODEL_FAILURES.md").read_bytes(), None)
    attest.record_checked([files], Policy(), git_repo)
    assert list((repo.path / ".git" / "training-quality").iterdir()) == [repo.path / ".git/training-quality/checked.json"]
    record = attest.Record.load(gitrepo.read_state(git_repo, attest.RECORD))
    staged = gitrepo.index_blobs(git_repo)
    outcome = attest.attest("msg\n", gitrepo.staged_changes(git_repo), staged, record)
    assert outcome.findings == [] and f"{attest.CHECKED}: " in (outcome.message or "")

    repo.write("task/lib/IDEAL_RESPONSE.md", "a file the checks did not see\n")
    repo.git("add", "-A")
    outcome = attest.attest("msg\n", gitrepo.staged_changes(git_repo), gitrepo.index_blobs(git_repo), record)
    assert [f.code for f in outcome.findings] == [attest.UNCHECKED]
    # checks under another policy start the record afresh
    assert attest.Record("old", ("a", "b")).add("new", ["c"]) == attest.Record("new", ("c",))
    assert attest.Record.load("{broken") == attest.Record()


def test_the_digest_binds_task_content_and_policy_only() -> None:
    blobs = {"task/metadata.json": "1" * 40, "task/lib/MODEL_FAILURES.md": "2" * 40}
    digest = attest.content_digest(blobs, "0a1b")
    assert attest.content_digest({**blobs, "README.md": "3" * 40}, "0a1b") == digest
    assert attest.content_digest({**blobs, "task/metadata.json": "4" * 40}, "0a1b") != digest
    assert attest.content_digest(blobs, "0c2d") != digest
    good = f"subject\n\n{attest.CHECKED}: {digest} (policy 0a1b)\n"
    assert attest.verify_trailer(good, lambda: blobs, "task/metadata.json") is None
    forged = good.replace("policy 0a1b", "policy 0c2d")
    assert attest.verify_trailer(forged, lambda: blobs, "task/metadata.json").code == attest.MISMATCH


def test_a_deletion_renews_only_a_trailer_that_holds_for_head() -> None:
    head = {"task/metadata.json": "1" * 40, "old/metadata.json": "5" * 40}
    index = {"task/metadata.json": "1" * 40}
    record = attest.Record("0a1b", ())
    for digest, renewed in ((attest.content_digest(head, "0a1b"), True), ("f" * 32, False)):  # HEAD's own, a forged one
        message = f"edit task\n\n{attest.CHECKED}: {digest} (policy 0a1b)\n"
        outcome = attest.attest(message, ["old/metadata.json"], index, record, head_blobs=lambda: head)
        expected = f"{attest.CHECKED}: {attest.content_digest(index, '0a1b')} (policy 0a1b)"
        assert (outcome.message is not None and expected in outcome.message) is renewed and outcome.findings == []


def test_the_trailer_keeps_comments_trailers_and_the_scissors_and_is_idempotent() -> None:
    text = ("subject\n\nbody\n\nSigned-off-by: A <a@example.com>\n"
            "# Please enter the commit message\n# ------------------------ >8 ------------------------\n"
            "diff --git a/x b/x\n")
    once = attest.with_trailer(text, attest.CHECKED, "d1", drop=(attest.SKIPPED,))
    assert once == text.replace("a@example.com>\n", f"a@example.com>\n{attest.CHECKED}: d1\n")
    assert attest.with_trailer(once, attest.CHECKED, "d1") == once
    swapped = attest.with_trailer(once, attest.SKIPPED, "task", drop=(attest.CHECKED,))
    assert f"Signed-off-by: A <a@example.com>\n{attest.SKIPPED}: task\n# Please" in swapped
    assert attest.CHECKED not in swapped
    # an empty message (the editor is next): the subject line stays free
    assert attest.with_trailer("\n# Please enter\n", attest.CHECKED, "d1") == f"\n\n{attest.CHECKED}: d1\n\n# Please enter\n"
    # a last paragraph of prose is not a trailer block
    assert attest.with_trailer("s\n\nsee: below\nmore prose\n", "K", "v") == "s\n\nsee: below\nmore prose\n\nK: v\n"


def test_odd_task_folders_survive_the_skipped_trailer() -> None:
    roots = ["", "plain", "with space", "comma,name", 'quote"d']
    assert attest.parse_tasks([attest.format_tasks(roots)]) == roots


# --- the history audit reads the trailers ---


def test_the_audit_reports_commits_past_the_hooks_from_the_configured_start(
        pre_commit: PreCommit, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from hooks.cli import main

    repo = pre_commit.repo
    task(repo, root="old")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "before the hooks: no trailer")
    configure(pre_commit)
    task(repo)
    assert repo.commit("checked").returncode == 0
    start = repo.head()
    task(repo, note=" (past the hooks)")
    repo.git("add", "-A")
    repo.git("-c", f"core.hooksPath={os.devnull}", "commit", "-q", "-m", "past every hook")
    bypass = repo.head()
    monkeypatch.chdir(repo.path)

    assert main(["audit", "--attested-since", start]) == 1
    out = capsys.readouterr().out
    assert f"TQ502 commit {bypass[:10]} (Test Author <author@example.com>" in out
    assert "task/lib/MODEL_FAILURES.md:1:1: TQ502" in out
    assert out.count("TQ502") == 1  # neither the checked commit nor the one before the start
    assert main(["audit"]) == 0  # no start configured: trailers are not required
    capsys.readouterr()
    assert main(["audit", "--attested-since", "2000-01-01"]) == 1  # a date: every commit since
    assert capsys.readouterr().out.count("TQ502") == 2


def test_a_cherry_pick_of_unchecked_content_stops_until_the_checks_run(pre_commit: PreCommit) -> None:
    repo = two_branches(pre_commit)
    repo.git("checkout", "-q", "side")
    task(repo, root="third", note=" (from elsewhere)")
    repo.git("add", "-A")
    repo.git("-c", f"core.hooksPath={os.devnull}", "commit", "-q", "-m", "made where no hook ran")
    picked = repo.head()
    repo.git("checkout", "-q", "main")

    stopped = repo.git("cherry-pick", picked, check=False)  # prepare-commit-msg runs, pre-commit does not
    assert stopped.returncode != 0 and "TQ501 this commit changes task 'third'" in stopped.stdout + stopped.stderr
    assert commits(repo) == 2
    assert pre_commit.run("run", "check-training-quality").returncode == 0
    done = repo.git("-c", "core.editor=true", "cherry-pick", "--continue", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert message(repo).startswith("made where no hook ran\n\n") and audit(repo) is None
