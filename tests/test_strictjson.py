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


@pytest.mark.parametrize(("encoding", "named"), [("utf-16", "UTF-16"), ("utf-32", "UTF-32"), ("utf-8-sig", "UTF-8 byte order mark")])
def test_a_file_saved_with_a_byte_order_mark_is_told_what_it_is(encoding: str, named: str) -> None:
    with pytest.raises(strictjson.JSONError) as exc:
        strictjson.decode('{"training_quality": 9}'.encode(encoding))
    assert (exc.value.line, exc.value.col) == (1, 1) and named in exc.value.message and "save it as" in exc.value.message
