"""`pip install .` gives a complete Coachbot: the wheel carries its content, templates,
locales, calendar, migrations and manifest, and runs from outside the source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from the source tree and unpacked as pip would install it."""
    out = tmp_path_factory.mktemp("wheel")
    source = out / "source"  # a clean copy: setuptools' build/ in the tree could leak stale files
    for package in ("bot", "handlers", "jobs", "content"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(source)]
    built = subprocess.run(command, check=False, capture_output=True, text=True, cwd=out)
    assert built.returncode == 0, built.stderr
    [wheel] = out.glob("coachbot-*.whl")
    site = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def run(site: Path, cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COACHBOT_", "DATABASE_URL"))}
    env |= {"PYTHONPATH": str(site), "DATABASE_URL": f"sqlite:///{cwd / 'coachbot.db'}", "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, *args], input=stdin, capture_output=True, text=True, cwd=cwd, env=env, timeout=120, check=False
    )


def test_the_wheel_carries_everything_the_bot_reads(installed: Path) -> None:
    shipped = {p.relative_to(installed).as_posix() for p in installed.rglob("*") if p.is_file()}
    source = {p.relative_to(ROOT).as_posix() for p in (ROOT / "content").rglob("*") if p.is_file()}
    assert {p for p in source if "__pycache__" not in p} <= shipped
    assert "content/manifest.yml" in shipped and "bot/core/db/migrations/env.py" in shipped


def test_the_installed_package_runs_outside_the_source_tree(installed: Path, tmp_path: Path) -> None:
    where = run(installed, tmp_path, "-c", "import bot, content; print(bot.__file__); print(content.__file__)")
    assert where.returncode == 0 and str(ROOT) not in where.stdout and str(installed) in where.stdout
    check = run(installed, tmp_path, "-m", "bot", "content", "check")
    assert check.returncode == 0, check.stdout + check.stderr
    upgrade = run(installed, tmp_path, "-m", "bot", "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    session = run(
        installed, tmp_path, "-m", "bot", "shell", "--as", "UAGENT5", stdin="/coach help\n/coach quiz\nquit\n"
    )
    assert session.returncode == 0, session.stderr
    assert "Coachbot — what I can do" in session.stdout and "Practice question" in session.stdout
