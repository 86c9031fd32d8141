"""The history audit: commits that went past the hooks (`--no-verify`, `SKIP=`, another hooksPath).

Git records nothing about a skipped hook, so the audit looks back: for every commit in scope it
checks each task the commit changes, as the commit left it, with the same checks a staged commit
gets (`tasks.check_task`); a state those checks block was committed past them. Each commit also
goes through the per-commit checks in `COMMIT_CHECKS` (bypass text in its message and in the lines
it adds, a score raised while the analysis stayed as it was); one more check is one more entry.

Data flows one way: repo.py streams `Commit` records (one `git log` with raw diffs) and answers
batched blob lookups; this module turns them into `Hit`s (a finding plus the content key the
baseline uses); cli.py prints them. Verdicts are cached by commit id and by task blob ids (with
the policy version and a digest of this package's code) inside the git directory, so a second run
only does new work.
"""
from __future__ import annotations

import collections
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hooks import attest
from hooks import repo as gitrepo
from hooks.policy import Policy
from hooks.report import ConfigError, Finding, Severity, quoted
from hooks.tasks import FAILURES, METADATA, TASK_FILES, TaskFiles, join, task_root
from hooks.tasks import text as blob_text

if TYPE_CHECKING:
    import git

    from hooks.failures import Bypass
    from hooks.repo import Change, Commit
    from hooks.schema import Schema

STATE = "TQ401"  # the task as the commit left it is blocked by the hooks
MESSAGE = "TQ402"  # bypass or score-editing text in the commit message
ADDED = "TQ403"  # bypass or score-editing text in lines the commit adds to a task file
RAISED = "TQ404"  # training_quality raised while MODEL_FAILURES.md stayed as it was
UNSEEN = "TQ405"  # a shallow clone: history the audit could not see
MESSAGE_PATH = "COMMIT_MSG"  # where a commit-message finding points: line and column in the message

BASELINE = ".training-quality-baseline.json"
HOW_TO_CLEAR = ("A finding on a commit stays until that commit is rewritten (`git commit --amend` for the last one,"
                " `git rebase -i` for an older one; `git show COMMIT:PATH` shows what it held) or acknowledged"
                " (`training-quality audit --update-baseline`, then commit the baseline file).")
_BASELINE_VERSION = 1
_CACHE_FORMAT = 1
_CHUNK = 500  # commits whose task files are looked up, and checked, in one batch
_PARALLEL_FROM = 100  # commits to audit that pay for starting a worker per core


@dataclass(frozen=True)
class Scope:
    """Which commits to audit: reachable from `tips`, not from `exclude` (verified commit ids)."""

    description: str
    tips: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    all_refs: bool = False
    not_on_remote: str | None = None  # leave out what this remote has ("" any remote)
    since: str | None = None
    replaceable: str | None = None  # HEAD while a commit is made: it may amend HEAD, so HEAD's findings warn


@dataclass(frozen=True)
class Hit:
    """One history finding and what it is about: the baseline keys it by content, not by line."""

    commit: str
    task: str
    code: str
    evidence: str
    finding: Finding

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.commit, self.task, self.code, _digest(self.evidence)

    def to_json(self) -> list[Any]:
        f = self.finding
        return [self.commit, self.task, self.code, self.evidence, f.path, f.line, f.col, f.message, f.severity.value]

    @classmethod
    def from_json(cls, row: Any) -> Hit:
        """A hit as `to_json` wrote it; any other shape is a TypeError or ValueError (a broken cache)."""
        commit, task, code, evidence, path, line, col, message, severity = _typed(row, (str, str, str, str, *_FINDING))
        return cls(commit, task, code, evidence, Finding(path, line, col, code, message, Severity(severity)))


_FINDING = (str, int, int, str, str)  # path, line, column, code, message: a blocking finding as the cache holds it


def _finding_row(f: Finding) -> list[Any]:
    return [f.path, f.line, f.col, f.code, f.message]


def _typed(row: Any, types: tuple[type, ...]) -> list[Any]:
    """A cached row, a list whose fields have exactly these types (true is no line number); else a
    TypeError: a cache entry of the wrong shape is a broken cache, never trusted."""
    if type(row) is not list or len(row) != len(types) or any(type(v) is not t for v, t in zip(row, types)):
        raise TypeError("a cache entry of the wrong shape")
    return row


@dataclass
class Result:
    hits: list[Hit]
    commits: list[str]  # the commits in scope, newest first
    baselined: int = 0  # hits left out because the baseline acknowledges them


# --- scope ---


def hook_scope(repo: git.Repo, env: Mapping[str, str]) -> Scope:
    """The scope pre-commit gives the hook: the pushed range, else the local commits not on a remote.

    pre-commit sets PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF together, never empty, or neither (a
    push that holds a root commit sets neither): one alone names no scope, and is a usage error.
    """
    source, target = env.get("PRE_COMMIT_FROM_REF"), env.get("PRE_COMMIT_TO_REF")
    if bool(source) != bool(target):
        raise ConfigError(f"PRE_COMMIT_FROM_REF and PRE_COMMIT_TO_REF come together (pre-commit sets both or neither):"
                          f" got {source!r} and {target!r}")
    if source and target:
        start, end = gitrepo.resolve_commit(repo, source), gitrepo.resolve_commit(repo, target)
        return Scope(f"pushed range {start[:10]}..{end[:10]}", (end,), (start,))
    remote = env.get("PRE_COMMIT_REMOTE_NAME")
    if remote and env.get("PRE_COMMIT_LOCAL_BRANCH"):  # a push that holds a root commit
        tip = gitrepo.resolve_commit(repo, env["PRE_COMMIT_LOCAL_BRANCH"])
        return Scope(f"commits not on {remote}", (tip,), not_on_remote=remote)
    return local_scope(repo, committing="GIT_INDEX_FILE" in env)  # git sets it for the hooks of a commit


def local_scope(repo: git.Repo, committing: bool = False) -> Scope:
    """HEAD's commits that no remote-tracking branch holds (all of them where there is no remote).
    `committing`: a commit is being made, which may be the amend (or the rebase edit) that fixes HEAD."""
    head = gitrepo.head_commit(repo)
    return Scope("local commits not on any remote", (head,) if head else (), not_on_remote="",
                 replaceable=head if committing else None)


def manual_scope(repo: git.Repo, *, all_refs: bool, since: str | None, range_: str | None) -> Scope:
    """`--all`, `--since DATE`, `--range A..B` by hand (they combine); none of them: the local scope."""
    if since:
        gitrepo.check_date(repo, since, "--since")
    if range_:
        if "..." in range_:
            raise ConfigError(f"--range takes A..B (commits in B not in A), not a symmetric difference: {range_!r}")
        start, dots, end = range_.partition("..")
        tips = (gitrepo.resolve_commit(repo, end or "HEAD"),) if dots else (gitrepo.resolve_commit(repo, start),)
        exclude = (gitrepo.resolve_commit(repo, start or "HEAD"),) if dots else ()
        return Scope(f"range {range_}", tips, exclude, all_refs, since=since)
    if all_refs or since:
        head = gitrepo.head_commit(repo)
        tips = () if all_refs or not head else (head,)
        where = ("every branch, tag and remote" if all_refs else "HEAD") + (f" since {since}" if since else "")
        return Scope(where, tips, all_refs=all_refs, since=since)
    return local_scope(repo)


# --- the audit ---

CommitCheck = Callable[["Commit", "Context"], list[Hit]]
Added = list[tuple[int, str, str, str]]  # bypass text in added lines: (line in the new blob, kinds, excerpt, evidence)
Score = tuple[float, int, int] | None  # training_quality in a metadata.json blob, with its line and column


@dataclass
class Work:
    """Content to check, named by blob ids: what `judge` reads and checks, here or in a worker."""

    states: dict[str, tuple[str, tuple[str | None, ...]]] = field(default_factory=dict)  # key -> (root, blobs)
    diffs: list[tuple[str | None, str]] = field(default_factory=list)  # (old, new): the lines new adds
    scores: list[str] = field(default_factory=list)  # metadata.json blobs whose training_quality is compared

    def shards(self, count: int) -> list[Work]:
        """Split by content, one part per worker (some may be empty): a task state goes where its
        analysis goes, so each is parsed once."""
        parts = [Work() for _ in range(count)]
        for key, (root, blobs) in self.states.items():
            parts[_shard(blobs[1] or blobs[0], count)].states[key] = (root, blobs)
        for old, new in self.diffs:
            parts[_shard(new, count)].diffs.append((old, new))
        for blob in self.scores:
            parts[_shard(blob, count)].scores.append(blob)
        return parts


@dataclass
class Verdicts:
    """What `judge` found in a `Work`: verdicts of task states, bypass text added, scores."""

    states: dict[str, list[Finding]] = field(default_factory=dict)
    added: dict[tuple[str | None, str], Added] = field(default_factory=dict)
    scores: dict[str, Score] = field(default_factory=dict)

    def update(self, other: Verdicts) -> None:
        self.states.update(other.states)
        self.added.update(other.added)
        self.scores.update(other.scores)


def judge(repo: git.Repo, work: Work, policy: Policy, schema: Schema | None = None) -> Verdicts:
    """Every content check of a `Work`, its blobs read in one batch: a cold audit's main cost."""
    wanted = {*(b for _, blobs in work.states.values() for b in blobs), *(b for diff in work.diffs for b in diff), *work.scores}
    data = gitrepo.read_blobs(repo, sorted(b for b in wanted if b))
    return Verdicts(
        {key: _blocking(TaskFiles(root, *(None if b is None else data[b] for b in blobs)), policy, schema)
         for key, (root, blobs) in work.states.items()},
        {(old, new): _added_bypass(data[old] if old else None, data[new]) for old, new in work.diffs},
        {blob: _score(data[blob]) for blob in work.scores},
    )


class Judges:
    """Where `judge` runs: in this process, or for a long history in one worker per core.

    Work is split by content (`Work.shards`), so a worker keeps what it parsed (tasks._read) for the
    next task state with the same analysis. Workers are forked before the log is streamed, open
    the repository anew and read their blobs themselves: only blob ids and findings cross processes.
    """

    def __init__(self, repo: git.Repo, policy: Policy, workers: int, schema: Schema | None = None) -> None:
        self.repo, self.policy, self.schema, self.verdicts = repo, policy, schema, Verdicts()
        self.pending: list[Any] = []  # multiprocessing AsyncResults
        self.pools = _forked_pools(str(repo.working_tree_dir or repo.git_dir), workers, schema) if workers > 1 else []

    def submit(self, work: Work) -> None:
        if not self.pools:
            self.verdicts.update(judge(self.repo, work, self.policy, self.schema))
            return
        for pool, part in zip(self.pools, work.shards(len(self.pools))):  # part i always to worker i
            if part.states or part.diffs or part.scores:
                self.pending.append(pool.apply_async(_judge_in_worker, (part, self.policy)))

    def results(self) -> Verdicts:
        for answer in self.pending:
            self.verdicts.update(answer.get())
        self.pending = []
        return self.verdicts

    def close(self) -> None:
        for pool in self.pools:
            pool.terminate()


def _forked_pools(top: str, workers: int, schema: Schema | None) -> list[Any]:
    """One single-process pool per worker; none where processes cannot be forked (then all runs here).
    A forked worker takes the schema as it is, never pickled."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return []
    context = multiprocessing.get_context("fork")
    return [context.Pool(1, _start_worker, (top, schema)) for _ in range(workers)]


_WORKER_REPO: git.Repo | None = None  # a worker's own repository object (its git processes are its own)
_WORKER_SCHEMA: Schema | None = None


def _start_worker(top: str, schema: Schema | None) -> None:
    import gc
    import signal

    global _WORKER_REPO, _WORKER_SCHEMA
    _WORKER_REPO, _WORKER_SCHEMA = gitrepo.open_repo(top), schema
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle: it ends the workers
    gc.freeze()  # what the fork brought along is never garbage: keep collections off it
    gc.set_threshold(50_000, 20, 100)  # parsing makes millions of short-lived objects, and no cycles


def _judge_in_worker(work: Work, policy: Policy) -> Verdicts:
    assert _WORKER_REPO is not None
    return judge(_WORKER_REPO, work, policy, _WORKER_SCHEMA)


def _shard(blob: str | None, count: int) -> int:
    return int(blob[:8], 16) % count if blob else 0


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass
class Context:
    """What a per-commit check may read: task states as each commit left them, and what `judge` found."""

    repo: git.Repo
    policy: Policy
    verdicts: Verdicts
    located: dict[tuple[str, str], tuple[str | None, ...]] = field(default_factory=dict)  # (commit, root) -> blobs
    asked: set[object] = field(default_factory=set)  # state keys, diffs and blobs sent to `judge`, answered or not
    shallow: frozenset[str] = frozenset()
    attested: frozenset[str] = frozenset()  # commits from the attestation start on (attest.py)
    attestations: dict[str, Finding] = field(default_factory=dict)  # what their trailers fail to prove
    cached: dict[str, Any] = field(default_factory=dict)  # task verdicts from the cache, as rows not yet decoded

    def locate(self, commits: Sequence[Commit]) -> Work:
        """Find, in one batched lookup, the task files each commit left as they were; return what is
        new to check in these commits (none already in `verdicts`, from this run or the cache)."""
        queries = []
        for commit in commits:
            touched = {c.path for c in commit.changes}
            for root in _touched_roots(commit):
                queries += [(commit.sha, p) for p in (join(root, n) for n in TASK_FILES) if p not in touched]
        siblings = gitrepo.blobs_at(self.repo, queries)
        work = Work()
        for commit in commits:
            changed = {c.path: c.new_blob for c in commit.changes}
            for root in _touched_roots(commit):
                paths = [join(root, name) for name in TASK_FILES]
                blobs = tuple(changed[p] if p in changed else siblings.get((commit.sha, p)) for p in paths)
                self.located[(commit.sha, root)] = blobs
                key = _state_key(root, blobs)
                if (blobs[0] or blobs[1]) and not self._known(key):
                    work.states[key] = (root, blobs)
            if commit.sha not in self.shallow:
                work.diffs += [(c.old_blob, c.new_blob) for c in _task_changes(commit) if c.new_blob]
                work.scores += [b for c in _score_changes(commit) for b in (c.old_blob, c.new_blob) if b]
        work.diffs = [d for d in dict.fromkeys(work.diffs) if d not in self.asked]
        work.scores = [b for b in dict.fromkeys(work.scores) if b not in self.asked]
        self.asked.update(work.states, work.diffs, work.scores)
        return work

    def _known(self, key: str) -> bool:
        """Judged or asked in this run, or in the cache: decoded only now (a hook's scope is a few of
        the states a whole history's cache holds), and judged again if its entry has the wrong shape."""
        if key in self.verdicts.states or key in self.asked:
            return True
        found = _cached(self.cached, key, lambda row: Finding(*_typed(row, _FINDING)))
        if found is not None:
            self.verdicts.states[key] = found
        return found is not None

    def task_blobs(self, commit: Commit, root: str) -> tuple[str | None, ...]:
        """Blob ids of the task's files as `commit` left them."""
        return self.located[(commit.sha, root)]

    def verdict(self, root: str, blobs: tuple[str | None, ...]) -> list[Finding]:
        return self.verdicts.states[_state_key(root, blobs)]


def _blocking(task: TaskFiles, policy: Policy, schema: Schema | None) -> list[Finding]:
    """The findings that would have blocked a staged commit of this task state."""
    from hooks.tasks import check_task

    return [f for f in check_task(task, policy, schema) if f.severity is Severity.ERROR]


def _state_key(root: str, blobs: tuple[str | None, ...]) -> str:
    return "\0".join((root, *(b or "-" for b in blobs)))


def audit(repo: git.Repo, scope: Scope, policy: Policy, baseline: Baseline | None = None,
          attested_since: str | None = None, workers: int | None = None, schema: Schema | None = None) -> Result:
    """Every hit in scope not acknowledged by the baseline; shallow-clone blind spots included.

    `attested_since` (a commit or a date; None: off): from then on a commit that changes a task
    must carry a valid attestation trailer (attest.py); older history has none. `workers`: processes
    for the content checks (default: one per core, for a history long enough to pay for them). `schema`: the
    repository's own metadata schema (None: the shipped one), as check-training-quality gets it.
    """
    shas = gitrepo.list_commits(repo, scope.tips, scope.exclude, all_refs=scope.all_refs,
                                not_on_remote=scope.not_on_remote, since=scope.since)
    shallow = gitrepo.shallow_commits(repo) & set(shas)
    named, attested = _attested_era(repo, scope, attested_since) if attested_since else ("", frozenset())
    cache = Cache(repo, policy, named, schema)
    rows = cache.commits()
    done = _decoded(rows, shas)
    fresh: dict[str, list[Hit]] = {}
    todo = [sha for sha in shas if sha not in done]
    if todo:
        ctx = Context(repo, policy, Verdicts(), shallow=frozenset(shallow), attested=attested, cached=cache.states())
        if workers is None:
            workers = _cores() if len(todo) >= _PARALLEL_FROM else 1
        judges = Judges(repo, policy, workers, schema)  # before `git log` starts: no pipe of it goes to the workers
        try:
            commits: list[Commit] = []
            for chunk in _chunks(gitrepo.log(repo, todo), _CHUNK):
                judges.submit(ctx.locate(chunk))
                commits += chunk
            ctx.verdicts.update(judges.results())
        finally:
            judges.close()
        ctx.attestations = _verify_attestations(commits, ctx)
        for commit in commits:
            fresh[commit.sha] = [hit for check in COMMIT_CHECKS for hit in check(commit, ctx)]
        # a shallow boundary's diff changes once its parents are fetched: never cached
        rows.update((sha, [h.to_json() for h in hits]) for sha, hits in fresh.items() if sha not in shallow)
        cache.save(rows, {**ctx.cached, **{key: [_finding_row(f) for f in found] for key, found in ctx.verdicts.states.items()}})
    hits = [hit for sha in shas for hit in (done[sha] if sha in done else fresh.get(sha, []))]
    hits += [_unseen(sha) for sha in sorted(shallow)]
    hits = [_replaceable(h) if h.commit == scope.replaceable else h for h in hits]
    result = Result(hits, shas)
    if baseline is not None:
        acknowledged = baseline.keys
        anywhere = {key[1:] for key in acknowledged}  # at a shallow boundary the commit that made it is unknown
        result.hits = [h for h in hits if h.key not in acknowledged and not (h.commit in shallow and h.key[1:] in anywhere)]
        result.baselined = len(hits) - len(result.hits)
    return result


def _decoded(rows: dict[str, Any], shas: Iterable[str]) -> dict[str, list[Hit]]:
    """The cached hits of these commits: only they are decoded (a hook's scope is a few commits of a
    cache that may hold the whole history). An entry of the wrong shape is dropped, and its commit
    audited again."""
    return {sha: hits for sha in shas if (hits := _cached(rows, sha, Hit.from_json)) is not None}


def _cached(rows: dict[str, Any], key: str, decode: Callable[[Any], Any]) -> list[Any] | None:
    """The cache's rows for `key`, decoded; None where it has none, or rows of the wrong shape (dropped)."""
    if key not in rows:
        return None
    try:
        return [decode(row) for row in rows[key]]
    except (TypeError, ValueError):
        del rows[key]
        return None


def _replaceable(hit: Hit) -> Hit:
    """A finding on HEAD while a commit is being made warns: that commit may replace HEAD."""
    f = hit.finding
    if f.severity is Severity.WARNING:
        return hit
    note = " (a warning while a commit that may amend it is made; once a commit builds on it, or at a push, it blocks)"
    return replace(hit, finding=replace(f, message=f.message + note, severity=Severity.WARNING))


def _attested_era(repo: git.Repo, scope: Scope, start: str) -> tuple[str, frozenset[str]]:
    """What `start` names now (a commit id, else the absolute date git reads it as: a branch moves, a
    relative date slides) and the commits in scope from then on: `git log START^@..` for a commit,
    `--since` for a date."""
    try:
        sha = gitrepo.resolve_commit(repo, start)
    except ConfigError:  # not a commit: a date in git's formats
        if re.fullmatch(r"[0-9a-fA-F]{7,64}", start):  # an id this clone lacks, which git would read as some date
            raise
        date = gitrepo.check_date(repo, start, "--attested-since")
        return date, frozenset(gitrepo.list_commits(repo, scope.tips, scope.exclude, all_refs=scope.all_refs,
                                                    not_on_remote=scope.not_on_remote, since=date))
    return sha, frozenset(gitrepo.list_commits(repo, scope.tips, (*scope.exclude, *gitrepo.parents(repo, sha)),
                                               all_refs=scope.all_refs, not_on_remote=scope.not_on_remote))


def _chunks(items: Iterable[Commit], size: int) -> Iterator[list[Commit]]:
    batch: list[Commit] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _touched_roots(commit: Commit) -> list[str]:
    """The task folders whose files this commit changes (a regular file's content, added or kept)."""
    roots = (task_root(c.path) for c in commit.changes if c.new_mode.startswith("100"))
    return sorted({r for r in roots if r is not None})


def _state_hits(commit: Commit, ctx: Context) -> list[Hit]:
    """The task as the commit left it would have been blocked: it was committed past the hooks.
    At a shallow clone's first commit every file looks added: the state is told, nobody blamed
    (and the baseline's entry for it under its real commit holds)."""
    hits = []
    boundary = commit.sha in ctx.shallow
    for root in _touched_roots(commit):
        blobs = ctx.task_blobs(commit, root)
        if blobs[0] is None and blobs[1] is None:
            continue  # only IDEAL_RESPONSE.md: not a task the checks read
        for f in ctx.verdict(root, blobs):
            if boundary:
                message = (f"task {quoted(root or '.')} as this shallow clone's history starts (commit {commit.short}) would"
                           f" be blocked: {f.code} {f.message}; the commit that made it is not in this clone")
            else:
                message = f"{_who(commit)} committed task {quoted(root or '.')} past the hooks: {f.code} {f.message}"
            hits.append(Hit(commit.sha, root, STATE, f"{f.code} {f.message}",
                            Finding(f.path, f.line, f.col, STATE, message)))
    return hits


def _message_hits(commit: Commit, ctx: Context) -> list[Hit]:
    """Bypass text in the message: evidence when the commit changes a task, a warning otherwise."""
    from hooks import bypass

    roots = _touched_roots(commit)
    severity = Severity.ERROR if roots else Severity.WARNING
    why = "" if roots else " (the commit changes no task)"
    return [
        Hit(commit.sha, ",".join(roots), MESSAGE, evidence,
            Finding(MESSAGE_PATH, line, 1, MESSAGE, f"{_who(commit)}: its message carries {kinds} text{why}: {text!r}",
                    severity))
        for line, kinds, text, evidence in _by_line(bypass.find(commit.message))
    ]


def _by_line(bypasses: Iterable[Bypass]) -> Iterator[tuple[int, str, str, str]]:
    """Bypass evidence one line at a time: (line, kinds, excerpt, evidence), a line's kinds together."""
    by_line: dict[int, list[Bypass]] = {}
    for found in bypasses:
        by_line.setdefault(found.line, []).append(found)
    for number, found in sorted(by_line.items()):
        kinds = ", ".join(b.kind for b in found)
        excerpt = max((b.text for b in found), key=len)
        yield number, kinds, excerpt, f"{kinds} {excerpt}"


def _added_hits(commit: Commit, ctx: Context) -> list[Hit]:
    """Bypass text in the lines the commit adds to task files: the commit that introduced it."""
    if commit.sha in ctx.shallow:
        return []  # its parents are missing: every line would look added
    hits = []
    for change in _task_changes(commit):
        if change.new_blob is None:
            continue
        root = task_root(change.path) or ""
        for line, kinds, excerpt, evidence in ctx.verdicts.added[(change.old_blob, change.new_blob)]:
            message = f"{_who(commit)} added {kinds} text to task {quoted(root or '.')}: {excerpt!r}"
            hits.append(Hit(commit.sha, root, ADDED, evidence, Finding(change.path, line, 1, ADDED, message)))
    return hits


def _added_bypass(old: bytes | None, new: bytes) -> Added:
    """The bypass text the new blob holds on lines the old one lacks. It is the text the checks find in
    the whole file (tasks.bypasses, read once per blob), so a command continued over several lines
    counts where any of its lines is new."""
    from hooks import bypass
    from hooks.tasks import bypasses

    found = bypasses(new)
    if not found:  # most blobs: no line to compare
        return []
    lines = bypass.lines(blob_text(new))
    added = _added_lines(bypass.lines(blob_text(old)) if old is not None else [], lines)
    return list(_by_line(b for b in found if not added.isdisjoint(range(b.line, _continued_to(lines, b.line) + 1))))


def _continued_to(lines: Sequence[str], start: int) -> int:
    """The last line of a command that starts on line `start` and goes on past lines ending in a backslash."""
    end = start
    while end < len(lines) and lines[end - 1].endswith("\\"):
        end += 1
    return end


def _raised_hits(commit: Commit, ctx: Context) -> list[Hit]:
    """training_quality went up while the task's MODEL_FAILURES.md stayed as it was."""
    if commit.sha in ctx.shallow:
        return []
    hits = []
    for change in _score_changes(commit):
        root = task_root(change.path) or ""
        old, new = (ctx.verdicts.scores[b] if b else None for b in (change.old_blob, change.new_blob))
        if old is None or new is None or new[0] <= old[0] or ctx.task_blobs(commit, root)[1] is None:
            continue
        message = (f"{_who(commit)} raised training_quality of task {quoted(root or '.')} from {old[0]:g} to {new[0]:g}"
                   f" without touching {FAILURES}: a score changes with the analysis it rests on")
        hits.append(Hit(commit.sha, root, RAISED, f"{old[0]:g}->{new[0]:g}",
                        Finding(change.path, new[1], new[2], RAISED, message, Severity.WARNING)))
    return hits


def _attestation_hits(commit: Commit, ctx: Context) -> list[Hit]:
    """From the attestation start on, a commit that changes a task proves with its trailer that the checks ran."""
    found = ctx.attestations.get(commit.sha)
    if found is None:
        return []
    roots = ",".join(_touched_roots(commit))
    return [Hit(commit.sha, roots, found.code, found.message,
                Finding(found.path, 1, 1, found.code, f"{_who(commit)}: {found.message}", found.severity))]


def _verify_attestations(commits: Sequence[Commit], ctx: Context) -> dict[str, Finding]:
    """What each commit due a trailer fails to prove (attest.verify_trailer). The trees behind the
    Checked trailers are read together, oldest first: one git process, not one per commit."""
    due = [c for c in reversed(commits) if c.sha in ctx.attested and not c.is_merge and c.sha not in ctx.shallow
           and any(_task_changes(c))]
    checked = {c.sha for c in due if attest.trailer_values(c.message, attest.CHECKED)}
    trees = gitrepo.trees_blobs(ctx.repo, [c for c in due if c.sha in checked], lambda path: task_root(path) is not None)
    found = {}
    for commit in due:
        blobs = next(trees)[1] if commit.sha in checked else {}  # in the same order
        where = next(_task_changes(commit)).path
        verdict = attest.verify_trailer(commit.message, lambda blobs=blobs: blobs, where)
        if verdict is not None:
            found[commit.sha] = verdict
    return found


# The per-commit checks, in order; one more check is one more entry.
COMMIT_CHECKS: list[CommitCheck] = [_state_hits, _message_hits, _added_hits, _raised_hits, _attestation_hits]


def _task_changes(commit: Commit) -> Iterator[Change]:
    return (c for c in commit.changes if c.new_mode.startswith("100") and task_root(c.path) is not None)


def _score_changes(commit: Commit) -> Iterator[Change]:
    """The metadata.json changes of tasks whose MODEL_FAILURES.md the commit leaves as it was."""
    rewritten = {c.path for c in commit.changes if c.old_blob != c.new_blob}  # a plain move keeps the content
    for change in _task_changes(commit):
        root = task_root(change.path)
        if change.path.endswith(METADATA) and root is not None and join(root, FAILURES) not in rewritten:
            yield change


def _added_lines(old: Sequence[str], new: Sequence[str]) -> set[int]:
    """The 1-based numbers of the lines of `new` that `old` does not have (as a multiset)."""
    have = collections.Counter(old)
    added = set()
    for number, line in enumerate(new, 1):
        if have[line]:
            have[line] -= 1
        else:
            added.add(number)
    return added


def _score(data: bytes) -> Score:
    """training_quality where metadata.json gives a number (also "9"), with its line and column."""
    from hooks import metadata

    meta = metadata.parse(METADATA, data)[0]
    value = meta.training_quality if meta else None
    try:
        return None if isinstance(value, bool) else (float(value), *meta.position("training_quality"))
    except (TypeError, ValueError):
        return None


def _unseen(sha: str) -> Hit:
    message = (f"shallow clone: the history before commit {sha[:10]} is not in this clone and was not audited;"
               " fetch it (`git fetch --unshallow`, or `fetch-depth: 0` in CI) to audit every commit")
    return Hit(sha, "", UNSEEN, "shallow", Finding(".git/shallow", 1, 1, UNSEEN, message, Severity.WARNING))


def _who(commit: Commit) -> str:
    return f"commit {commit.short} ({commit.author} <{commit.email}>, {commit.date[:10]})"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]


# --- baseline ---


@dataclass(frozen=True)
class Baseline:
    """Acknowledged findings, keyed by content (commit, task, code, evidence digest)."""

    path: Path
    entries: tuple[dict[str, str], ...]

    @property
    def keys(self) -> set[tuple[str, str, str, str]]:
        return {(e["commit"], e["task"], e["code"], e["evidence"]) for e in self.entries}

    @classmethod
    def load(cls, path: Path) -> Baseline:
        """The baseline at `path`; none there is an empty one, a broken one a configuration error."""
        try:
            data = json.loads(path.read_bytes())
            if type(data["version"]) is not int or data["version"] != _BASELINE_VERSION:
                raise ConfigError(f"baseline version {data['version']!r}: this training-quality reads version"
                                  f" {_BASELINE_VERSION}; use the one that wrote it, or delete the file and run"
                                  " `training-quality audit --update-baseline`", str(path))
            entries = tuple({**{k: str(e[k]) for k in ("commit", "task", "code", "evidence")},
                             "finding": str(e.get("finding", ""))} for e in data["entries"])
        except FileNotFoundError:
            return cls(path, ())
        except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:  # RecursionError: nested too deep
            raise ConfigError(f"unreadable baseline ({exc.__class__.__name__}: {exc}); fix or delete it, then"
                              " run `training-quality audit --update-baseline`", str(path)) from None
        return cls(path, entries)

    def updated(self, result: Result, scope_commits: set[str]) -> Baseline:
        """This run's hits acknowledged; entries for commits outside the scope kept as they were."""
        kept = [e for e in self.entries if e["commit"] not in scope_commits]
        new = [{"commit": h.commit, "task": h.task, "code": h.code, "evidence": h.key[3], "finding": h.finding.format()}
               for h in result.hits if h.code != UNSEEN]
        unique = {(e["commit"], e["task"], e["code"], e["evidence"]): e for e in kept + new}
        return Baseline(self.path, tuple(unique[k] for k in sorted(unique)))

    def write(self) -> None:
        try:
            data = {"version": _BASELINE_VERSION, "entries": list(self.entries)}
            self.path.write_text(json.dumps(data, indent=1) + "\n")
        except OSError as exc:
            raise ConfigError(f"cannot write the baseline: {exc.strerror}", str(self.path)) from None


# --- cache ---


class Cache:
    """Verdicts by commit id and by task blob ids, valid for one policy version and this code.

    Two state files in the git directory all worktrees share (repo.write_state: atomic), as what
    they hold is named by content; a broken or stale one is ignored and rebuilt by the run, never an error.
    A commit's hits also depend on the attestation start (`attested`: the commit id or absolute date
    `--attested-since` names, "" for none); a task's verdict does not, so it outlives a new start.
    """

    COMMITS, STATES = "audit-commits.json", "audit-states.json"

    def __init__(self, repo: git.Repo, policy: Policy, attested: str = "", schema: Schema | None = None) -> None:
        self.repo = repo
        checks = f"{_CACHE_FORMAT}-{policy.version}-{_code_digest()}-{schema.digest if schema else ''}"
        self.keys = {self.COMMITS: f"{checks}-{attested}", self.STATES: checks}

    def commits(self) -> dict[str, Any]:
        """Each commit's hits as `Hit.to_json` rows, undecoded (`_decoded` reads those in scope)."""
        return self._load(self.COMMITS)

    def states(self) -> dict[str, Any]:
        """Each task state's blocking findings as `_finding_row` rows, undecoded (Context._known reads them)."""
        return self._load(self.STATES)

    def save(self, commits: Mapping[str, Any], states: Mapping[str, Any]) -> None:
        """Best effort: a cache that cannot be written only means the next run does the work again.
        Both as rows, as `commits` and `states` give them."""
        try:
            self._save(self.COMMITS, commits)
            self._save(self.STATES, states)
        except OSError:
            pass

    def _load(self, name: str) -> dict[str, Any]:
        try:
            data = json.loads(gitrepo.read_state(self.repo, name, shared=True) or "{}")
        except (ValueError, RecursionError):
            return {}
        key = self.keys[name]
        if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("entries"), dict):
            return {}
        return data["entries"]

    def _save(self, name: str, entries: Mapping[str, Any]) -> None:
        data = {"key": self.keys[name], "entries": entries}
        gitrepo.write_state(self.repo, name, json.dumps(data, separators=(",", ":")), shared=True)


def _code_digest() -> str:
    """This package's code: a cached verdict goes stale when the checks that gave it change."""
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]
