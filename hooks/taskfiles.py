"""Tasks as the commit holds them: from the git index when run as a hook, from the commit
pre-commit names at the pre-push stage (PRE_COMMIT_TO_REF), else from disk.

Filenames are grouped into tasks by `tasks.task_root`. Run as a hook, a task with any file in the
index is read wholly from the index, so a commit that stages only metadata.json is checked
against the MODEL_FAILURES.md already committed; such a task's root is relative to the top of the
work tree, where pre-commit runs its hooks. A task with no file in the index (or outside a
repository) is read from disk, its root as given. Given a commit, every task is read wholly from
its tree, whatever the index and the working tree hold: one it holds no file of is deleted there.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from hooks import repo as git_repo
from hooks.report import ConfigError
from hooks.tasks import TASK_FILES, TaskFiles, join, task_root

if TYPE_CHECKING:
    import git


def from_git(filenames: Sequence[str], ref: str | None = None) -> tuple[str, list[TaskFiles]]:
    """The repository top (for the policy) and each task: as the commit `ref` names holds it, else
    staged content first."""
    try:
        repo = git_repo.open_repo(".")
    except ConfigError:
        if ref:
            raise
        return os.getcwd(), from_disk(filenames)
    top = _top(repo)
    in_repo: dict[str, str] = {}  # task root relative to the top -> the root as given
    outside = []
    for name, relative in _locate(top, filenames, ref).items():
        root = task_root(relative)
        if relative.startswith("../") or root is None:
            outside.append(name)
        else:
            in_repo.setdefault(root, task_root(_posix(name)) or "")
    paths = [join(root, name) for root in in_repo for name in TASK_FILES]
    if ref:
        read = git_repo.read_at(repo, git_repo.resolve_commit(repo, ref), paths)
    else:
        read = git_repo.read_staged(repo, paths)
    found, absent = [], []
    for root, given in in_repo.items():
        files = [read.get(join(root, name)) for name in TASK_FILES]
        if any(f is not None for f in files):
            found.append(TaskFiles(root, *files))
        else:
            absent.append(join(given, TASK_FILES[0]))
    if ref:  # a task the commit holds no file of is deleted there, whatever the disk holds
        return top, found
    return top, found + from_disk([*outside, *absent])


def files_at(ref: str, filenames: Sequence[str]) -> list[tuple[str, bytes]]:
    """Each file (as named) with its content in the commit `ref` names; one the commit does not hold
    (a file pre-commit passes as changed in the pushed range) is deleted there, and left out."""
    repo = git_repo.open_repo(".")
    relative = _locate(_top(repo), filenames, ref)
    read = git_repo.read_at(repo, git_repo.resolve_commit(repo, ref), list(relative.values()))
    return [(name, read[path]) for name, path in relative.items() if path in read]


def _top(repo: git.Repo) -> str:
    """Where pre-commit runs the hooks, symlinks resolved as `_locate` resolves the filenames'."""
    return os.path.realpath(repo.working_tree_dir or os.getcwd())


def _locate(top: str, filenames: Sequence[str], ref: str | None) -> dict[str, str]:
    """Each filename's path from the top of the work tree ("../..." outside it), its folder's
    symlinks resolved but not the file's own (the file itself may be a symlink). Given a commit, a
    file outside the repository is an error: it is in no commit, and reading it from disk would
    pass the working tree off as the commit."""
    located = {}
    for name in filenames:
        folder = os.path.realpath(os.path.dirname(os.path.abspath(name)))
        located[name] = os.path.relpath(os.path.join(folder, os.path.basename(name)), top).replace(os.sep, "/")
        if ref and located[name].startswith("../"):
            raise ConfigError(f"outside the repository, so in no commit ({ref!r} is PRE_COMMIT_TO_REF)", name)
    return located


def from_disk(filenames: Iterable[str]) -> list[TaskFiles]:
    """Each task the filenames belong to, every file of it read from the working tree; a task with
    none of its files there is a usage error (a mistyped path must not pass as a clean task)."""
    roots = dict.fromkeys(root for root in map(task_root, map(_posix, filenames)) if root is not None)
    found = [TaskFiles(root, *(_read(join(root, name)) for name in TASK_FILES)) for root in roots]
    for task in found:
        if task.metadata is None and task.failures is None and task.ideal is None:
            raise ConfigError(f"no task here: none of {', '.join(TASK_FILES)} exists", task.root or ".")
    return found


def config_top(path: str) -> str:
    """Where the policy is read from: the top of the repository holding `path`, else the current folder."""
    try:
        return git_repo.open_repo(path).working_tree_dir or os.getcwd()
    except ConfigError:
        return os.getcwd()


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path) from None


def _posix(path: str) -> str:
    return os.path.normpath(path).replace(os.sep, "/")