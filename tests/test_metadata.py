from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hooks.cli import main
from tests.conftest import SHARED

INVALID_SCHEMA = """{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "definitions": {
    "note": "a string where a schema belongs"
  }
}
"""


def test_findings_point_at_the_offending_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta = tmp_path / "metadata.json"
    meta.write_text('{\n  "platform": "tf",\n  "language": "hcl",\n  "training_quality": 9.5\n}\n')
    assert main(["check-metadata", str(meta)]) == 1
    out = capsys.readouterr().out
    assert f"{meta}:4:23: TQ110 $.training_quality: 9.5 is not of type 'integer'" in out
    assert f"{meta}:1:1: TQ110 $: 'complexity' is a required property" in out


@pytest.mark.parametrize(("value", "shown"), [("null", "null"), ("true", "true"), ("0", None)])
def test_a_value_is_named_as_json_spells_it(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, shown: str | None) -> None:
    meta = tmp_path / "metadata.json"
    meta.write_text(f'{{"platform": "tf", "language": "hcl", "training_quality": {value}}}\n')
    main(["check-metadata", str(meta)])
    out = capsys.readouterr().out
    if shown:
        assert f"TQ110 $.training_quality: {shown} is not of type 'integer'" in out
    else:
        assert "$.training_quality" not in out  # 0 is a fine score, not false


def test_a_path_that_would_drive_the_terminal_is_printed_escaped(tmp_path: Path) -> None:
    """A folder named with a colour code and a byte that is not UTF-8: the finding shows both as
    escapes; none reaches the terminal raw, and a strict UTF-8 output does not end in a traceback."""
    folder = tmp_path / (os.fsdecode(b"task\xff\x1b[31mred") + "\u202e")
    folder.mkdir()
    (folder / "metadata.json").write_text('{"training_quality": 9,}')
    proc = subprocess.run([sys.executable, "-m", "hooks", "check-metadata", str(folder / "metadata.json")],
                          capture_output=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert (proc.returncode, proc.stderr) == (1, b"")
    assert b"task\\xff\\x1b[31mred\\u202e/metadata.json:1:24: TQ101 not strict JSON" in proc.stdout
    assert not {0x1b, 0xff} & set(proc.stdout) and "\u202e".encode() not in proc.stdout


def test_own_schema_replaces_the_shipped_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text('{"type": "object", "required": ["owner"]}')
    meta = tmp_path / "metadata.json"
    meta.write_text('{"training_quality": "anything goes here"}')
    assert main(["check-metadata", "--schema", str(schema), str(meta)]) == 1
    assert "'owner' is a required property" in capsys.readouterr().out


def test_invalid_schema_is_a_configuration_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(INVALID_SCHEMA)
    meta = tmp_path / "metadata.json"
    meta.write_text("{}")
    assert main(["check-metadata", "--schema", str(schema), str(meta)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{schema}:5: error: not a valid Draft7 schema: at definitions/note:" in captured.err


@pytest.mark.parametrize(
    "text, message",
    [("{", "schema is not valid JSON"), ("[]", "a JSON Schema must be an object")],
)
def test_unreadable_schema_is_a_configuration_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(text)
    assert main(["check-metadata", "--schema", str(schema), str(schema)]) == 2
    assert message in capsys.readouterr().err


def test_missing_schema_and_missing_file_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-metadata", "--schema", str(tmp_path / "nope.json"), str(tmp_path)]) == 2
    assert "cannot read schema" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "absent")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check"])
    assert exc.value.code == 2


def test_check_never_changes_the_file(tmp_path: Path) -> None:
    meta = tmp_path / "metadata.json"
    original = b'\xef\xbb\xbf{"training_quality": 9, "training_quality": 9}'
    meta.write_bytes(original)
    main(["check-metadata", str(meta)])
    assert meta.read_bytes() == original


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared/corpus is absent")
def test_real_schema_from_the_corpus_is_reported_not_crashed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    meta = tmp_path / "metadata.json"
    meta.write_text("{}")
    assert main(["check-metadata", "--schema", str(SHARED / "corpus" / "metadata.schema.json"), str(meta)]) == 2
    assert "definitions/localstack_migration_comment" in capsys.readouterr().err


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="../shared/corpus is absent")
def test_every_corpus_metadata_is_read_without_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SHARED / "corpus")]) == 1
    out = capsys.readouterr().out
    findings = [line for line in out.splitlines() if ": TQ1" in line]  # `check` runs every check on whole tasks
    assert findings and all("/metadata.json:" in line for line in findings)
    assert "checked 1666 task(s)" in out
