"""Every fixture under example-files/hooks/{positive,negative}/<hook-id>/<case>/ gives its verdict.

A negative case's folder name starts with the code it must produce (tq110-...).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from hooks.cli import main
from tests.conftest import EXAMPLE_FILES


def _cases(verdict: str) -> list[Path]:
    return sorted(p for p in (EXAMPLE_FILES / "hooks" / verdict).glob("*/*") if p.is_dir())


def _run(case: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    hook_id = case.parent.name
    files = sorted(str(p) for p in case.rglob("*") if p.is_file())
    code = main([hook_id, *files])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("case", _cases("positive"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_positive(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(case, capsys)
    assert (code, out) == (0, "")


@pytest.mark.parametrize("case", _cases("negative"), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_negative(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(case, capsys)
    expected = case.name.split("-")[0].upper()
    assert code == 1
    assert f" {expected} " in out, out
    for line in out.splitlines():  # path:line:col: CODE message
        path, line_no, col, rest = line.split(":", 3)
        assert Path(path).is_file() and int(line_no) >= 1 and int(col) >= 1 and rest.startswith(" TQ")
