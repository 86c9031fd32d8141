"""A task: the folder holding metadata.json and lib/MODEL_FAILURES.md (and lib/IDEAL_RESPONSE.md).

Contract shared by the verdict (issue 4), the history audit (issue 5) and the commit
attestation (issue 6): files are grouped by `task_root`; `check_task` runs every check a
staged commit gets, on contents, so the same verdict serves the index and any commit in history.
"""
from __future__ import annotations

from dataclasses import dataclass

from hooks.policy import Policy
from hooks.report import Finding

METADATA = "metadata.json"
FAILURES = "lib/MODEL_FAILURES.md"
IDEAL = "lib/IDEAL_RESPONSE.md"
TASK_FILES = (METADATA, FAILURES, IDEAL)


@dataclass(frozen=True)
class TaskFiles:
    root: str  # the task folder relative to the repository top, "" when the task is the top
    metadata: bytes | None  # None: the file is absent
    failures: bytes | None
    ideal: bytes | None

    def path(self, name: str) -> str:
        return f"{self.root}/{name}" if self.root else name


def task_root(path: str) -> str | None:
    """The task folder a task file belongs to; None for any other file."""
    for name in TASK_FILES:
        if path == name:
            return ""
        if path.endswith("/" + name):
            return path[: -len(name) - 1]
    return None


def check_task(task: TaskFiles, policy: Policy) -> list[Finding]:
    """Every finding a staged commit of this task would get (issue 4 fills this in)."""
    raise NotImplementedError
