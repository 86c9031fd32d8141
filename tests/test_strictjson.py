from __future__ import annotations

import pytest

from hooks import strictjson


def test_positions_of_nested_values() -> None:
    doc = strictjson.loads('{\n  "a": [1,\n    {"b": 2}]\n}')
    assert doc.value == {"a": [1, {"b": 2}]}
    assert doc.position(("a", 1, "b")) == (3, 11)
    assert doc.position(("a", 7)) == (2, 8)  # absent: its parent's


@pytest.mark.parametrize(
    "text, code, line",
    [
        ('{"a": 1,\n "a": 2}', "duplicate", 2),
        ('{"a": -Infinity}', "nonfinite", 1),
        ("[1, 2", "syntax", 1),
        ("1 2", "syntax", 1),
        ('{"a": 01}', "syntax", 1),
        ("", "syntax", 1),
        ("[" * 100_000, "syntax", 1),
        ('{"a":\n -1e999}', "nonfinite", 2),  # no float holds it: infinity
        ('{"a": 1' + "0" * 5000 + "}", "syntax", 1),  # more digits than int() reads
    ],
)
def test_refusals(text: str, code: str, line: int) -> None:
    with pytest.raises(strictjson.JSONError) as exc:
        strictjson.loads(text)
    assert (exc.value.code, exc.value.line) == (code, line)


def test_bad_utf8_is_located() -> None:
    with pytest.raises(strictjson.JSONError) as exc:
        strictjson.decode(b'{\n "a": "\xff"}')
    assert (exc.value.code, exc.value.line, exc.value.col) == ("utf8", 2, 8)
