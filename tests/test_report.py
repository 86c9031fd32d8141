"""How names and lines are shown: a terminal never acts on them, and a byte shows one way."""
from __future__ import annotations

import os

import pytest

from hooks.report import printable, quoted

BYTE = os.fsdecode(b"\xff")  # how Python reads a path's byte that is not UTF-8


@pytest.mark.parametrize(("name", "shown"), [
    ("task-1", "'task-1'"),
    ("x" + BYTE, "'x\\xff'"),  # as printable shows it in the finding's path
    ("x\x1b[2J\n" + BYTE, "'x\\x1b[2J\\n\\xff'"),
    ("x\\udcff", "'x\\\\udcff'"),  # the text itself, backslash and all: not a byte
    ("x\\" + BYTE, "'x\\\\\\xff'"),  # a backslash, then the byte
    ("it's", '"it\'s"'),
])
def test_quoted(name: str, shown: str) -> None:
    assert quoted(name) == shown


def test_a_path_and_its_quoted_name_show_a_byte_alike() -> None:
    assert printable(f"x{BYTE}/metadata.json") == "x\\xff/metadata.json"
    assert printable(f"task {quoted('x' + BYTE)}") == "task 'x\\xff'"
