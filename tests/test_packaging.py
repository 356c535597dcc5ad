"""The project as a user gets it: the wheel installed elsewhere runs, and `ipmap --help` is quick and light.

Run the wheel test alone with `pytest -m wheel`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
# What the build reads: the packages, the shipped files, and what pyproject.toml names.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "THIRD_PARTY.md", "geo", "layers", "server", "data", "static")
HELP_PROBE = """
import sys, time
t = time.perf_counter()
from server.cli import app
try:
    app(["--help"])
except SystemExit as e:
    assert e.code == 0, e.code
heavy = sorted(m for m in ("geopandas", "pandas", "matplotlib", "shapely", "folium", "pydantic_settings")
               if m in sys.modules)
print("HEAVY", heavy, "SECONDS", round(time.perf_counter() - t, 3))
"""


def test_help_imports_nothing_heavy() -> None:
    out = subprocess.run([sys.executable, "-c", HELP_PROBE], cwd=ROOT, capture_output=True, text=True, check=True,
                         env=os.environ | {"PYTHONPATH": str(ROOT)}).stdout
    assert "init-db" in out and "backup" in out and "restore" in out
    probe = out[out.index("HEAVY"):].split()
    assert probe[1] == "[]", f"--help imported {' '.join(probe[1:-2])}"
    # Typically 0.2-0.4 s on a busy 2-core machine; the bound only catches a heavy import coming back.
    assert float(probe[-1]) < 2.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    """The environment without the checkout on the path and without the test run's IPMAP_* settings."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("IPMAP_")}


@pytest.mark.wheel
def test_wheel_installs_and_serves_from_an_empty_directory(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.tmp.gpkg"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "-w", str(dist), str(src)], check=True, capture_output=True, env=_env())
    (wheel,) = dist.glob("gansu_ip_map-*.whl")

    # A fresh venv that sees the test environment's packages through a .pth path line. Path lines do not run the
    # .pth files inside that directory, so the editable install's finder (pointing at the checkout) stays off.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = Path(subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "test-environment.pth").write_text("".join(p + "\n" for p in paths), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps", "--no-index",
                    str(wheel)], check=True, capture_output=True, env=_env())

    run = tmp_path / "empty"
    run.mkdir()
    where = subprocess.run([py, "-c", "import server, geo.resources as r; print(server.__file__); print(r.DATA)"],
                           cwd=run, check=True, capture_output=True, text=True, env=_env()).stdout.split()
    assert all(Path(p).is_relative_to(site) for p in where), where

    ipmap = venv / "bin" / "ipmap"
    init = subprocess.run([ipmap, "init-db"], cwd=run, capture_output=True, text=True, env=_env())
    assert init.returncode == 0, init.stderr
    assert "version" in init.stdout and (run / "var" / "ipmap.sqlite").is_file()

    port = free_port()
    proc = subprocess.Popen([ipmap, "serve", "--port", str(port)], cwd=run, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("ipmap serve did not start: " + proc.communicate()[0].decode(errors="replace")[-4000:])
            time.sleep(0.2)
        page = httpx.get(url + "/map?level=county", timeout=60)
        assert page.status_code == 200
        assert "L.map(" in page.text and "/static/vendor/leaflet/leaflet.js" in page.text
        assert "县" in page.text
        leaflet = httpx.get(url + "/static/vendor/leaflet/leaflet.js", timeout=10)
        assert leaflet.status_code == 200 and "Leaflet" in leaflet.text[:2000]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
