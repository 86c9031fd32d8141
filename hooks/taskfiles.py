"""Tasks as the commit will hold them: from the git index when run as a hook, else from disk.

Filenames are grouped into tasks by `tasks.task_root`. Run as a hook, a task with any file in the
index is read wholly from the index, so a commit that stages only metadata.json is checked
against the MODEL_FAILURES.md already committed; such a task's root is relative to the top of the
work tree, where pre-commit runs its hooks. A task with no file in the index (or outside a
repository) is read from disk, its root as given.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from hooks import repo as git_repo
from hooks.report import ConfigError
from hooks.tasks import TASK_FILES, TaskFiles, join, task_root


def from_index(filenames: Sequence[str]) -> tuple[str, list[TaskFiles]]:
    """The repository top (for the policy) and each task, staged content first."""
    try:
        repo = git_repo.open_repo(".")
    except ConfigError:
        return os.getcwd(), from_disk(filenames)
    top = os.path.realpath(repo.working_tree_dir or os.getcwd())
    in_repo: dict[str, str] = {}  # task root relative to the top -> the root as given
    outside = []
    for name in filenames:
        folder = os.path.realpath(os.path.dirname(os.path.abspath(name)))  # the file itself may be a symlink
        relative = os.path.relpath(os.path.join(folder, os.path.basename(name)), top).replace(os.sep, "/")
        root = task_root(relative)
        if relative.startswith("../") or root is None:
            outside.append(name)
        else:
            in_repo.setdefault(root, task_root(_posix(name)) or "")
    staged = git_repo.read_staged(repo, [join(root, name) for root in in_repo for name in TASK_FILES])
    found, unstaged = [], []
    for root, given in in_repo.items():
        files = [staged.get(join(root, name)) for name in TASK_FILES]
        if any(f is not None for f in files):
            found.append(TaskFiles(root, *files))
        else:
            unstaged.append(join(given, TASK_FILES[0]))
    return top, found + from_disk([*outside, *unstaged])


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