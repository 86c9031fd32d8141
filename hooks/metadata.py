"""metadata.json: read strictly, then validated against a schema."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hooks import strictjson
from hooks.report import Finding, shorten
from hooks.schema import Schema

SCHEMA = "metadata.schema.json"

_JSON_CODES = {
    "syntax": "TQ101",
    "duplicate": "TQ102",
    "nonfinite": "TQ103",
    "bom": "TQ104",
    "utf8": "TQ105",
}


@dataclass(frozen=True)
class Metadata:
    path: str
    data: dict[str, Any]
    positions: dict[strictjson.Path, tuple[int, int]] = field(default_factory=dict)

    def position(self, *path: str | int) -> tuple[int, int]:
        return strictjson.Document(self.data, self.positions).position(path)

    @property
    def training_quality(self) -> Any:
        return self.data.get("training_quality")


def parse(path: str, data: bytes) -> tuple[Metadata | None, list[Finding]]:
    """The metadata, or None and the finding that says why it could not be read."""
    try:
        doc = strictjson.loads(strictjson.decode(data))
    except strictjson.JSONError as exc:
        return None, [Finding(path, exc.line, exc.col, _JSON_CODES[exc.code], f"not strict JSON: {exc.message}")]
    if not isinstance(doc.value, dict):
        kind = type(doc.value).__name__ if doc.value is not None else "null"
        return None, [Finding(path, 1, 1, "TQ106", f"top level must be a JSON object, found {kind}")]
    return Metadata(path, doc.value, doc.positions), []


def validate(meta: Metadata, schema: Schema) -> list[Finding]:
    return [
        Finding(meta.path, *meta.position(*v.path), "TQ110", f"{_json_path(v.path)}: {shorten(v.message, 160)}{_hint(meta, v.path)}")
        for v in schema.violations(meta.data)
    ]


def check(path: str, data: bytes, schema: Schema) -> list[Finding]:
    meta, findings = parse(path, data)
    return findings if meta is None else validate(meta, schema)


def _json_path(path: tuple[str | int, ...]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _hint(meta: Metadata, path: tuple[str | int, ...]) -> str:
    if path == ("language",) and isinstance(meta.data.get("platform"), str):
        return f" (for platform {meta.data['platform']!r})"
    if path == ("training_quality",):
        return "; set a whole number 0-10 that the failure analysis supports"
    return ""