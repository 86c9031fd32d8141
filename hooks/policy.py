"""The scoring policy: the rubric's numbers and which checks block, warn or are off.

Contract (issue 4 fills in loading from pyproject.toml / setup.cfg / hook args): `Policy` is a
frozen dataclass; `Policy.version` is a short digest of every setting, so a record of "checked
under this policy" (issue 6) and a cached verdict (issue 5) go stale when the policy changes.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Policy:
    threshold: int = 8

    @property
    def version(self) -> str:
        settings = json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(settings.encode()).hexdigest()[:16]


DEFAULT = Policy()
