"""`make clean` removes the virtualenv and caches and never the store (var/ holds the planners' uploads); only the
explicitly named `make clean-store CONFIRM=yes` deletes it. Run on a copy of the Makefile in a scratch folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A scratch folder laid out like a used checkout: venv, caches, bytecode and a store with an upload."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for d in (".venv/bin", ".pytest_cache", ".ruff_cache", ".hypothesis", "layers/__pycache__", "var", "geo",
              "server", "tests", "bench"):
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
    (tmp_path / ".venv/bin/python").write_text("")
    (tmp_path / "layers/__pycache__/x.cpython-311.pyc").write_bytes(b"")
    (tmp_path / "var/ipmap.sqlite").write_bytes(b"SQLite format 3\x00 planners' uploads")
    return tmp_path


def make(where: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "-s", *args], cwd=where, capture_output=True, text=True, timeout=30)


def test_clean_keeps_the_store(checkout: Path) -> None:
    assert make(checkout, "clean").returncode == 0
    assert (checkout / "var/ipmap.sqlite").read_bytes().endswith(b"planners' uploads")
    for gone in (".venv", ".pytest_cache", ".ruff_cache", ".hypothesis", "layers/__pycache__"):
        assert not (checkout / gone).exists(), gone


def test_clean_store_needs_confirmation(checkout: Path) -> None:
    r = make(checkout, "clean-store")
    assert r.returncode != 0 and "nothing deleted" in r.stderr and "uploaded" in r.stderr
    assert (checkout / "var/ipmap.sqlite").exists()
    r = make(checkout, "clean-store", "CONFIRM=yes")
    assert r.returncode == 0 and not (checkout / "var").exists()
    assert (checkout / ".venv/bin/python").exists()  # the store only
