"""The machine a run was measured on, written at the top of bench/results.md."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _mem_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return 0.0


def _os() -> str:
    try:
        info = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line)
        return info.get("PRETTY_NAME", "").strip('"')
    except OSError:
        return platform.platform()


def _run(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def describe() -> list[str]:
    """Lines describing CPU, memory, OS, load, software versions and the commit measured."""
    load = os.getloadavg()
    chromium = _run("/usr/bin/chromium", "--version") or "not found"
    wrk = (_run("wrk", "--version") or _run("sh", "-c", "wrk -v 2>&1")).splitlines()[:1]
    return [
        f"- CPU: {_cpu_model()}, {os.cpu_count()} cores; memory {_mem_gib():.0f} GiB; {_os()}, "
        f"kernel {platform.release()}",
        f"- Load average when the run started: {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} (1/5/15 min); "
        "load generator, browser and server share these cores",
        f"- Python {platform.python_version()}; folium {version('folium')}, geopandas {version('geopandas')}, "
        f"shapely {version('shapely')}, fastapi {version('fastapi')}, uvicorn {version('uvicorn')}",
        f"- {chromium}; {wrk[0] if wrk else 'wrk not found'}",
        f"- Commit {_run('git', 'rev-parse', '--short', 'HEAD') or 'unknown'}",
    ]
