"""Serving reads names' pinyin from data/pinyin.json: a worker never loads pypinyin's 56 MB dictionary for reads."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from geo.boundaries import BoundarySet
from geo.names import PINYIN_TABLE, dump_table, initials, name_forms, pinyin, pinyin_table
from layers.core.zones import ZoneBook

ROOT = Path(__file__).resolve().parents[2]


def test_committed_table_is_current(boundaries: BoundarySet) -> None:
    names = list(boundaries.regions.name_zh) + [z.name_zh for z in ZoneBook.load().zones]
    fresh = dump_table(pinyin_table(name_forms(names)))
    assert PINYIN_TABLE.read_text(encoding="utf-8") == fresh, "run `ipmap build-pinyin` and commit data/pinyin.json"


def test_table_and_pypinyin_agree_and_unknown_text_still_works() -> None:
    assert pinyin("民乐县") == "minlexian" and initials("敦煌市") == "dhs"  # from the table
    assert pinyin("张掖市") == "zhangyeshi"
    assert pinyin("嘉峪关隧道") == "jiayuguansuidao"  # not in the table: computed
    assert initials("黄河铁桥") == "hhtq"


def test_serving_reads_never_imports_pypinyin(tmp_path: Path) -> None:
    probe = textwrap.dedent(f"""
        import sys
        sys.modules["pypinyin"] = None  # any import of it now raises ImportError
        from fastapi.testclient import TestClient
        from server.app import create_app
        from server.settings import Settings
        app = create_app(Settings(database={str(tmp_path / "s.sqlite")!r}, _env_file=None))
        with TestClient(app) as c:
            hits = c.get("/api/search?q=dunhuang").json()
            assert any(h["key"] == "620982" for h in hits), hits
            assert c.get("/api/search?q=dh").status_code == 200
            for url in ("/map?level=county", "/regions/620982", "/zones", "/search?q=minle"):
                assert c.get(url).status_code == 200, url
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-2000:]
