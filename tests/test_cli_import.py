"""`ipmap import` on files it cannot take: a report or one line of error, an exit code, never a traceback."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import server.app
from layers.pages.atlas import Atlas
from server.cli import app
from tests.layers.importing.strategies import upload_files

runner = CliRunner()
SLIP = "地区,代码,指标,年份,数值\n城关区,620102,专利授权量,2023,10\n七里河区,620102,专利授权量,2023,5\n".encode()


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory) -> Atlas:
    """One atlas on a temporary store for every run of the command here (loading it per run is slow)."""
    from server.settings import Settings

    db = tmp_path_factory.mktemp("cli") / "cli.sqlite"
    return server.app.load_atlas(Settings(database=db, _env_file=None))  # type: ignore[call-arg]


@pytest.fixture
def cli(atlas: Atlas, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setattr(server.app, "load_atlas", lambda settings: atlas)
    yield runner


def test_adcode_and_name_that_disagree_are_a_report_line(cli: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "slip.csv"
    path.write_bytes(SLIP)
    r = cli.invoke(app, ["import", str(path), "--dry-run"])
    assert r.exit_code == 1 and "Traceback" not in r.output and not isinstance(r.exception, TypeError)
    assert "error: row 3 [地区]: 代码 620102 是“城关区”，但名称写的是“七里河区” → “七里河区”的代码是 620103" in r.output


def test_an_internal_error_is_one_line_and_exit_3(cli: CliRunner, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import layers.importing.service

    def broken(*args: object, **kwargs: object) -> dict[str, object]:
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(layers.importing.service, "run_import", broken)
    path = tmp_path / "ok.csv"
    path.write_bytes("地区,指标,年份,数值\n兰州市,专利授权量,2023,1\n".encode())
    r = cli.invoke(app, ["import", str(path), "--dry-run"])
    assert r.exit_code == 3 and "Traceback" not in r.output
    assert "internal error while importing ok.csv (RuntimeError: simulated fault); nothing was written" in r.output


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=upload_files(), dry_run=st.booleans())
def test_import_never_prints_a_traceback(cli: CliRunner, data: bytes, dry_run: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.csv"
        path.write_bytes(data)
        r = cli.invoke(app, ["import", str(path), *(["--dry-run"] if dry_run else []), "--source", "test"])
    assert r.exit_code in (0, 1, 2), (r.exit_code, r.output[-800:], r.exception)
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
