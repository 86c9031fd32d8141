"""Commit attestation: prove, in the commit message, that the checks ran on what is committed.

`git commit --no-verify` skips the pre-commit and commit-msg hooks but not prepare-commit-msg.
So the checks (`check-training-quality`) record each task state they pass — the task's blob ids,
under the policy version they ran with — in a file inside the git directory, and the
prepare-commit-msg hook (`check-commit-attested`) compares the index being committed with that
record. Every task the commit changes (against HEAD) must be in it. Then the hook adds
`Training-Quality-Checked: <digest> (policy <version>)`, the digest binding the trailer to every
task file the commit holds and that policy; otherwise it aborts the commit (TQ501), or with
`--on-skip=record` adds `Training-Quality-Skipped: <tasks>`. The history audit re-derives the
digest from each commit's tree (`verify_trailer`): a commit that changes a task with no valid
trailer went past every hook (TQ502, TQ503); a recorded skip is shown (TQ504).

The digest covers all task files, not only the changed ones, so it does not depend on the
commit's parent — which prepare-commit-msg cannot know (`--amend -m` looks like any commit).

Pure functions here; git and files go through hooks/repo.py; printing is cli.py's.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hooks.report import ConfigError, Finding, Severity, quoted
from hooks.tasks import TASK_FILES, TaskFiles, join, task_root

if TYPE_CHECKING:
    import git

    from hooks.policy import Policy

CHECKED = "Training-Quality-Checked"
SKIPPED = "Training-Quality-Skipped"
RECORD = "checked.json"  # in <git dir>/training-quality/
_FORMAT = 1
_LIMIT = 20_000  # task states kept in the record, newest last

UNCHECKED = "TQ501"  # prepare-commit-msg: the commit changes a task the checks did not pass as staged
MISSING = "TQ502"  # history: a commit changes a task and carries no attestation trailer
MISMATCH = "TQ503"  # history: the Checked trailer does not match the commit's task content
RECORDED_SKIP = "TQ504"  # history: the commit says the checks were skipped (--on-skip=record)

_HOW = ("run `pre-commit run check-training-quality` and commit again without --no-verify "
        "(for SKIP=... leave the check out of SKIP)")


# --- what was checked ---


def state_key(root: str, blobs: Sequence[str | None]) -> str:
    """One task state: its folder and the blob id of each of TASK_FILES (None: absent)."""
    text = "\0".join((root, *(b or "-" for b in blobs)))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def blob_id(data: bytes, object_format: str = "sha1") -> str:
    """The id git gives a blob with this content (what `git hash-object` prints)."""
    return hashlib.new(object_format, b"blob %d\0" % len(data) + data).hexdigest()


def task_state(task: TaskFiles, object_format: str = "sha1") -> str:
    """The state key of a task read from its contents, as the checks saw it."""
    contents = (task.metadata, task.failures, task.ideal)
    return state_key(task.root, [None if c is None else blob_id(c, object_format) for c in contents])


@dataclass(frozen=True)
class Record:
    """Task states the checks passed, all under one policy version (the one they last ran with)."""

    policy: str = ""
    checked: tuple[str, ...] = ()

    def add(self, policy: str, states: Iterable[str]) -> Record:
        """A run under another policy starts the record afresh: older passes say nothing about it."""
        kept = self.checked if policy == self.policy else ()
        new = dict.fromkeys(states)
        return Record(policy, (tuple(s for s in kept if s not in new) + tuple(new))[-_LIMIT:])

    def dump(self) -> str:
        return json.dumps({"format": _FORMAT, "policy": self.policy, "checked": list(self.checked)}, separators=(",", ":"))

    @classmethod
    def load(cls, text: str | None) -> Record:
        """A missing, broken or foreign record is an empty one: at worst the checks run again."""
        try:
            data = json.loads(text or "")
            if data.get("format") == _FORMAT and isinstance(data["policy"], str):
                return cls(data["policy"], tuple(s for s in data["checked"] if isinstance(s, str)))
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            pass
        return cls()


def record_checked(tasks: Iterable[TaskFiles], policy: Policy, repo: git.Repo | None = None) -> None:
    """Called by check-training-quality when it passes: these task states passed under `policy`.

    Outside a git repository, or where the git directory cannot be written, nothing is recorded
    (the commit's prepare-commit-msg hook then says the checks did not run): never an error here.
    """
    from hooks import repo as gitrepo

    tasks = list(tasks)
    if not tasks:
        return
    try:
        repo = repo or gitrepo.open_repo(".")
        fmt = gitrepo.object_format(repo)
        old = Record.load(gitrepo.read_state(repo, RECORD))
        gitrepo.write_state(repo, RECORD, old.add(policy.version, (task_state(t, fmt) for t in tasks)).dump())
    except (ConfigError, OSError):
        pass


# --- the commit being made ---


@dataclass(frozen=True)
class Outcome:
    message: str | None  # the new commit message; None: leave it as it is
    findings: list[Finding]  # TQ501 when the commit must be aborted


def changed_roots(changed: Iterable[str], index_blobs: Mapping[str, str]) -> list[str]:
    """The task folders whose files the commit adds or modifies. A deleted file leaves nothing for the
    checks to pass on (pre-commit gives the hooks no deleted file), and the audit asks no trailer of
    a commit that only deletes, so deletions attest nothing."""
    return sorted({r for r in (task_root(p) for p in changed if p in index_blobs) if r is not None})


_TRAILER_VALUE = r"([0-9a-f]{32}) \(policy ([0-9a-f]+)\)"  # a Checked trailer: the digest, the policy version


def _checked(task_blobs: Mapping[str, str], policy: str) -> str:
    """A Checked trailer's value, as _TRAILER_VALUE reads it."""
    return f"{content_digest(task_blobs, policy)} (policy {policy})"


def content_digest(task_blobs: Mapping[str, str], policy: str) -> str:
    """Every task file (path and blob id) a commit holds, under a policy version: what the trailer binds."""
    files = "".join(f"{path}\0{task_blobs[path]}\0" for path in sorted(p for p in task_blobs if task_root(p) is not None))
    return hashlib.sha256(f"training-quality {_FORMAT}\0{policy}\0{files}".encode("utf-8", "surrogateescape")).hexdigest()[:32]


def attest(
    message: str,
    changed: Sequence[str],
    index_blobs: Mapping[str, str],
    record: Record,
    *,
    on_skip: str = "abort",
    merging: bool = False,
    comment: str = "#",
    head_message: str = "",
    head_blobs: Callable[[], Mapping[str, str]] = dict,
) -> Outcome:
    """What prepare-commit-msg does with the commit about to be made.

    `changed`: the paths the index changes against HEAD, deletions included; `index_blobs`: every
    regular file in the index. A merge (`merging`: MERGE_HEAD exists) is exempt: its parents were attested
    on their own. (Git's "merge" message source is no sign of one: a cherry-pick or rebase that
    stopped on a conflict or a hook commits from MERGE_MSG too.)
    Tasks named by a Skipped trailer already in the message (an amend) must be checked too before
    the trailer turns into a Checked one. An index that changes nothing against HEAD is a
    message-only amend (`--amend -m` looks like any commit): HEAD's trailer carries over. A commit
    that only deletes files changes no task the checks could pass: it gets no trailer, unless its
    message carries a Checked trailer that holds for HEAD (`head_blobs`, read only then): a deletion
    folded into an attested commit (`--amend`, a fixup) leaves only checked content, so the trailer
    is made anew for what the commit holds.
    """
    if merging:
        return Outcome(None, [])
    if not changed and not _attestation(message, comment):
        carried = _attestation(head_message, "#")
        return Outcome(with_trailer(message, *carried, comment=comment) if carried else None, [])
    skipped_before = [r for r in parse_tasks(trailer_values(message, SKIPPED, comment)) if _has_task(index_blobs, r)]
    roots = sorted(set(changed_roots(changed, index_blobs)) | set(skipped_before))
    if not roots:
        return Outcome(_folded_deletion(message, comment, index_blobs, head_blobs), [])
    checked = set(record.checked)
    unchecked = [r for r in roots if state_key(r, [index_blobs.get(join(r, n)) for n in TASK_FILES]) not in checked]
    if not unchecked:
        return Outcome(with_trailer(message, CHECKED, _checked(index_blobs, record.policy), drop=(SKIPPED,), comment=comment), [])
    if on_skip == "record":
        return Outcome(with_trailer(message, SKIPPED, format_tasks(unchecked), drop=(CHECKED,), comment=comment), [])
    first = {r: next((p for p in changed if task_root(p) == r and p in index_blobs), join(r, TASK_FILES[0]))
             for r in unchecked}
    return Outcome(None, [
        Finding(first[r], 1, 1, UNCHECKED,
                f"this commit changes task {quoted(r or '.')}, but the pre-commit checks did not pass on its staged "
                f"content: the hooks were skipped (git commit --no-verify, SKIP=..., or the pre-commit hook "
                f"type not installed) or the content changed since they ran; {_HOW}")
        for r in unchecked
    ])


def _folded_deletion(message: str, comment: str, index_blobs: Mapping[str, str],
                     head_blobs: Callable[[], Mapping[str, str]]) -> str | None:
    """The message with its Checked trailer made anew for what the commit holds, where that trailer
    holds for HEAD and the commit only deletes files from it; else None (the message stays)."""
    kept = _attestation(message, comment)
    match = re.fullmatch(_TRAILER_VALUE, kept[1]) if kept and kept[0] == CHECKED else None
    if match is None or content_digest(head_blobs(), match.group(2)) != match.group(1):
        return None
    return with_trailer(message, CHECKED, _checked(index_blobs, match.group(2)), comment=comment)


def _attestation(message: str, comment: str) -> tuple[str, str] | None:
    """The message's Checked or Skipped trailer (key, value), if it has one."""
    for key in (SKIPPED, CHECKED):
        values = trailer_values(message, key, comment)
        if values:
            return key, values[-1]
    return None


def _has_task(index_blobs: Mapping[str, str], root: str) -> bool:
    return any(join(root, n) in index_blobs for n in TASK_FILES)


# --- trailers ---

_TRAILER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9-]*)\s*:\s*(.*)$")
_CHERRY_PICKED = "(cherry picked from commit "  # `cherry-pick -x`'s line, which git's trailer parsing counts as one


def _trailer_line(line: str) -> bool:
    return bool(_TRAILER.match(line)) or line.startswith(_CHERRY_PICKED)


def _split(message: str, comment: str) -> tuple[list[str], list[str]]:
    """The message's text lines, and the tail git strips (trailing comments, blank lines, the scissors and below)."""
    lines = message.split("\n")
    scissors = f"{comment} ------------------------ >8 ------------------------"
    end = lines.index(scissors) if scissors in lines else len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].startswith(comment)):
        end -= 1
    return lines[:end], lines[end:]


def _trailer_block(text: list[str], comment: str) -> int | None:
    """Where the last paragraph starts, when every line of it is a trailer (git's `(cherry picked from
    commit …)` line counts as one, as git counts it), a continuation or a comment."""
    start = len(text)
    while start and text[start - 1].strip():
        start -= 1
    if start == 0:  # the subject paragraph is never a trailer block
        return None
    body = [line for line in text[start:] if not line.startswith(comment)]
    if body and _trailer_line(body[0]) and all(_trailer_line(line) or line[:1].isspace() for line in body):
        return start
    return None


def trailer_values(message: str, key: str, comment: str = "#") -> list[str]:
    """Values of the `key` trailers in the message's trailer block (case-insensitive key, as git)."""
    text, _ = _split(message, comment)
    start = _trailer_block(text, comment)
    if start is None:
        return []
    found = (_TRAILER.match(line) for line in text[start:] if not line.startswith(comment))
    return [m.group(2).strip() for m in found if m and m.group(1).lower() == key.lower()]


def with_trailer(message: str, key: str, value: str, *, drop: Sequence[str] = (), comment: str = "#") -> str:
    """The message with `key: value` as its only `key` trailer and no `drop` ones; the rest kept.

    Comments, the scissors line and other trailers stay where they are, so running it twice (an
    amend) changes nothing more. An empty message (git is about to open the editor) keeps its
    first line free for the subject.
    """
    text, tail = _split(message, comment)
    ours = {k.lower() for k in (key, *drop)}
    start = _trailer_block(text, comment)
    if start is None:
        while text and not text[-1].strip():
            text.pop()
        text += ["", f"{key}: {value}"] if text else ["", "", f"{key}: {value}"]
    else:
        kept, skipping = [], False
        for line in text[start:]:
            match = _TRAILER.match(line)
            if match or not line[:1].isspace():
                skipping = bool(match) and match.group(1).lower() in ours
            if not skipping:
                kept.append(line)
        text = text[:start] + kept + [f"{key}: {value}"]
    if not tail or tail == [""]:
        return "\n".join(text) + "\n"
    return "\n".join(text + tail)


def format_tasks(roots: Iterable[str]) -> str:
    """Task folders for a Skipped trailer: comma-separated, JSON-quoted where a folder needs it."""
    return ", ".join(json.dumps(r) if not r or re.search(r'[,"\s\\]|[^ -~]', r) else r for r in roots)


def parse_tasks(values: Iterable[str]) -> list[str]:
    """The task folders named by Skipped trailer values (what format_tasks wrote)."""
    roots = []
    for value in values:
        for token in re.findall(r'"(?:[^"\\]|\\.)*"|[^,\s][^,]*', value):
            try:
                roots.append(json.loads(token) if token.startswith('"') else token.strip())
            except ValueError:
                continue
    return roots


# --- history ---


def verify_trailer(message: str, task_blobs: Callable[[], Mapping[str, str]], where: str) -> Finding | None:
    """What a non-merge commit that changes a task says about its checks; None when it proves they ran.

    `task_blobs`: gives the files (path -> blob id) the commit's tree holds, asked only when there
    is a Checked trailer to verify (old history has none: no tree is read for it); `where`: what
    the finding points at (a task file the commit changes). The policy version is the trailer's
    own: a commit checked under an older policy was still checked.
    """
    skipped = trailer_values(message, SKIPPED)
    if skipped:
        return Finding(where, 1, 1, RECORDED_SKIP,
                       f"committed with the checks skipped, as its {SKIPPED} trailer records "
                       f"({skipped[-1]}); check those tasks now: `training-quality check TASK`", Severity.WARNING)
    checked = trailer_values(message, CHECKED)
    if not checked:
        return Finding(where, 1, 1, MISSING,
                       f"changes a task but has no {CHECKED} trailer: committed past every hook (core.hooksPath "
                       f"elsewhere, SKIP=check-commit-attested, hooks not installed, or the prepare-commit-msg hook type missing); check the "
                       f"task now (`training-quality check TASK`) and install the hooks "
                       f"(default_install_hook_types: [pre-commit, prepare-commit-msg, pre-push])")
    match = re.fullmatch(_TRAILER_VALUE, checked[-1])
    if match and content_digest(task_blobs(), match.group(2)) == match.group(1):
        return None
    return Finding(where, 1, 1, MISMATCH,
                   f"its {CHECKED} trailer ({checked[-1]!r}) does not match the task content this commit holds: "
                   f"the content changed after the checks ran (git am, rebase --apply, a hand-edited trailer); "
                   f"check the task now: `training-quality check TASK`")
