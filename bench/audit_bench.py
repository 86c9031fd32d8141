"""The history audit on the real task history: cold, warm, memory, and what it finds.

    python bench/audit_bench.py [BUNDLE]     # BUNDLE defaults to ../shared/bench/task-history.bundle

Clones the bundle into a scratch folder and times, in the same run, `git log -p --format=%H`
(the reference, best of 3) and `training-quality audit --all` as a child process: cold (no
cache), cold with only the task-state verdicts cached (what the audit costs besides
`tasks.check_task`), and warm (a re-run). Each as a ratio to the reference, with the child's peak
memory (resource.getrusage). Then what the audit found: findings by code, and the commits that added
`--no-verify` text to a task (short id, date, author, task); and what reading the trees behind
attestation trailers costs (audit --attested-since). Figures go in the issue note.
"""
from __future__ import annotations

import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^(?P<path>.*):\d+:\d+: (?P<code>TQ\d{3}) (?:warning: )?(?P<message>.*)$")
WHO = re.compile(r"commit (?P<sha>[0-9a-f]{10}) \((?P<author>.*) <[^>]*>, (?P<date>[\d-]{10})\)")


def main() -> None:
    bundle = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT.parent / "shared" / "bench" / "task-history.bundle"
    if not bundle.is_file():
        raise SystemExit(f"no bundle at {bundle}")
    scratch = Path(tempfile.mkdtemp())
    try:
        history = scratch / "h"
        subprocess.run(["git", "clone", "-q", str(bundle), str(history)], check=True)
        _bench(history)
    finally:
        shutil.rmtree(scratch)


def _bench(history: Path) -> None:
    reference = min(_run(["git", "-C", str(history), "log", "-p", "--format=%H"], history)[0] for _ in range(3))
    commits = subprocess.run(["git", "-C", str(history), "rev-list", "--all", "--count"], capture_output=True,
                             text=True, check=True).stdout.strip()
    print(f"history: {commits} commits; reference `git log -p --format=%H`: {reference:.2f} s")
    cache = history / ".git" / "training-quality"
    audit = [sys.executable, "-m", "hooks", "audit", "--all"]

    shutil.rmtree(cache, ignore_errors=True)
    cold, cold_rss, output = _run(audit, history)
    _report("cold audit --all", cold, reference, cold_rss)
    (cache / "audit-commits.json").unlink()
    plumbing, plumbing_rss, _ = _run(audit, history)
    _report("cold, task verdicts cached (all but check_task)", plumbing, reference, plumbing_rss)
    warm, warm_rss, again = _run(audit, history)
    _report("warm re-run", warm, reference, warm_rss)
    assert again == output, "the warm run reported something else"
    _floor(history, reference)
    _trees(history)
    _findings(output)


_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:]).returncode
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(code, time.perf_counter() - start, peak, file=sys.stderr)
"""


def _run(argv: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall time, peak resident memory (KB, resource.getrusage of the child) and stdout of one command.

    A fresh small process runs it, so the peak is that command's (and its own children's) alone.
    """
    done = subprocess.run([sys.executable, "-c", _MEASURE, *argv], cwd=cwd, capture_output=True, check=True)
    *errors, last = done.stderr.decode("utf-8", "replace").splitlines()
    code, seconds, peak = last.split()
    output = done.stdout.decode("utf-8", "replace")
    if int(code) not in (0, 1) or (argv[1:3] == ["-m", "hooks"] and "\naudited " not in output):
        raise SystemExit(f"{' '.join(argv)} exited {code}:\n" + "\n".join(errors))
    return float(seconds), int(peak), output


def _report(what: str, seconds: float, reference: float, rss_kb: int) -> None:
    print(f"{what}: {seconds:.2f} s = {seconds / reference:.2f}x git log -p; peak memory {rss_kb / 1024:.0f} MB")


def _floor(history: Path, reference: float) -> None:
    """What no cold audit can go below: markdown-it-py's block pass alone over every distinct
    MODEL_FAILURES.md in the history, spread over every core (the audit parses each one once)."""
    import multiprocessing
    import os
    import time

    listing = subprocess.run(["git", "-C", str(history), "log", "--all", "--format=", "--raw", "--no-abbrev", "--",
                              "lib/MODEL_FAILURES.md", "*/lib/MODEL_FAILURES.md"], capture_output=True, check=True)
    blobs = sorted({line.split()[3] for line in listing.stdout.decode().splitlines() if line.startswith(":")} - {"0" * 40})
    batch = subprocess.run(["git", "-C", str(history), "cat-file", "--batch"], input="".join(f"{b}\n" for b in blobs).encode(),
                           capture_output=True, check=True).stdout
    texts, at = [], 0
    for _ in blobs:
        header_end = batch.index(b"\n", at)
        size = int(batch[at:header_end].split()[2])
        texts.append(batch[header_end + 1 : header_end + 1 + size].decode("utf-8", "replace"))
        at = header_end + 2 + size
    cores = len(os.sched_getaffinity(0))
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        start = time.perf_counter()
        pool.map(_block_pass, texts, chunksize=16)
        seconds = time.perf_counter() - start
    megabytes = sum(map(len, texts)) / 1e6
    print(f"floor, markdown-it-py's block pass alone over the {len(texts)} distinct analyses ({megabytes:.1f} MB) on"
          f" {cores} core(s): {seconds:.2f} s = {seconds / reference:.2f}x git log -p")


def _block_pass(text: str) -> int:
    from hooks.failures import _markdown

    return len(_markdown().parse(text))


def _trees(history: Path, count: int = 3000) -> None:
    """What `audit --attested-since` reads for each commit with a Checked trailer: the task files of
    its tree. The newest `count` commits' trees read together (one `git diff-tree` stream) against
    one `git ls-tree` per commit (every 30th), and compared."""
    import time

    from hooks import repo as gitrepo
    from hooks.tasks import task_root

    repo = gitrepo.open_repo(str(history))
    commits = [c for c in gitrepo.log(repo, gitrepo.list_commits(repo, all_refs=True)) if not c.is_merge][:count][::-1]
    start = time.perf_counter()
    together = dict(gitrepo.trees_blobs(repo, commits, lambda path: task_root(path) is not None))
    batched = (time.perf_counter() - start) / len(commits)
    sample = commits[::30]
    start = time.perf_counter()
    one_by_one = {c.sha: {p: b for p, b in gitrepo.tree_blobs(repo, c.sha).items() if task_root(p) is not None} for c in sample}
    single = (time.perf_counter() - start) / len(sample)
    assert all(together[sha] == blobs for sha, blobs in one_by_one.items()), "trees read together differ"
    files = sum(map(len, one_by_one.values())) // len(sample)
    print(f"task files of {len(commits)} commits' trees (~{files} each), read together: {batched * 1000:.2f} ms a commit;"
          f" one `git ls-tree` per commit: {single * 1000:.1f} ms ({len(sample)} compared, equal)")


def _findings(output: str) -> None:
    lines = [m for m in map(LINE.match, output.splitlines()) if m]
    by_code = collections.Counter(m["code"] for m in lines)
    commits = {code: len({w["sha"] for m in lines if m["code"] == code and (w := WHO.search(m["message"]))})
               for code in by_code}
    print("findings: " + ", ".join(f"{code} {n} in {commits[code]} commit(s)" for code, n in sorted(by_code.items())))
    leaks = {}
    for m in lines:
        if m["code"] == "TQ403" and "no-verify" in m["message"].split(" text ")[0]:
            who = WHO.search(m["message"])
            leaks.setdefault(who["sha"], (who["date"], who["author"], m["path"]))
    print(f"commits that added `--no-verify` text to a task (TQ403): {len(leaks)}")
    for sha, (date, author, path) in sorted(leaks.items(), key=lambda item: item[1]):
        print(f"  {sha} {date} {author}: {path}")


if __name__ == "__main__":
    main()
