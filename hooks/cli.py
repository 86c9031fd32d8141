"""The `training-quality` command: one subcommand per hook, plus the tools around them."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence

from hooks import report
from hooks.report import ConfigError, Finding

_SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", "cdk.out", ".terraform"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="training-quality", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="run every check on tasks (folders or files)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    _schema_option(check)
    check.set_defaults(run=_check)

    meta = commands.add_parser("check-metadata", help="hook: validate metadata.json files")
    meta.add_argument("filenames", nargs="*", metavar="FILE")
    _schema_option(meta)
    meta.set_defaults(run=_check_metadata)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ConfigError as exc:
        print(f"training-quality: {exc.format()}", file=sys.stderr)
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


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path) from None


def _metadata_findings(args: argparse.Namespace, filenames: Sequence[str]) -> list[Finding]:
    from hooks import metadata

    schema = _metadata_schema(args)
    return [finding for path in filenames for finding in metadata.check(path, _read(path), schema)]


def _check_metadata(args: argparse.Namespace) -> int:
    return report.emit(_metadata_findings(args, args.filenames))


def _check(args: argparse.Namespace) -> int:
    filenames = list(_task_files(args.paths))
    findings = _metadata_findings(args, filenames)
    code = report.emit(findings)
    report.summary(filenames, findings)
    return code


def _task_files(paths: Sequence[str]) -> Iterator[str]:
    """The task files under each path: metadata.json anywhere, given files as they are."""
    for path in paths:
        if os.path.isfile(path):
            yield path
        elif os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
                if "metadata.json" in files:
                    yield os.path.join(root, "metadata.json")
        else:
            raise ConfigError("no such file or directory", path)


if __name__ == "__main__":
    raise SystemExit(main())
