"""The verdict over the real corpus (../shared/corpus): every task judged, none crashes."""
from __future__ import annotations

import os
import re

import pytest

from hooks.policy import DEFAULT
from hooks.report import Severity
from hooks.taskfiles import from_disk
from hooks.tasks import FAILURES, METADATA, assess
from tests.conftest import SHARED

CORPUS = SHARED / "corpus"


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is absent")
def test_every_corpus_task_gets_a_verdict() -> None:
    names = [os.path.join(root, name) for root, _, files in os.walk(CORPUS) for name in files
             if name == METADATA or os.path.join(os.path.basename(root), name) == FAILURES]
    tasks = from_disk(names)
    assert len(tasks) > 1000
    codes: set[str] = set()
    for task in tasks:
        a = assess(task, DEFAULT)  # a traceback here fails the test with the task in the stack
        for f in a.findings:
            assert re.fullmatch(r"TQ\d{3}", f.code) and f.line >= 1 and f.col >= 1, (task.root, f)
            if f.code.startswith("TQ3"):
                assert f"task {task.root!r}" in f.message
            codes.add(f.code)
        blocked_above = [f for f in a.findings if f.code == "TQ302" and f.severity is Severity.ERROR]
        if blocked_above:  # a block on the maximum is above the generous reading too
            assert a.breakdown and a.breakdown.claimed and a.breakdown.claimed.value > a.breakdown.generous_maximum
    # the real data holds every case the rubric lists
    assert {"TQ301", "TQ302", "TQ303", "TQ304"} <= codes  # (no bypass text in its final files: that is in history)
