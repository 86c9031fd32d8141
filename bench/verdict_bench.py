"""The training-quality verdict over a corpus: how many tasks it blocks and why, and how fast.

    python bench/verdict_bench.py [CORPUS]     # CORPUS defaults to ../shared/corpus

Prints the share of tasks blocked, by code (a task counts once per code), the share blocked by the
rubric's own verdict (TQ3xx), the direction of stated-score disagreements, tasks per second, and
the whole-process time of the `check-training-quality` hook on one typical task staged in a
scratch git repository (median of 11). Figures go in the issue note; tests never time anything.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from hooks.policy import DEFAULT
from hooks.report import Severity
from hooks.taskfiles import from_disk
from hooks.tasks import FAILURES, IDEAL, METADATA, assess

PROJECT = Path(__file__).resolve().parent.parent
RUNS = 11


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT.parent / "shared" / "corpus"
    if not corpus.is_dir():
        raise SystemExit(f"no corpus at {corpus}")
    names = [os.path.join(root, name) for root, _, files in os.walk(corpus) for name in files
             if name == METADATA or os.path.join(os.path.basename(root), name) == FAILURES]
    tasks = from_disk(names)
    start = time.perf_counter()
    assessments = [assess(task, DEFAULT) for task in tasks]
    elapsed = time.perf_counter() - start
    total = len(assessments)
    by_code: Counter[str] = Counter()
    blocked = verdict = scored = higher = lower = 0
    for a in assessments:
        errors = {f.code for f in a.findings if f.severity is Severity.ERROR}
        by_code.update(errors)
        blocked += bool(errors)
        verdict += any(code.startswith("TQ3") for code in errors)
        scored += bool(a.breakdown and a.breakdown.claimed)
        stated = [s.value for s in a.analysis.scores] if a.analysis and a.breakdown and a.breakdown.claimed else []
        if stated and "TQ301" in errors:
            higher += a.breakdown.claimed.value > stated[0]
            lower += a.breakdown.claimed.value < stated[0]
    print(f"{total} tasks, {scored} with a usable training_quality; {elapsed:.1f} s ({total / elapsed:.0f} tasks/s)")
    print(f"blocked: {blocked} ({blocked / total:.1%}); by the rubric's verdict (TQ3xx): {verdict} ({verdict / total:.1%})")
    for code, n in sorted(by_code.items()):
        print(f"  {code}: {n} ({n / total:.1%})")
    print(f"stated score differs: metadata.json higher in {higher}, lower in {lower}")
    print(f"hook on one typical task: {_hook_seconds(tasks):.3f} s (median of {RUNS})")


def _hook_seconds(tasks: list) -> float:
    """Whole-process time of the hook on the task with the median-sized analysis (its IDEAL_RESPONSE.md
    too, which the complexity reading scans), staged in a scratch repository."""
    whole = [t for t in tasks if t.metadata and t.failures and t.ideal]
    typical = sorted(whole, key=lambda t: len(t.failures or b""))[len(whole) // 2]
    work = Path(tempfile.mkdtemp())
    try:
        for name, data in ((METADATA, typical.metadata), (FAILURES, typical.failures), (IDEAL, typical.ideal)):
            (work / "task" / name).parent.mkdir(parents=True, exist_ok=True)
            (work / "task" / name).write_bytes(data or b"")
        subprocess.run(["git", "init", "-q"], cwd=work, check=True)
        subprocess.run(["git", "add", "-A"], cwd=work, check=True)
        script = Path(sys.executable).with_name("training-quality")  # the console script pre-commit runs
        command = [str(script)] if script.exists() else [sys.executable, "-m", "hooks"]
        hook = [*command, "check-training-quality", "task/metadata.json"]
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            done = subprocess.run(hook, cwd=work, capture_output=True)
            times.append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                raise SystemExit(f"the hook failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
        return statistics.median(times)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
