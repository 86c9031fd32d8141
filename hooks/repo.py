"""The only module that runs git, always through GitPython.

Every call is batched (one `ls-files` for many paths, blobs through the object database's
persistent `cat-file --batch`), and every path or ref reaches git after `--` or
`--end-of-options`, never where it could be read as an option.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hooks.report import ConfigError

if TYPE_CHECKING:
    import git


def open_repo(path: str = ".") -> git.Repo:
    """The repository that holds `path`; outside one, a configuration error (exit 2)."""
    import git

    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise ConfigError("not inside a git repository", os.path.abspath(path)) from None


def git_dir(repo: git.Repo) -> Path:
    """Where this tool keeps its state (records, caches): inside the git directory, never the work tree."""
    return Path(repo.git_dir)


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
    """Contents of blobs by id, all through one persistent `git cat-file --batch`."""
    return {sha: repo.odb.stream(bytes.fromhex(sha)).read() for sha in dict.fromkeys(shas)}


def read_staged(repo: git.Repo, paths: Sequence[str]) -> dict[str, bytes]:
    """The staged content of each path (what the commit will hold); unstaged paths are left out."""
    blobs = staged_blobs(repo, paths)
    contents = read_blobs(repo, blobs.values())
    return {path: contents[sha] for path, sha in blobs.items()}
