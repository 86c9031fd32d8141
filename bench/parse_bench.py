"""How fast MODEL_FAILURES.md is read, and what the corpus holds.

    python bench/parse_bench.py [CORPUS]     # CORPUS defaults to ../shared/corpus

Prints parse throughput over every MODEL_FAILURES.md of the corpus (MB/s, best of 3), what the
reading found there, and the whole-process time of the `check-model-failures` hook on one
typical task (the median-sized analysis) against `check-jsonschema` on that task's metadata.json.
Figures go in the README and the issue note; tests never time anything.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from hooks.failures import LEVELS, check, parse

PROJECT = Path(__file__).resolve().parent.parent
RUNS = 21


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT.parent / "shared" / "corpus"
    paths = sorted(corpus.glob("**/MODEL_FAILURES.md"))
    if not paths:
        raise SystemExit(f"no MODEL_FAILURES.md under {corpus}")
    texts = [(str(p), p.read_bytes()) for p in paths]
    size = sum(len(data) for _, data in texts)
    best = min(_timed(texts) for _ in range(3))
    print(f"parse: {len(texts)} analyses, {size / 1e6:.1f} MB in {best:.2f} s = {size / 1e6 / best:.2f} MB/s")
    _corpus_figures([parse(path, data.decode("utf-8", "replace")) for path, data in texts])
    typical = sorted(paths, key=lambda p: p.stat().st_size)[len(paths) // 2]
    _process_times(typical)


def _timed(texts: list[tuple[str, bytes]]) -> float:
    start = time.perf_counter()
    for path, data in texts:
        parse(path, data.decode("utf-8", "replace"))
    return time.perf_counter() - start


def _corpus_figures(analyses: list) -> None:
    with_failures = [a for a in analyses if a.failures]
    any_level = [a for a in with_failures if any(f.level for f in a.failures)]
    all_levels = [a for a in with_failures if all(f.level for f in a.failures)]
    failures = [f for a in analyses for f in a.failures]
    sources = Counter(f.level_source or "none" for f in failures)
    findings = Counter((f.code, f.severity.value) for a in analyses for f in check(a))
    print(f"analyses: {len(analyses)}; with failures {len(with_failures)}; with any impact level {len(any_level)}; "
          f"every failure levelled {len(all_levels)}; empty/placeholder {sum(a.empty for a in analyses)}; "
          f"text but no failures read {sum(1 for a in analyses if not a.failures and not a.empty)}")
    print(f"failures: {len(failures)}; by level " + ", ".join(f"{lv} {sum(f.level == lv for f in failures)}" for lv in LEVELS)
          + f", none {sum(f.level is None for f in failures)}; level from " + ", ".join(f"{k} {n}" for k, n in sources.most_common()))
    print(f"declared counts in {sum(bool(a.declared) for a in analyses)}; stated scores in {sum(bool(a.scores) for a in analyses)}; "
          f"competence claims in {sum(bool(a.claims) for a in analyses)}; bypass text in {sum(bool(a.bypasses) for a in analyses)}; "
          f"stated categories on {sum(f.category is not None for f in failures)} failures")
    print("check-model-failures findings: " + ", ".join(f"{code} {sev} {n}" for (code, sev), n in sorted(findings.items())))


def _process_times(typical: Path) -> None:
    hook = shutil.which("training-quality") or sys.executable
    ours = [hook, "check-model-failures", str(typical)] if hook != sys.executable else [hook, "-m", "hooks", "check-model-failures", str(typical)]
    print(f"typical task: {typical} ({typical.stat().st_size} bytes)")
    print(f"hook whole process, median of {RUNS}: {_median_run(ours) * 1000:.0f} ms")
    metadata = typical.parent.parent / "metadata.json"
    reference = shutil.which("check-jsonschema", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if reference and metadata.is_file():
        theirs = [reference, "--schemafile", str(PROJECT / "schemas" / "metadata.schema.json"), str(metadata)]
        print(f"check-jsonschema on its metadata.json, median of {RUNS}: {_median_run(theirs) * 1000:.0f} ms")
    else:
        print("check-jsonschema not found: no reference time")
    imports = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"from hooks.cli import main; main(['check-model-failures', {str(typical)!r}])"],
        capture_output=True, text=True,
    ).stderr
    heavy = sorted((int(line.split("|")[1]), line.split("|")[2].strip()) for line in imports.splitlines()
                   if line.startswith("import time:") and not line.split("|")[2].startswith("  ") and line.split("|")[1].strip().isdigit())
    print("slowest top-level imports (python -X importtime, cumulative): " + ", ".join(f"{name} {us / 1000:.1f} ms" for us, name in heavy[-5:][::-1]))


def _median_run(command: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
