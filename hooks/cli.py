"""The `training-quality` command: one subcommand per hook, plus the tools around them."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from typing import NoReturn

from hooks import report
from hooks.report import ConfigError

_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", "cdk.out", ".terraform"}


class _Parser(argparse.ArgumentParser):
    """argparse, but an unknown option is named before a missing argument: in `training-quality
    --bogus` the option is the mistake, and "the following arguments are required: COMMAND" hides it."""

    def parse_known_args(self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
                         ) -> tuple[argparse.Namespace, list[str]]:
        self._given = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        if message.startswith("the following arguments are required"):
            unknown = self._unknown()
            if unknown:
                message = f"unrecognized arguments: {' '.join(unknown)}"
        super().error(message)

    def _unknown(self) -> list[str]:
        """What this parser leaves unread of the same arguments once nothing is required."""
        required = [action for action in self._actions if action.required]
        for action in required:
            action.required = False
        try:
            return super().parse_known_args(self._given)[1]
        finally:
            for action in required:
                action.required = True


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="training-quality", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="run every check on tasks (folders or files)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    _schema_option(check)
    _policy_option(check)
    check.set_defaults(run=_check)

    meta = commands.add_parser("check-metadata", help="hook: validate metadata.json files")
    meta.add_argument("filenames", nargs="*", metavar="FILE")
    _schema_option(meta)
    meta.set_defaults(run=_check_metadata)

    failures = commands.add_parser("check-model-failures", help="hook: check MODEL_FAILURES.md files as a reviewer reads them")
    failures.add_argument("filenames", nargs="*", metavar="FILE")
    _policy_option(failures)
    failures.set_defaults(run=_check_model_failures)

    parse = commands.add_parser("parse", help="print what a MODEL_FAILURES.md says, as JSON (schemas/model-failures.schema.json)")
    parse.add_argument("path", metavar="PATH")
    parse.set_defaults(run=_parse)

    quality = commands.add_parser("check-training-quality", help="hook: block a training_quality its failure analysis contradicts")
    quality.add_argument("filenames", nargs="*", metavar="FILE")
    _schema_option(quality)
    _policy_option(quality)
    quality.set_defaults(run=_check_training_quality)

    explain = commands.add_parser("explain", help="print the reviewer's breakdown of a task's training_quality")
    explain.add_argument("task", metavar="TASK", help="the task folder (holding metadata.json)")
    _schema_option(explain)
    _policy_option(explain)
    explain.set_defaults(run=_explain)

    audit = commands.add_parser("audit", help="find commits that went past the hooks (default: local commits not on a remote)")
    audit.add_argument("--all", dest="all_refs", action="store_true", help="every commit on a branch, tag or remote-tracking branch (not the stash)")
    audit.add_argument("--since", type=_given, metavar="DATE", help="only commits since DATE (git's date formats)")
    audit.add_argument("--range", dest="range_", type=_given, metavar="A..B", help="the commits in B that are not in A")
    audit.add_argument("--update-baseline", action="store_true", help="acknowledge every finding in scope in the baseline")
    _history_options(audit)
    audit.set_defaults(run=_audit)

    no_verify = commands.add_parser("check-no-verify", help="hook: audit the commits being pushed, or not yet pushed")
    _history_options(no_verify)
    no_verify.set_defaults(run=_check_no_verify)

    attested = commands.add_parser("check-commit-attested",
                                   help="hook (prepare-commit-msg): abort a commit the checks did not pass, else add a trailer")
    attested.add_argument("message_file", metavar="MSG_FILE", help="the commit message file git passes the hook")
    # git passes a bare hook the message's source and a commit too; neither tells a merge (MERGE_HEAD does)
    attested.add_argument("git_args", nargs="*", default=[], help=argparse.SUPPRESS)  # a default: never "required"
    attested.add_argument("--on-skip", choices=("abort", "record"), default="abort",
                          help="when the checks were skipped: abort the commit (default), or let it through "
                               "with a Training-Quality-Skipped trailer")
    attested.set_defaults(run=_check_commit_attested)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ConfigError as exc:
        print(f"training-quality: {exc.format()}", file=sys.stderr)
        return report.USAGE
    except KeyboardInterrupt:  # Ctrl-C: stop quietly, with the shell's exit code for it
        print("training-quality: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped early (`audit --all | head`): stop quietly, as SIGPIPE would
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing left to flush at exit
        return 141
    except Exception as exc:  # git failed (a broken object, a refused repository): say git's words, no traceback
        if type(exc).__module__.split(".")[0] not in ("git", "gitdb"):
            raise
        detail = getattr(exc, "stderr", "") or str(exc)
        print(f"training-quality: error: git failed: {' '.join(str(detail).split())[:500]}", file=sys.stderr)
        return report.USAGE


def _schema_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--schema",
        metavar="PATH",
        help="validate metadata.json against this JSON Schema instead of the shipped one",
    )


def _metadata_schema(args: argparse.Namespace):  # -> Schema, imported lazily
    from hooks import metadata, schema

    return schema.Schema(*(schema.load(args.schema) if args.schema else schema.shipped(metadata.SCHEMA)))


def _own_schema(args: argparse.Namespace):  # -> Schema | None: None is the shipped one, which tasks loads lazily
    return _metadata_schema(args) if args.schema else None


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path) from None


def _pushed_ref() -> str | None:
    """The commit whose content the hooks judge, where pre-commit names one: at the pre-push stage
    (the local branch alone for a push that holds a root commit, as history.hook_scope reads it), and
    for `pre-commit run --from-ref A --to-ref B` (CI). The index and the working tree may hold
    anything then (staged work in progress, another branch), none of it what is pushed."""
    env = os.environ
    if env.get("PRE_COMMIT_TO_REF"):
        return env["PRE_COMMIT_TO_REF"]
    if env.get("PRE_COMMIT_REMOTE_NAME"):  # a push that holds a root commit names only its branch
        return env.get("PRE_COMMIT_LOCAL_BRANCH") or None
    return None


def _hook_files(filenames: Sequence[str]) -> list[tuple[str, bytes]]:
    """Each file a hook is given with the content it judges: at the pushed commit (which may have
    deleted it: then it is left out), else on disk."""
    ref = _pushed_ref()
    if ref is None:
        return [(path, _read(path)) for path in filenames]
    from hooks import taskfiles  # runs git: imported only where a commit is read

    return taskfiles.files_at(ref, filenames)


def _check_metadata(args: argparse.Namespace) -> int:
    from hooks import metadata

    schema = _metadata_schema(args)
    files = _hook_files(args.filenames)
    return report.emit(finding for path, data in files for finding in metadata.check(path, data, schema))


def _policy_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a policy setting on top of pyproject.toml / setup.cfg (see docs/policy.md), e.g. threshold=9",
    )


def _history_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--baseline", metavar="PATH",
                        help="acknowledged findings (default: .training-quality-baseline.json at the repository top)")
    parser.add_argument("--attested-since", type=_given, metavar="COMMIT|DATE",
                        help="from this commit (or date) on, a commit that changes a task must carry a valid "
                             "Training-Quality-Checked trailer (check-commit-attested); off by default")
    parser.add_argument("--jobs", "-j", type=_positive, metavar="N",
                        help="processes that check content (default: one per core for a long history)")
    _schema_option(parser)
    _policy_option(parser)


def _given(text: str) -> str:
    """A value that is there: an empty one would be read as no option at all, the default scope without a word."""
    if not text:
        raise argparse.ArgumentTypeError("an empty value: give one, or leave the option out")
    return text


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {text!r}")
    return int(text)


def _audit(args: argparse.Namespace) -> int:
    from hooks import history, repo

    git_repo = repo.open_repo()
    scope = history.manual_scope(git_repo, all_refs=args.all_refs, since=args.since, range_=args.range_)
    return _run_audit(args, git_repo, scope, update=args.update_baseline, verbose=True)


def _check_no_verify(args: argparse.Namespace) -> int:
    from hooks import history, repo

    git_repo = repo.open_repo()
    return _run_audit(args, git_repo, history.hook_scope(git_repo, os.environ), update=False, verbose=False)


def _run_audit(args: argparse.Namespace, git_repo, scope, *, update: bool, verbose: bool) -> int:  # (.., git.Repo, Scope, ..)
    from pathlib import Path

    from hooks import history, policy

    top = git_repo.working_tree_dir or os.getcwd()
    baseline = history.Baseline.load(Path(args.baseline) if args.baseline else Path(top, history.BASELINE))
    result = history.audit(git_repo, scope, policy.load(top, args.set), None if update else baseline,
                           args.attested_since, args.jobs, _own_schema(args))
    if update:
        updated = baseline.updated(result, set(result.commits))
        updated.write()
        report.say(f"{baseline.path}: {len(updated.entries)} acknowledged finding(s), {len(result.commits)} commit(s) audited")
        return report.PASS
    code = report.emit(h.finding for h in result.hits)
    if code == report.FINDINGS:
        report.say(history.HOW_TO_CLEAR)
    if verbose:
        acknowledged = f", {result.baselined} more acknowledged in {baseline.path}" if result.baselined else ""
        report.say(f"audited {len(result.commits)} commit(s) ({scope.description}): {len(result.hits)} finding(s){acknowledged}")
    return code


def _check_training_quality(args: argparse.Namespace) -> int:
    from hooks import attest, policy, taskfiles, tasks

    top, found = taskfiles.from_git(args.filenames, _pushed_ref())
    rules, schema = policy.load(top, args.set), _own_schema(args)
    code = report.emit(finding for task in found for finding in tasks.check_task(task, rules, schema))
    if code == report.PASS:  # what the prepare-commit-msg hook (check-commit-attested) looks for
        attest.record_checked(found, rules)
    return code


def _check_commit_attested(args: argparse.Namespace) -> int:
    from hooks import attest, repo

    git_repo = repo.open_repo()
    try:
        with open(args.message_file, encoding="utf-8", errors="surrogateescape", newline="") as f:
            message = f.read()
    except OSError as exc:
        raise ConfigError(f"cannot read the commit message: {exc.strerror}", args.message_file) from None
    outcome = attest.attest(
        message,
        repo.staged_changes(git_repo),
        repo.index_blobs(git_repo),
        attest.Record.load(repo.read_state(git_repo, attest.RECORD)),
        on_skip=args.on_skip,
        merging=repo.merging(git_repo),
        comment=repo.comment_char(git_repo),
        head_message=repo.head_message(git_repo),
        head_blobs=lambda: repo.head_blobs(git_repo),
    )
    if outcome.message is not None and outcome.message != message:
        with open(args.message_file, "w", encoding="utf-8", errors="surrogateescape", newline="") as f:
            f.write(outcome.message)
    return report.emit(outcome.findings)


def _explain(args: argparse.Namespace) -> int:
    from hooks import explain, policy, taskfiles, tasks

    if not os.path.isdir(args.task):
        raise ConfigError("not a task folder", args.task)
    found = taskfiles.from_disk([os.path.join(args.task, tasks.METADATA)])
    assessment = tasks.assess(found[0], policy.load(taskfiles.config_top(args.task), args.set), _own_schema(args))
    report.say(explain.render(assessment))
    return report.FINDINGS if any(f.severity is report.Severity.ERROR for f in assessment.findings) else report.PASS


def _check_model_failures(args: argparse.Namespace) -> int:
    """The document checks, as the policy at the top of the repository (where pre-commit runs hooks) sets them."""
    from dataclasses import replace

    from hooks import failures, policy

    rules = policy.load(os.getcwd(), args.set)
    found = []
    for finding in (f for path, data in _hook_files(args.filenames) for f in failures.check(failures.read(path, data))):
        check = failures.POLICY_CHECKS.get(finding.code)
        severity = rules.severity(check, finding.severity is report.Severity.ERROR) if check else finding.severity
        if severity is not None:
            found.append(replace(finding, severity=severity))
    return report.emit(found)


def _parse(args: argparse.Namespace) -> int:
    from hooks import failures

    print(report.json_text(failures.read(args.path, _read(args.path)).to_json()))
    return report.PASS


def _check(args: argparse.Namespace) -> int:
    from hooks import policy, taskfiles, tasks

    found = taskfiles.from_disk(_task_files(args.paths))
    rules = policy.load(taskfiles.config_top("."), args.set)
    schema = _own_schema(args)
    assessments = [tasks.assess(task, rules, schema) for task in found]
    code = report.emit(finding for a in assessments for finding in a.findings)
    report.say("\n".join(tasks.summary(assessments)))
    return code


def _task_files(paths: Sequence[str]) -> Iterator[str]:
    """The task files under each path: metadata.json and lib/MODEL_FAILURES.md anywhere, given files as they are."""
    from hooks.tasks import TASK_FILES, task_root

    for path in paths:
        if os.path.isfile(path):
            if task_root(path.replace(os.sep, "/")) is None:  # README.md would otherwise pass as "checked 0 task(s)"
                raise ConfigError(f"not a task file: give a task folder or one of {', '.join(TASK_FILES)}", path)
            yield path
        elif os.path.isdir(path):
            found = False
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
                for name in files:
                    if name == "metadata.json" or (name == "MODEL_FAILURES.md" and os.path.basename(root) == "lib"):
                        found = True
                        yield os.path.join(root, name)
            if not found:  # a mistyped folder would otherwise pass as "checked 0 task(s)"
                raise ConfigError("no task here: no metadata.json or lib/MODEL_FAILURES.md under it", path)
        else:
            raise ConfigError("no such file or directory", path)


if __name__ == "__main__":
    raise SystemExit(main())
