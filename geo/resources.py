"""Where the shipped files are (data/, static/, page templates), in a checkout and in an installed wheel alike.

A checkout keeps data/ and static/ at its top level. The wheel cannot put folders with such names straight into
site-packages, so pyproject.toml maps them to gansu_ip_map/data/ and gansu_ip_map/static/ beside the packages.
Templates are package data of server/ in both. Every module that reads a shipped file takes its path from here;
nothing else works a path out from its own __file__. Plain pathlib only: the CLI imports this before anything heavy.
"""

from __future__ import annotations

from pathlib import Path

# The folder holding geo/, layers/ and server/: a checkout's top level, or site-packages.
PACKAGES = Path(__file__).resolve().parent.parent
_INSTALLED = PACKAGES / "gansu_ip_map"
ROOT = _INSTALLED if (_INSTALLED / "data").is_dir() else PACKAGES

DATA = ROOT / "data"
STATIC = ROOT / "static"
TEMPLATES = PACKAGES / "server" / "templates"

BOUNDARY_CACHE = DATA / "boundaries" / "gansu.gpkg"
CENSUS_CSV = DATA / "reference" / "gansu-census-2020-county-population.csv"
CATALOGUE = DATA / "indicators.toml"
ZONES = DATA / "zones.toml"
PLANS = DATA / "plans"
PINYIN_TABLE = DATA / "pinyin.json"
