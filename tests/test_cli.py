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
    for cmd in ("serve", "build-boundaries", "init-db", "render", "import"):
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


DATA = Path(__file__).resolve().parent / "data"


def test_import_dry_run_then_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPMAP_DATABASE", str(tmp_path / "cli.sqlite"))
    gbk = str(DATA / "gbk-short-names-total.csv")
    r = runner.invoke(app, ["import", gbk, "--dry-run", "--indicator", "patent_applications"])
    assert r.exit_code == 0, r.output
    assert "warning: row 17 [2022年]" in r.output and "27 values would be written" in r.output
    r = runner.invoke(app, ["import", gbk, "--indicator", "patent_applications", "--source", "市州报表 2022"])
    assert r.exit_code == 0, r.output
    assert "dataset 5: 27 values written" in r.output
    r = runner.invoke(app, ["init-db"])
    assert "version 5" in r.output
    # --draft writes a dataset that no version counts until it is published
    r = runner.invoke(app, ["import", gbk, "--indicator", "patent_applications", "--source", "市州报表 2022",
                            "--draft"])
    assert r.exit_code == 0 and "dataset 6" in r.output and "draft" in r.output, r.output
    assert "version 5" in runner.invoke(app, ["init-db"]).output


def test_import_rejects_with_report_and_exit_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPMAP_DATABASE", str(tmp_path / "cli.sqlite"))
    r = runner.invoke(app, ["import", str(DATA / "lanzhou-new-area.csv"), "--source", "x"])
    assert r.exit_code == 1
    assert "row 2 [地区]" in r.output and "兰州新区" in r.output
    r = runner.invoke(app, ["import", str(DATA / "not-text.csv"), "--source", "x"])
    assert r.exit_code == 2 and "GBK" in r.output
    r = runner.invoke(app, ["import", str(DATA / "negative-count.csv"), "--level", "town"])
    assert r.exit_code == 2 and "--level" in r.output
    assert "version 4" in runner.invoke(app, ["init-db"]).output
