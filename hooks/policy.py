"""The scoring policy: the rubric's numbers and which checks block, warn or are off.

Contract: `Policy` is a frozen dataclass; `Policy.version` is a short digest of every setting,
so a record of "checked under this policy" (issue 6) and a cached verdict (issue 5) go stale
when the policy changes. `load(top, overrides)` reads `[tool.training-quality]` from
pyproject.toml or `[training-quality]` from setup.cfg at the repository top, then the hook's
`--set KEY=VALUE` overrides on top; docs/policy.md documents every key.
"""
from __future__ import annotations

import configparser
import dataclasses
import functools
import hashlib
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from hooks.report import ConfigError, Severity

CHECKS = ("stated-score", "maximum", "competent-claim", "declared-counts", "bypass")
MODES = ("error", "warning", "off")
CATEGORIES = ("A", "B", "C")
LEVEL_NAMES = ("Critical", "High", "Medium", "Low")


@dataclass(frozen=True)
class Policy:
    threshold: int = 8  # the score a task needs to be accepted
    base: int = 8
    top: int = 10  # scores are clamped to 0..top
    # blockers set the score outright
    blockers: tuple[tuple[str, int], ...] = (
        ("platform-mismatch", 3),
        ("wrong-account", 3),
        ("missing-services", 4),
        ("wrong-region", 5),
    )
    a_one: int = 1  # one category-A fix
    a_many: int = 2  # two or more
    b_weight: int = 0
    # when every fix is C: (at least this many C fixes, adjustment), the first that applies
    c_penalties: tuple[tuple[int, int], ...] = ((6, -2), (4, -1), (3, -3), (1, -4))
    no_fixes_max: int = 3
    level_categories: tuple[tuple[str, str], ...] = (("Critical", "A"), ("High", "A"), ("Medium", "B"), ("Low", "C"))
    unknown_category: str = "B"  # neither the text nor a level tells
    complexity_cap: int = 2
    complexity_absent: int = 2  # no IDEAL_RESPONSE.md: the most generous
    complexity_services: int = 3  # this many services count as a complexity signal
    single_service: int = -1
    checks: tuple[tuple[str, str], ...] = tuple((name, "error") for name in CHECKS)

    @property
    def version(self) -> str:
        settings = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(settings.encode()).hexdigest()[:16]

    def mode(self, check: str) -> str:
        return dict(self.checks)[check]

    def severity(self, check: str, certain: bool = True) -> Severity | None:
        """How a finding of `check` is reported: blocking, a warning (also when uncertain), or not at all."""
        mode = self.mode(check)
        if mode == "off":
            return None
        return Severity.ERROR if mode == "error" and certain else Severity.WARNING

    def level_category(self, level: str | None) -> str:
        return dict(self.level_categories).get(level or "", self.unknown_category)

    def c_penalty(self, count: int) -> int:
        return next((penalty for at_least, penalty in self.c_penalties if count >= at_least), 0)


DEFAULT = Policy()


def load(top: str, overrides: Sequence[str] = ()) -> Policy:
    """The policy for the repository at `top`: its configuration file, then KEY=VALUE overrides."""
    source, table, line_of = "", {}, _no_line
    for name, section, read in _SOURCES:
        path = os.path.join(top, name)
        text = _read_text(path)
        found = None if text is None else read(text, path)
        if found is not None:
            source, table, line_of = path, found, functools.partial(_key_line, text, section)
            break
    policy = _apply(DEFAULT, table, source, line_of)
    settings: dict[str, Any] = {}
    for override in overrides:
        key, sep, value = override.partition("=")
        if not sep:
            raise ConfigError(f"--set {override!r}: expected KEY=VALUE")
        settings[key.strip()] = value.strip()
    return _apply(policy, settings, "--set")


def _read_text(path: str) -> str | None:
    """A configuration file's text; None when there is none. Both formats are UTF-8."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"byte 0x{data[exc.start]:02x} is not UTF-8: save the file as UTF-8", path,
                          data.count(b"\n", 0, exc.start) + 1) from None


def _pyproject(text: str, path: str) -> dict[str, Any] | None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # the place is at the message's end on every version ("Invalid value (at line 3, column 8)");
        # only Python 3.14 gives it as attributes too
        where = re.fullmatch(r"(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", str(exc), re.DOTALL)
        if where is None:
            raise ConfigError(f"not valid TOML: {exc}", path) from None
        reason, line, column = where.groups()
        at = f" at column {column}" if column else " at the end of the file"
        raise ConfigError(f"not valid TOML{at}: {reason}; correct the syntax", path,
                          int(line) if line else text.count("\n") + 1) from None
    tool = data.get("tool", {})
    table = tool.get("training-quality") if isinstance(tool, dict) else None  # `tool = 3` holds no table of ours
    if table is not None and not isinstance(table, dict):
        raise ConfigError("[tool.training-quality] must be a table", path, _key_line(text, "tool", "training-quality"))
    return table


# configparser's errors, each said in a few words (its own message is a multi-line repr of the line)
_INI_ERRORS: tuple[tuple[type[configparser.Error], str], ...] = (
    (configparser.MissingSectionHeaderError, "not a [section] header, which must come first"),
    (configparser.DuplicateSectionError, "a section given twice"),
    (configparser.DuplicateOptionError, "a setting given twice in its section"),
    (configparser.ParsingError, "neither `key = value`, a [section] header nor an indented continuation"),
)


def _setup_cfg(text: str, path: str) -> dict[str, Any] | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text, source=path)
    except configparser.Error as exc:
        reason = next((r for kind, r in _INI_ERRORS if isinstance(exc, kind)), None)
        errors = getattr(exc, "errors", None)
        line = getattr(exc, "lineno", None) or (errors[0][0] if errors else 0)
        if reason is None or not 0 < line <= len(lines := text.split("\n")):  # configparser's lines end at \n only
            raise ConfigError(f"cannot read: {str(exc).splitlines()[0]}", path) from None
        raise ConfigError(f"{reason}: {lines[line - 1].strip()!r}; correct that line", path, line) from None
    return dict(parser["training-quality"]) if parser.has_section("training-quality") else None


_SOURCES: tuple[tuple[str, str, Callable[[str, str], dict[str, Any] | None]], ...] = (
    ("pyproject.toml", "tool.training-quality", _pyproject),  # wins when it has the table
    ("setup.cfg", "training-quality", _setup_cfg),
)
_HEADER = re.compile(r"\s*\[\s*([^\]\s]+)\s*\]")
_KEY = re.compile(r"""\s*["']?([\w.-]+?)["']?\s*[=:]""")


def _key_line(text: str, section: str, key: str) -> int:
    """The line that sets `key` in [section] (or opens [section.key]), by a plain search of the text:
    0 where that does not find it (a key set another way is still named, with no line)."""
    def norm(name: str) -> str:
        return name.lower().replace("_", "-")

    want, inside = norm(key), False
    for number, line in enumerate(text.split("\n"), 1):  # as both parsers count lines
        header = _HEADER.match(line)
        if header:
            name = norm(header.group(1))
            if name == f"{norm(section)}.{want}":  # a TOML subtable: [tool.training-quality.checks]
                return number
            inside = name == norm(section)
            continue
        found = _KEY.match(line) if inside else None
        if found and (norm(found.group(1)) == want or norm(found.group(1)).startswith(f"{want}.")):  # or dotted: check.bypass
            return number
    return 0


def _no_line(key: str) -> int:
    return 0


def _apply(policy: Policy, settings: Mapping[str, Any], source: str, line_of: Callable[[str], int] = _no_line) -> Policy:
    """The settings on top of `policy`; a bad one is a ConfigError naming `source` and, where
    `line_of` finds it, the line of its key."""
    changes: dict[str, Any] = {}
    for key, value in settings.items():
        try:
            changes.update(_setting(policy, changes, key, value, source))
        except ConfigError as exc:
            exc.line = line_of(key)
            raise
    return _validated(dataclasses.replace(policy, **changes), source, line_of)


def _setting(policy: Policy, changes: Mapping[str, Any], key: str, value: Any, source: str) -> dict[str, Any]:
    """What one setting changes (its field and new value)."""
    name = key.replace("-", "_")
    if key.startswith("check.") or key in ("check", "checks"):
        return {"checks": _checks(dict(changes.get("checks", policy.checks)), key, value, source)}
    reader = _READERS.get(name)
    if reader is None:
        raise ConfigError(f"unknown setting {key!r} (see docs/policy.md)", source)
    try:
        return {name: reader(value)}
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {key!r}: {exc}", source) from None


def _checks(current: dict[str, str], key: str, value: Any, source: str) -> tuple[tuple[str, str], ...]:
    """`check.NAME = MODE` one at a time, or a `checks` table / "NAME=MODE, ..." string."""
    if key in ("check", "checks"):
        if not isinstance(value, (Mapping, str)):
            raise ConfigError("setting 'checks': expected a table of NAME = MODE", source)
        try:
            items = _pairs(value, str)
        except ValueError as exc:
            raise ConfigError(f"setting 'checks': {exc}", source) from None
    else:
        items = [(key.split(".", 1)[1], value)]
    for name, mode in items:
        if name not in CHECKS:
            raise ConfigError(f"setting {key!r}: unknown check {name!r}; known: {', '.join(CHECKS)}", source)
        if mode not in MODES:
            raise ConfigError(f"setting {key!r}: {name} must be one of {', '.join(MODES)}, not {mode!r}", source)
        current[name] = mode
    return tuple((name, current[name]) for name in CHECKS)


def _int(value: Any) -> int:
    """A whole number: an int (TOML), or its digits (setup.cfg and --set give text)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
        return int(value)
    raise ValueError(f"expected a whole number, not {value!r}")


def _category(value: Any) -> str:
    if value not in CATEGORIES:
        raise ValueError(f"expected one of {', '.join(CATEGORIES)}, not {value!r}")
    return value


def _pairs(value: Any, read: Callable[[Any], Any]) -> list[tuple[str, Any]]:
    """A table (TOML) or "key=value, key=value" (setup.cfg, --set)."""
    if isinstance(value, Mapping):
        return [(str(k), read(v)) for k, v in value.items()]
    if not isinstance(value, str):
        raise ValueError(f"expected a table or 'key=value, ...', not {value!r}")
    pairs = []
    for item in filter(None, (part.strip() for part in value.replace("\n", ",").split(","))):
        k, sep, v = item.partition("=")
        if not sep:
            raise ValueError(f"expected key=value, not {item!r}")
        pairs.append((k.strip(), read(v.strip())))
    return pairs


def _blockers(value: Any) -> tuple[tuple[str, int], ...]:
    pairs = dict(_pairs(value, _int))
    unknown = set(pairs) - dict(DEFAULT.blockers).keys()
    if unknown:
        raise ValueError(f"unknown blocker {sorted(unknown)[0]!r}; known: {', '.join(dict(DEFAULT.blockers))}")
    return tuple((name, pairs.get(name, score)) for name, score in DEFAULT.blockers)


def _c_penalties(value: Any) -> tuple[tuple[int, int], ...]:
    pairs = [(_int(k), v) for k, v in _pairs(value, _int)]
    return tuple(sorted(pairs, reverse=True))


def _level_categories(value: Any) -> tuple[tuple[str, str], ...]:
    pairs = dict(_pairs(value, _category))
    unknown = set(pairs) - set(LEVEL_NAMES)
    if unknown:
        raise ValueError(f"unknown impact level {sorted(unknown)[0]!r}; known: {', '.join(LEVEL_NAMES)}")
    current = dict(DEFAULT.level_categories)
    return tuple((level, pairs.get(level, current[level])) for level in LEVEL_NAMES)


_READERS: dict[str, Callable[[Any], Any]] = {
    "threshold": _int,
    "base": _int,
    "top": _int,
    "blockers": _blockers,
    "a_one": _int,
    "a_many": _int,
    "b_weight": _int,
    "c_penalties": _c_penalties,
    "no_fixes_max": _int,
    "level_categories": _level_categories,
    "unknown_category": _category,
    "complexity_cap": _int,
    "complexity_absent": _int,
    "complexity_services": _int,
    "single_service": _int,
}


def _validated(policy: Policy, source: str, line_of: Callable[[str], int]) -> Policy:
    if not 0 < policy.top:
        raise ConfigError(f"setting 'top': must be positive, not {policy.top}", source, line_of("top"))
    for name in ("threshold", "base", "no_fixes_max"):
        if not 0 <= getattr(policy, name) <= policy.top:
            raise ConfigError(f"setting {name.replace('_', '-')!r} ({getattr(policy, name)}): must be between 0 and top"
                              f" ({policy.top}); set both where one moves past the other", source, line_of(name))
    if any(at_least < 1 for at_least, _ in policy.c_penalties):
        raise ConfigError("setting 'c-penalties': counts must be 1 or more", source, line_of("c-penalties"))
    return policy
