"""JSON Schemas: the shipped ones and a repository's own, checked before use.

A broken schema is the user's configuration error (exit 2), never a traceback,
and a violation is reported at the line of the offending value.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from hooks import strictjson
from hooks.report import ConfigError


@dataclass(frozen=True)
class Violation:
    path: tuple[str | int, ...]
    message: str


def shipped(name: str) -> tuple[str, bytes]:
    """A schema that ships inside the package, so it works offline and on pre-commit.ci."""
    resource = resources.files("hooks.schemas") / name
    return f"<shipped {name}>", resource.read_bytes()


def load(path: str) -> tuple[str, bytes]:
    try:
        return path, Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read schema: {exc.strerror}", path) from None


class Schema:
    """A checked schema; `violations` validates one instance against it."""

    def __init__(self, origin: str, data: bytes) -> None:
        from jsonschema import exceptions, validators

        try:
            doc = strictjson.loads(strictjson.decode(data))
        except strictjson.JSONError as exc:
            raise ConfigError(f"schema is not valid JSON: {exc.message}", origin, exc.line) from None
        cls = validators.validator_for(doc.value, default=validators.Draft202012Validator) if isinstance(doc.value, dict) else None
        if cls is None:
            raise ConfigError("a JSON Schema must be an object", origin, 1)
        try:
            cls.check_schema(doc.value)
        except exceptions.SchemaError as exc:
            where = "/".join(map(str, exc.absolute_path)) or "the top level"
            raise ConfigError(
                f"not a valid {cls.__name__.removesuffix('Validator')} schema: at {where}: {exc.message}",
                origin,
                doc.position(tuple(exc.absolute_path))[0],
            ) from None
        self.origin = origin
        self.digest = hashlib.sha256(data).hexdigest()[:16]  # what a cache of verdicts under it is keyed by
        self._validator = cls(doc.value, format_checker=cls.FORMAT_CHECKER)

    def violations(self, instance: Any) -> Iterator[Violation]:
        from referencing.exceptions import Unresolvable

        try:
            errors = sorted(self._validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path)))
        except Unresolvable as exc:
            raise ConfigError(f"schema has a reference that cannot be resolved offline: {exc}", self.origin) from None
        for error in errors:
            yield Violation(tuple(error.absolute_path), _message(error))


def _message(error: Any) -> str:
    """jsonschema's message, but a pattern is explained by its schema's description when it has one."""
    description = error.schema.get("description") if isinstance(error.schema, dict) else None
    if error.validator == "pattern" and description:
        return f"{error.instance!r} is not {description}"
    shown = repr(error.instance)
    if (error.instance is None or isinstance(error.instance, bool)) and error.message.startswith(shown):
        return json.dumps(error.instance) + error.message[len(shown):]  # as the file spells it: null, true
    return error.message
