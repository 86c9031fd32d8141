"""The real pre-commit, installed from this repository, runs on a real `git commit`."""
from __future__ import annotations

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
