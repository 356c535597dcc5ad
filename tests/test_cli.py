"""The ipmap command through its public interface."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from server.cli import app

runner = CliRunner()


def test_help_lists_commands() -> None:
    r = runner.invoke(app, ["--help"])
    assert r.exit_code == 0
    for cmd in ("serve", "build-boundaries", "init-db", "render"):
        assert cmd in r.output


def test_init_db_then_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPMAP_DATABASE", str(tmp_path / "cli.sqlite"))
    r = runner.invoke(app, ["init-db"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "cli.sqlite").exists() and "version 4" in r.output
    out = tmp_path / "map.html"
    r = runner.invoke(app, ["render", str(out), "--level", "prefecture"])
    assert r.exit_code == 0, r.output
    assert "常住人口" in out.read_text(encoding="utf-8")
