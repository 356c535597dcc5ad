"""`ipmap export`: the same images and tables as the HTTP exports, from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from server.cli import app

runner = CliRunner()


def test_export_png_and_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPMAP_DATABASE", str(tmp_path / "cli.sqlite"))
    out = tmp_path / "map.png"
    r = runner.invoke(app, ["export", str(out), "--level", "prefecture", "--width", "640", "--height", "480",
                            "--scale", "2"])
    assert r.exit_code == 0, r.output
    assert Image.open(out).size == (1280, 960)
    table = tmp_path / "values.txt"
    r = runner.invoke(app, ["export", str(table), "--format", "csv", "--level", "prefecture"])
    assert r.exit_code == 0, r.output
    assert table.read_bytes().startswith(b"\xef\xbb\xbf") and "兰州市" in table.read_text(encoding="utf-8-sig")


def test_export_rejects_unknown_format_and_indicator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPMAP_DATABASE", str(tmp_path / "cli.sqlite"))
    r = runner.invoke(app, ["export", str(tmp_path / "x.gif")])
    assert r.exit_code != 0 and "gif" in r.output
    r = runner.invoke(app, ["export", str(tmp_path / "x.png"), "--indicator", "nope"])
    assert r.exit_code == 2 and "nope" in r.output
