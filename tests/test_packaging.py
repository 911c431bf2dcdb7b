"""The wheel carries corpora/, prompts/ and evals/, and Settings finds them with or without a
checkout (`pip install .` outside the checkout then works from any folder)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import app.config
from app.config import PACKAGED_RESOURCES, PROJECT_ROOT, Settings, default_resources_dir

# Local state that is not part of the project: never copied into the build.
NOT_SOURCE = (
    ".git",
    ".venv",
    ".primed",
    ".cache",
    ".hypothesis",
    ".*_cache",
    "build",
    "*.egg-info",
    "__pycache__",
)


def shipped(folder: str) -> set[str]:
    """Where the checkout's files under `folder` must sit in the wheel."""
    root = PROJECT_ROOT / folder
    return {
        f"app/resources/{path.relative_to(PROJECT_ROOT).as_posix()}"
        for path in root.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }


@pytest.fixture(scope="module")
def wheel_files(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Build the wheel the way `pip install .` does, from a copy of the checkout.

    The copy keeps setuptools' build/ and egg-info out of the checkout and stale build output
    out of the wheel. Build isolation stays on: the build-system needs setuptools>=68, newer
    than the one a fresh venv carries, so pip fetches it from the package index.
    """
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(PROJECT_ROOT, source, symlinks=True, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet"]
        + ["--disable-pip-version-check", "-w", str(root / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (wheel,) = (root / "dist").glob("primed-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.slow
def test_wheel_carries_profiles_lexicons_thresholds_prompt_and_suites(
    wheel_files: set[str],
) -> None:
    named = {
        "app/resources/corpora/scoring.yaml",
        "app/resources/corpora/wordlists.yaml",
        "app/resources/prompts/rewrite.yaml",
        "app/resources/corpora/titles/cfo.yaml",
        "app/resources/corpora/lexicons/buzzwords.yaml",
        "app/resources/evals/suites/finance-security-platform.yaml",
    }
    assert named <= wheel_files
    for folder in ("corpora/titles", "corpora/lexicons", "evals/suites", "evals/kits"):
        assert shipped(folder), folder
        assert shipped(folder) <= wheel_files, folder


@pytest.mark.slow
def test_wheel_carries_every_resource_file_and_the_code(wheel_files: set[str]) -> None:
    assert shipped("corpora") | shipped("prompts") | shipped("evals") <= wheel_files
    assert {"app/config.py", "app/cli/main.py"} <= wheel_files


def test_default_resources_dir_holds_the_title_profiles() -> None:
    resources = Settings(_env_file=None).resources_dir  # type: ignore[call-arg]
    assert sorted((resources / "corpora" / "titles").glob("*.yaml"))
    assert (resources / "prompts" / "rewrite.yaml").is_file()


def test_checkout_runs_from_its_top_level_folders() -> None:
    assert default_resources_dir() == PROJECT_ROOT


def test_outside_a_checkout_resources_come_from_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An installed package sits in site-packages, with no pyproject.toml beside it.
    monkeypatch.setattr(app.config, "PROJECT_ROOT", tmp_path)
    assert default_resources_dir() == PACKAGED_RESOURCES
    assert sorted((PACKAGED_RESOURCES / "corpora" / "titles").glob("*.yaml"))


def test_primed_resources_dir_overrides_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRIMED_RESOURCES_DIR", str(tmp_path))
    assert Settings(_env_file=None).resources_dir == tmp_path  # type: ignore[call-arg]
