"""The real pre-commit, installed from this repository, runs on a real `git commit`."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import PreCommit

GOOD = """{
  "platform": "cfn", "language": "yaml", "complexity": "medium", "turn_type": "single",
  "po_id": "e2e", "team": "synth", "startedAt": "2025-01-02T03:04:05Z",
  "subtask": "Application Deployment", "training_quality": 5
}
"""


def test_commit_of_bad_metadata_is_refused_and_good_one_goes_through(pre_commit: PreCommit) -> None:
    pre_commit.configure("check-metadata")
    repo = pre_commit.repo
    repo.write("task/metadata.json", GOOD.replace('"training_quality": 5', '"training_quality": "9"'))
    refused = repo.commit("score as a string")
    assert refused.returncode == 1
    assert "task/metadata.json:4:" in refused.stderr
    assert "TQ110 $.training_quality: '9' is not of type 'integer'" in refused.stderr
    assert repo.git("rev-parse", "--verify", "-q", "HEAD", check=False).returncode != 0  # nothing committed

    repo.write("task/metadata.json", GOOD)
    accepted = repo.commit("a proper score")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert repo.git("log", "--format=%s").stdout.strip() == "a proper score"


OWN_SCHEMA = """{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["platform", "training_quality"],
  "properties": {"platform": {"enum": ["bicep"]}, "training_quality": {"type": "integer", "minimum": 0, "maximum": 10}}
}
"""
ANALYSIS = """# Model Response Failures Analysis

### 1. Public storage account

**Impact Level**: Critical

The storage account allowed public blob access; the IDEAL_RESPONSE made it private and encrypted.
"""


def test_a_repositorys_own_schema_reaches_every_hook_that_reads_metadata(pre_commit: PreCommit) -> None:
    repo = pre_commit.repo
    repo.write("schemas/task.schema.json", OWN_SCHEMA)
    args = "        args: [--schema, schemas/task.schema.json]\n"
    repo.write(".pre-commit-config.yaml", f"repos:\n  - repo: {pre_commit.url}\n    rev: {pre_commit.rev}\n    hooks:\n"
               f"      - id: check-metadata\n{args}      - id: check-training-quality\n{args}")
    assert pre_commit.run("install").returncode == 0
    repo.write("task/metadata.json", '{"platform": "bicep", "training_quality": 7}\n')  # not the shipped schema's task
    repo.write("task/lib/MODEL_FAILURES.md", ANALYSIS)
    done = repo.commit("a bicep task")
    assert done.returncode == 0, done.stdout + done.stderr
    repo.write("task/metadata.json", '{"platform": "cdk", "training_quality": 7}\n')
    refused = repo.commit("another platform")
    assert refused.returncode == 1 and refused.stderr.count("TQ110 $.platform: 'cdk' is not one of ['bicep']") == 2

    audit = subprocess.run([sys.executable, "-m", "hooks", "audit", "--schema", "schemas/task.schema.json"],
                           cwd=repo.path, capture_output=True, text=True)
    assert audit.returncode == 0, audit.stdout  # the history's task, under the schema it was committed with
    shipped = subprocess.run([sys.executable, "-m", "hooks", "audit"], cwd=repo.path, capture_output=True, text=True)
    assert shipped.returncode == 1 and "TQ110" in shipped.stdout  # under the shipped one it would not have passed
