"""The only module that runs git, always through GitPython.

Every call is batched (one `ls-files` for many paths, blobs through the object database's
persistent `cat-file --batch`), and every path or ref reaches git after `--` or
`--end-of-options`, never where it could be read as an option.
"""
from __future__ import annotations

import collections
import contextlib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from hooks.report import ConfigError

if TYPE_CHECKING:
    import git


def open_repo(path: str = ".") -> git.Repo:
    """The repository that holds `path`; outside one, a configuration error (exit 2)."""
    import git

    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise ConfigError("not inside a git repository", os.path.abspath(path)) from None
    # the objects as they are, as a push sends them: a replace ref must not change what is judged (or cached)
    repo.git.update_environment(GIT_NO_REPLACE_OBJECTS="1")
    return repo


def git_dir(repo: git.Repo, shared: bool = False) -> Path:
    """Where this tool keeps its state: inside the git directory, never the work tree. `shared`:
    the directory every worktree of the repository has in common (what holds for any of them)."""
    return Path(repo.common_dir if shared else repo.git_dir)


def staged_blobs(repo: git.Repo, paths: Sequence[str]) -> dict[str, str]:
    """Blob id of each path (relative to the top of the work tree) as staged in the index; others left out."""
    if not paths:
        return {}
    out = repo.git.ls_files("-s", "-z", "--", *paths, strip_newline_in_stdout=False)
    blobs = {}
    for entry in filter(None, out.split("\0")):
        meta, path = entry.split("\t", 1)
        mode, sha, stage = meta.split()
        if stage == "0" and mode.startswith("100"):
            blobs[path] = sha
    return blobs


def read_blobs(repo: git.Repo, shas: Iterable[str]) -> dict[str, bytes]:
    """Contents of blobs by id, all through one `git cat-file --batch` (requests pipelined)."""
    wanted = list(dict.fromkeys(shas))
    with _fed(repo, "cat_file", ("--batch",), [f"{sha}\n".encode() for sha in wanted]) as out:
        blobs = {}
        for sha in wanted:
            header = out.readline().split()
            if len(header) != 3:
                raise ConfigError(f"git cannot read object {sha}: the repository is incomplete or damaged (a partial"
                                  " clone?); fetch what is missing (`git fetch --refetch`) and run again")
            blobs[sha] = out.read(int(header[2]))
            out.read(1)  # the newline after each object
        return blobs


@contextlib.contextmanager
def _fed(repo: git.Repo, command: str, options: Sequence[str], requests: Sequence[bytes]) -> Iterator[BinaryIO]:
    """A git command reading requests on stdin (`cat-file --batch`, `diff-tree --stdin`), which a
    thread writes while the caller reads the answers.

    Writing everything first could deadlock on full pipes; one round trip per request is slow.
    """
    import subprocess
    import threading

    proc = getattr(repo.git, command)(*options, as_process=True, istream=subprocess.PIPE)

    def feed() -> None:
        try:
            proc.stdin.writelines(requests)
            proc.stdin.close()
        except OSError:  # git went away: the reader sees it
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        yield proc.stdout
    except BaseException:  # the reader stopped early: git may be blocked writing answers nobody reads
        proc.kill()
        writer.join()
        proc.proc.wait()
        raise
    writer.join()
    proc.wait()


def read_staged(repo: git.Repo, paths: Sequence[str]) -> dict[str, bytes]:
    """The staged content of each path (what the commit will hold); unstaged paths are left out."""
    return _contents(repo, staged_blobs(repo, paths))


def read_at(repo: git.Repo, commit: str, paths: Sequence[str]) -> dict[str, bytes]:
    """The content of each path (relative to the top of the work tree) in a commit's tree (a verified
    id), as `read_staged` reads the index: paths where it holds no regular file are left out."""
    if not paths:
        return {}
    found = blobs_at(repo, [(commit, path) for path in paths])
    return _contents(repo, {path: sha for (_, path), sha in found.items() if sha is not None})


def _contents(repo: git.Repo, blobs: dict[str, str]) -> dict[str, bytes]:
    """Each path's content, from its blob id."""
    contents = read_blobs(repo, blobs.values())
    return {path: contents[sha] for path, sha in blobs.items()}


# --- history: scope, one streaming `git log`, batched lookups (the audit, issue 5) ---

# --encoding: messages and names in UTF-8 whatever the commit's encoding (i18n.commitEncoding) or the
# repository's i18n.logOutputEncoding, as `_text` reads them
_LOG_FLAGS = ("--no-color", "--no-ext-diff", "--no-textconv", "--no-abbrev", "--no-mailmap", "--encoding=UTF-8",
              "--no-show-signature", "--root", "--raw", "-z")  # log.showSignature would print into the records
_FULL_ID = re.compile("[0-9a-f]{40}|[0-9a-f]{64}")  # a commit id as git prints it: sha1, sha256


@dataclass(frozen=True)
class Change:
    """One file a commit changes, from `git log --raw`: blob ids are None where the side is absent or
    no regular file (a symlink, a submodule), as the hooks, which read regular files only, see it."""

    path: str  # for a rename, the new path (its old blob is the content at the old one)
    old_blob: str | None  # the first parent's version (a merge's combined diff lists each parent's)
    new_blob: str | None
    new_mode: str


@dataclass(frozen=True)
class Commit:
    """A commit as the audit reads it: ids, author, date, full message and what it changes."""

    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    date: str  # strict ISO 8601, the author date
    message: str
    changes: tuple[Change, ...]

    @property
    def short(self) -> str:
        return self.sha[:10]

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


def resolve_commit(repo: git.Repo, rev: str) -> str:
    """The full id of the commit `rev` names; anything else (an option, a tree, nothing) is a usage error.

    Only a bare full id counts: `rev-parse --verify` answers a negation (`^REF`) with `^<id>`.
    """
    import git

    try:
        sha = repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    except git.GitCommandError:
        sha = ""
    if not _FULL_ID.fullmatch(sha):
        raise ConfigError(f"not a commit: {rev!r}")
    return sha


def check_date(repo: git.Repo, date: str, option: str) -> str:
    """The absolute date git reads `date` as (`@<seconds>`, which `--since` takes); a usage error
    where git reads it as now, as it reads any text it cannot parse ("yesterdy", "zzz"): such a date
    would leave every commit out without a word."""
    cutoff, now = (line.rpartition("=")[2] for line in repo.git.rev_parse(f"--since={date}", "--since=now").split())
    if cutoff == now:
        raise ConfigError(f"git reads {date!r} as the date now, as it reads any text that is no date it knows, so no"
                          " commit would count: give a date such as 2025-01-01 or '2 weeks ago'", option)
    return f"@{cutoff}"


def head_commit(repo: git.Repo) -> str | None:
    """The commit HEAD points at (detached or not); None in a repository with no commits yet."""
    import git

    try:
        return repo.git.rev_parse("--verify", "--quiet", "HEAD^{commit}")
    except git.GitCommandError:
        pass
    try:  # an unborn branch has no ref yet; a ref that names no readable commit is a broken repository
        repo.git.rev_parse("--verify", "--quiet", repo.git.symbolic_ref("--quiet", "HEAD"))
    except git.GitCommandError:
        return None
    raise ConfigError("HEAD names no readable commit (a missing or broken object): `git fsck` says what is wrong")


def list_commits(
    repo: git.Repo,
    tips: Sequence[str] = (),
    exclude: Sequence[str] = (),
    *,
    all_refs: bool = False,
    not_on_remote: str | None = None,
    since: str | None = None,
) -> list[str]:
    """Ids of the commits reachable from `tips` (verified ids) and not from `exclude`, newest first.

    `not_on_remote`: also leave out what any remote-tracking branch of that remote holds ("" for
    every remote). `all_refs`: start from every branch, tag and remote-tracking branch, never from
    `refs/stash`: a stash is work in progress put aside, not a commit anyone made past the hooks.
    """
    options = ["--exclude=refs/stash", "--all"] if all_refs else []
    if not_on_remote is not None:
        remotes = f"--remotes={not_on_remote}/*" if not_on_remote else "--remotes"
        options += ["--not", remotes, "--not"]
    if since:
        options.append(f"--since={since}")
    revs = [*tips, *(f"^{sha}" for sha in exclude)]
    if not revs and not all_refs:
        return []
    out = repo.git.rev_list(*options, "--end-of-options", *revs)
    return out.split()


def shallow_commits(repo: git.Repo) -> frozenset[str]:
    """The commits whose parents this (shallow) clone does not have; empty for a full clone."""
    try:
        return frozenset((Path(repo.common_dir) / "shallow").read_text().split())
    except OSError:
        return frozenset()


def log(repo: git.Repo, shas: Sequence[str]) -> Iterator[Commit]:
    """The given commits with their raw diffs, streamed from git as they come.

    Ordinary commits come from one `git log -M` (renames found); merges from a second `git log
    --cc --no-renames`, which lists only what a merge changed against every parent (its own
    resolution, never its parents' work) — rename detection across merges costs ~20x as much.
    """
    yield from _log(repo, shas, ("-M", "--no-merges"))
    yield from _log(repo, shas, ("--cc", "--no-renames", "--merges"))


def _log(repo: git.Repo, shas: Sequence[str], flags: Sequence[str]) -> Iterator[Commit]:
    if not shas:
        return
    import subprocess

    token = os.urandom(8).hex().encode()
    start, end = b"\x01S" + token, b"\x01E" + token
    fmt = f"--format={start.decode()}%H %P%x00%an%x00%ae%x00%aI%x00%B{end.decode()}"
    proc = repo.git.log(
        *_LOG_FLAGS, *flags, "--no-walk=unsorted", "--stdin", fmt, as_process=True, istream=subprocess.PIPE
    )
    proc.stdin.write(("\n".join(shas) + "\n").encode())
    proc.stdin.close()
    yield from (_record(r, end) for r in _split_stream(proc.stdout, start) if r)
    proc.wait()


def _record(data: bytes, end: bytes) -> Commit:
    head, _, raw = data.partition(end)
    ids, author, email, date, message = head.split(b"\0", 4)
    sha, *parents = ids.decode().split()
    return Commit(
        sha, tuple(parents), _text(author), _text(email), date.decode(), _text(message), tuple(_changes(raw))
    )


def _changes(raw: bytes) -> Iterator[Change]:
    """Parse `--raw -z` entries: `:modes shas status\\0path\\0[path\\0]`, `::` ones for a merge."""
    fields = raw.lstrip(b"\0\n").split(b"\0")
    i = 0
    while i < len(fields) and fields[i].startswith(b":"):
        colons = len(fields[i]) - len(fields[i].lstrip(b":"))
        meta = fields[i][colons:].decode().split()
        parents = colons
        modes, blobs, status = meta[: parents + 1], meta[parents + 1 : 2 * parents + 2], meta[-1]
        paths = 2 if status[0] in "RC" and colons == 1 else 1  # a rename or copy: the old path, then the new
        names = [_path(p) for p in fields[i + 1 : i + 1 + paths]]
        i += 1 + paths
        yield Change(path=names[-1], old_blob=_blob(modes[0], blobs[0]), new_blob=_blob(modes[-1], blobs[-1]),
                     new_mode=modes[-1])


def _blob(mode: str, sha: str) -> str | None:
    """The blob id of a regular file; None for an absent side (mode 000000), a symlink or a submodule."""
    return sha if mode.startswith("100") else None


def _path(name: bytes) -> str:
    return name.decode("utf-8", "surrogateescape")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def blobs_at(repo: git.Repo, queries: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """Blob id of each (commit, path), None where the commit holds no regular file there (none, a
    symlink, a submodule), as `staged_blobs` reads the index.

    `<commit>:<path>` answers for a symlink too and git 2.39 has no `%(objectmode)`, so the folders
    holding the paths are read, modes and all, in one `cat-file --batch`.
    """
    folders = {(sha, path): (sha, path.rpartition("/")[0]) for sha, path in queries}
    simple = [f for f in dict.fromkeys(folders.values()) if "\n" not in f[1]]
    requests = [f"{sha}:{folder}\n".encode("utf-8", "surrogateescape") for sha, folder in simple]
    entries: dict[tuple[str, str], dict[bytes, str]] = {}
    with _fed(repo, "cat_file", ("--batch",), requests) as out:
        for sha, folder in simple:
            header = out.readline().split()  # `<id> <type> <size>`, or `<request> missing` (no such folder)
            if header and header[-1].isdigit():
                data = out.read(int(header[-1]))
                out.read(1)  # the newline after each object
                entries[(sha, folder)] = _regular_files(data, len(sha) // 2) if header[1] == b"tree" else {}
    answers: dict[tuple[str, str], str | None] = {}
    for (sha, path), folder in folders.items():
        if "\n" in folder[1]:  # a newline in the folder's path: walk the trees instead
            answers[(sha, path)] = _tree_lookup(repo, sha, path)
        else:
            name = path.rpartition("/")[2].encode("utf-8", "surrogateescape")
            answers[(sha, path)] = entries.get(folder, {}).get(name)
    return answers


def _regular_files(tree: bytes, id_size: int) -> dict[bytes, str]:
    """The regular files a raw tree object lists (`<mode> <name>\\0<binary id>` entries), by name."""
    files, i = {}, 0
    while i < len(tree):
        space = tree.index(b" ", i)
        end = tree.index(b"\0", space) + 1
        if tree.startswith(b"100", i):
            files[tree[space + 1 : end - 1]] = tree[end : end + id_size].hex()
        i = end + id_size
    return files


def _tree_lookup(repo: git.Repo, sha: str, path: str) -> str | None:
    import stat

    try:
        item = repo.commit(sha).tree / path
    except KeyError:
        return None
    return item.hexsha if stat.S_ISREG(item.mode) else None


# --- commit attestation (issue 6): what the index changes, what a tree holds, state files ---

STATE_DIR = "training-quality"  # inside the git directory


def staged_changes(repo: git.Repo) -> list[str]:
    """Every path the index changes against HEAD, deletions included (every staged file before the
    first commit): none at all is a message-only amend, a deletion is not."""
    out = repo.git.diff("--cached", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", "--no-color",
                        strip_newline_in_stdout=False)
    return list(filter(None, out.split("\0")))


def index_blobs(repo: git.Repo) -> dict[str, str]:
    """Blob id of every regular file in the index (GIT_INDEX_FILE, during a commit)."""
    return staged_blobs(repo, ["."])


def tree_blobs(repo: git.Repo, commit: str) -> dict[str, str]:
    """Blob id of every regular file in a commit's tree."""
    out = repo.git.ls_tree("-r", "-z", "--full-tree", "--end-of-options", commit, strip_newline_in_stdout=False)
    blobs = {}
    for entry in filter(None, out.split("\0")):
        meta, path = entry.split("\t", 1)
        mode, kind, sha = meta.split()
        if mode.startswith("100"):
            blobs[path] = sha
    return blobs


def trees_blobs(repo: git.Repo, commits: Sequence[Commit], keep: Callable[[str], bool]) -> Iterator[tuple[str, dict[str, str]]]:
    """`tree_blobs` of many commits, only the paths `keep` accepts, in the order given (oldest
    first is cheapest). The first tree is listed whole; every other is an earlier one (its first
    parent where that came before) plus what differs, all from one streaming `git diff-tree`."""
    if not commits:
        return
    bases, seen = [], {commits[0].sha}
    for previous, commit in zip(commits, commits[1:]):
        parent = commit.parents[0] if commit.parents else None
        bases.append(parent if parent in seen else previous.sha)
        seen.add(commit.sha)
    uses = collections.Counter(bases)  # a tree is kept while a later one is read from it
    first = {path: blob for path, blob in tree_blobs(repo, commits[0].sha).items() if keep(path)}
    kept = {commits[0].sha: first} if uses[commits[0].sha] else {}
    yield commits[0].sha, first
    requests = [f"{c.sha} {base}\n".encode() for c, base in zip(commits[1:], bases)]  # a commit and the parent to diff against
    with _fed(repo, "diff_tree", _DIFF_TREE, requests) as out:
        for (commit, base), (sha, changes) in zip(zip(commits[1:], bases), _tree_diffs(out)):
            if sha != commit.sha:
                raise ValueError(f"git diff-tree answered for {sha}, not {commit.sha}")
            blobs = dict(kept[base])
            for path, mode, blob in changes:
                if not keep(path):
                    continue
                if mode.startswith("100"):
                    blobs[path] = blob
                else:  # deleted, or now a symlink or submodule
                    blobs.pop(path, None)
            uses[base] -= 1
            if not uses[base]:
                del kept[base]
            if uses[commit.sha]:
                kept[commit.sha] = blobs
            yield commit.sha, blobs


_DIFF_TREE = ("--stdin", "--always", "-r", "-z", "--raw", "--no-renames", "--no-abbrev", "--no-ext-diff", "--no-textconv")


def _tree_diffs(out: BinaryIO) -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
    """`diff-tree --stdin --always -z --raw` output: each commit id, then (path, new mode, new blob) per change."""
    tokens = _split_stream(out, b"\0")
    sha, changes = None, []
    for token in tokens:
        if token.startswith(b":"):
            _, mode, _, blob, _ = token[1:].decode().split()
            changes.append((_path(next(tokens)), mode, blob))
        elif token:
            if sha is not None:
                yield sha, changes
            sha, changes = token.decode().strip(), []
    if sha is not None:
        yield sha, changes


def _split_stream(out: BinaryIO, separator: bytes) -> Iterator[bytes]:
    """The parts of a stream between separators, read as they come (the last only if not empty).
    A part longer than a chunk (a commit with thousands of files) grows in place, and is split once."""
    pending = bytearray()
    while chunk := out.read(1 << 16):
        searched = max(0, len(pending) - len(separator) + 1)  # a separator may straddle the chunks
        pending += chunk
        if pending.find(separator, searched) >= 0:
            *parts, rest = bytes(pending).split(separator)
            yield from parts
            pending = bytearray(rest)
    if pending:
        yield bytes(pending)


def object_format(repo: git.Repo) -> str:
    """The repository's hash: "sha1", or "sha256" for a repository made with --object-format=sha256."""
    return _config(repo, "extensions.objectformat") or "sha1"


def comment_char(repo: git.Repo) -> str:
    """What starts a comment line in a commit message (core.commentChar; "auto" is taken as "#")."""
    char = _config(repo, "core.commentchar")
    return char if char and char != "auto" else "#"


def _config(repo: git.Repo, key: str) -> str | None:
    import git

    try:
        return repo.git.config("--get", "--end-of-options", key) or None
    except git.GitCommandError:  # exit 1: not set
        return None


def read_state(repo: git.Repo, name: str, shared: bool = False) -> str | None:
    """A state file this tool keeps in the git directory (`git_dir`); None when there is none."""
    try:
        return (git_dir(repo, shared) / STATE_DIR / name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def write_state(repo: git.Repo, name: str, text: str, shared: bool = False) -> None:
    """Replace a state file atomically: a temporary file beside it, then os.replace (readers see old or new)."""
    import tempfile

    folder = git_dir(repo, shared) / STATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, folder / name)
    except BaseException:
        os.unlink(tmp)
        raise


def head_message(repo: git.Repo) -> str:
    """The message of the commit HEAD points at; "" before the first commit."""
    try:
        return repo.head.commit.message
    except ValueError:  # an unborn branch
        return ""


def head_blobs(repo: git.Repo) -> dict[str, str]:
    """Blob id of every regular file in HEAD's tree; none before the first commit."""
    return tree_blobs(repo, "HEAD") if repo.head.is_valid() else {}


def parents(repo: git.Repo, sha: str) -> list[str]:
    """The parents of a commit (a verified id)."""
    return [p.hexsha for p in repo.commit(sha).parents]


def merging(repo: git.Repo) -> bool:
    """Whether the commit being made is a merge: git keeps MERGE_HEAD until it is committed."""
    return (git_dir(repo) / "MERGE_HEAD").is_file()
