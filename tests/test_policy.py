"""The policy read from pyproject.toml or setup.cfg, with hook args on top; bad settings say where."""
from __future__ import annotations

from pathlib import Path

import pytest

from hooks.policy import DEFAULT, load
from hooks.report import ConfigError


def test_defaults_are_the_rubric(tmp_path: Path) -> None:
    policy = load(str(tmp_path))
    assert policy == DEFAULT
    assert (policy.threshold, policy.base, policy.a_one, policy.a_many, policy.complexity_cap) == (8, 8, 1, 2, 2)
    assert [policy.c_penalty(n) for n in (1, 2, 3, 4, 5, 6, 9)] == [-4, -4, -3, -1, -1, -2, -2]
    assert [policy.level_category(lv) for lv in ("Critical", "High", "Medium", "Low", None)] == ["A", "A", "B", "C", "B"]


def test_pyproject_then_args(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.training-quality]\nthreshold = 9\nc-penalties = {6 = -1, 1 = -5}\n"
        'level-categories = {High = "B"}\nblockers = {wrong-region = 4}\n[tool.training-quality.checks]\nmaximum = "warning"\n'
    )
    policy = load(str(tmp_path), ["base=7", "check.bypass=off"])
    assert (policy.threshold, policy.base) == (9, 7)
    assert policy.c_penalties == ((6, -1), (1, -5)) and policy.c_penalty(3) == -5
    assert policy.level_category("High") == "B" and policy.level_category("Critical") == "A"
    assert dict(policy.blockers)["wrong-region"] == 4
    assert (policy.mode("maximum"), policy.mode("bypass"), policy.mode("stated-score")) == ("warning", "off", "error")
    assert policy.version != DEFAULT.version


def test_setup_cfg(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[training-quality]\nthreshold = 7\nc-penalties = 6=-2, 1=-3\ncheck.competent-claim = warning\n")
    policy = load(str(tmp_path))
    assert policy.threshold == 7 and policy.c_penalty(2) == -3 and policy.mode("competent-claim") == "warning"


def test_pyproject_wins_over_setup_cfg_only_when_it_has_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[build-system]\nrequires = []\n")
    (tmp_path / "setup.cfg").write_text("[training-quality]\nthreshold = 7\n")
    assert load(str(tmp_path)).threshold == 7
    (tmp_path / "pyproject.toml").write_text("tool = 3\n")  # no table of tools at all: not ours to judge
    assert load(str(tmp_path)).threshold == 7


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ("[tool.training-quality]\nthreshhold = 9\n", "pyproject.toml", "unknown setting 'threshhold'"),
        ("[tool.training-quality]\nthreshold = \"high\"\n", "pyproject.toml", "setting 'threshold'"),
        ("[tool.training-quality]\nthreshold = 11\n", "pyproject.toml", "between 0 and top"),
        ("[tool.training-quality]\ncheck.maximum = \"loud\"\n", "pyproject.toml", "maximum must be one of error, warning, off"),
        ("[tool.training-quality]\nlevel-categories = {High = \"D\"}\n", "pyproject.toml", "setting 'level-categories'"),
        ("[tool.training-quality\n", "pyproject.toml", "not valid TOML at column 23: Expected ']'"),
        ("[tool.training-quality]\nchecks = \"off\"\n", "pyproject.toml", "setting 'checks': expected key=value, not 'off'"),
        ("[tool.training-quality]\ntop = 5\n", "pyproject.toml", "setting 'threshold' (8): must be between 0 and top (5)"),
        ("[training-quality]\nchecks = maximum\n", "setup.cfg", "setting 'checks': expected key=value, not 'maximum'"),
    ],
)
def test_a_bad_setting_names_the_file_and_key(tmp_path: Path, text: str, where: str, words: str) -> None:
    (tmp_path / where).write_text(text)
    with pytest.raises(ConfigError) as caught:
        load(str(tmp_path))
    assert caught.value.path.endswith(where) and words in caught.value.message


def test_a_bad_arg_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected KEY=VALUE"):
        load(str(tmp_path), ["threshold"])
    with pytest.raises(ConfigError, match="setting 'base': expected a whole number, not 'eight'"):
        load(str(tmp_path), ["base=eight"])
    with pytest.raises(ConfigError, match="setting 'checks': expected key=value, not 'off'"):
        load(str(tmp_path), ["checks=off"])
