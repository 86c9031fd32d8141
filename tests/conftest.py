"""Real git repositories in temporary folders, and this project installed by the real pre-commit."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
EXAMPLE_FILES = Path(__file__).resolve().parent / "example-files"


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, text=True, capture_output=True, check=check)


@pytest.fixture(autouse=True)
def hermetic_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git configuration leaks into a test; commits get a fixed identity."""
    home = tmp_path_factory.getbasetemp() / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Test Author")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "author@example.com")
    for name in ("SKIP", "PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF", "GIT_DIR", "GIT_INDEX_FILE"):
        monkeypatch.delenv(name, raising=False)


class Repo:
    """A scratch git repository with the few moves the tests make."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        git(path, "init", "-q", "-b", "main")

    def write(self, name: str, text: str | bytes) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode())
        return target

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return git(self.path, *args, check=check)

    def commit(self, message: str, *flags: str) -> subprocess.CompletedProcess[str]:
        self.git("add", "-A")
        return self.git("commit", "-q", "-m", message, *flags, check=False)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return Repo(tmp_path / "work")


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """This project as pre-commit sees it: a git repository at a commit, working tree included."""
    dest = tmp_path_factory.mktemp("hook-repo")
    listed = git(PROJECT, "ls-files", "-co", "--exclude-standard", "-z", check=False)
    names = listed.stdout.split("\0") if listed.returncode == 0 else []
    for name in filter(None, names):
        source = PROJECT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    if not names:  # not a checkout: take the tree as it is
        shutil.copytree(PROJECT, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".git", "*.egg-info", "__pycache__"))
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "-m", "snapshot"], cwd=dest, env=env, check=True)
    return str(dest), git(dest, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the whole run: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def pre_commit(repo: Repo, hook_repo: tuple[str, str], pre_commit_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PreCommit]:
    monkeypatch.setenv("PRE_COMMIT_HOME", str(pre_commit_home))
    yield PreCommit(repo, *hook_repo)


class PreCommit:
    """The real pre-commit, configured in `repo` with this project's hooks."""

    def __init__(self, repo: Repo, url: str, rev: str) -> None:
        self.repo, self.url, self.rev = repo, url, rev

    def configure(self, *hook_ids: str, args: tuple[str, ...] = (), install: tuple[str, ...] = ("pre-commit",)) -> None:
        hooks = "".join(f"      - id: {h}\n" + (f"        args: {list(args)!r}\n" if args else "") for h in hook_ids)
        self.repo.write(".pre-commit-config.yaml", f"repos:\n  - repo: {self.url}\n    rev: {self.rev}\n    hooks:\n{hooks}")
        for hook_type in install:
            self.run("install", "--hook-type", hook_type)

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=self.repo.path, text=True, capture_output=True)
