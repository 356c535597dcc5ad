"""Uploads whose cost is set by what they declare, not by their bytes: each is read (or refused) in a separate
process under a CPU-time and address-space limit, so a regression fails here instead of eating the machine.

The hostile files are built in tmp_path; none is committed.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from layers.core.errors import UnreadableFileError
from layers.importing.limits import MAX_COLUMNS, MAX_ELEMENTS, MAX_PARTS, MAX_RECORD_ELEMENTS, MAX_ROWS
from layers.importing.xlsx import count_elements

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "tests" / "data" / "bad" / "make_corpus.py")
corpus = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(corpus)  # type: ignore[union-attr]

# Checks each file in one fresh interpreter: start-up (boundaries, catalogue, openpyxl) first; then, for each file,
# limits counted from where the process stands (address space: what is mapped now plus the budget; CPU time: what
# was used so far plus the budget), then the check. A file over its budget kills the child (SIGXCPU) or fails with
# MemoryError, and the tests of it and of the files after it fail.
CHILD = r"""
import json, resource, sys, time
from collections.abc import Callable
from pathlib import Path
from geo.boundaries import BoundarySet
from layers.core.catalogue import Catalogue
from layers.core.errors import UnreadableFileError
from layers.importing.regions import RegionMatcher
from layers.importing.report import Options
from layers.importing.service import Upload, check
import openpyxl, openpyxl.worksheet._reader, charset_normalizer

matcher, catalogue = RegionMatcher(BoundarySet.load().regions), Catalogue.load()
budget_mb, budget_s = int(sys.argv[1]), int(sys.argv[2])
for name in sys.argv[3:]:
    data = Path(name).read_bytes()
    vm_kb = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (vm_kb * 1024 + budget_mb * 2**20, resource.RLIM_INFINITY))
    used = resource.getrusage(resource.RUSAGE_SELF)
    resource.setrlimit(resource.RLIMIT_CPU, (int(used.ru_utime + used.ru_stime) + budget_s, resource.RLIM_INFINITY))
    start = time.process_time()
    try:
        v = check(Upload(data, Path(name).name, dry_run=True, options=Options()), catalogue, matcher)
        out = {"issues": [[i.row, i.code, i.problem] for i in v.issues], "observations": len(v.observations)}
    except UnreadableFileError as e:
        out = {"unreadable": str(e)}
    out["cpu"] = time.process_time() - start
    resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    print(Path(name).name, json.dumps(out, ensure_ascii=False), flush=True)
"""
BUDGET_MB = 300  # the 1.2-million-column CSV once took 2.8 GB
BUDGET_S = 6  # the 5 KB workbook declaring A1:XFD20000 once took 49-66 s of CPU


def sheet(rows: str, dimension: str | None = None) -> str:
    """Worksheet XML with hand-written rows (cell references as given) and an optional dimension tag."""
    head = corpus.SHEET_OPEN.replace("<sheetData>", f'<dimension ref="{dimension}"/><sheetData>' if dimension
                                     else "<sheetData>")
    return head + rows + corpus.SHEET_CLOSE


def row(n: int, cells: list[tuple[str, object]]) -> str:
    return f'<row r="{n}">' + "".join(corpus.cell(ref, v) for ref, v in cells) + "</row>"


HEADER = row(1, [("A1", "地区"), ("B1", "指标"), ("C1", "年份"), ("D1", "数值")])


def data_row(n: int) -> str:
    return row(n, [(f"A{n}", "兰州市"), (f"B{n}", "专利授权量"), (f"C{n}", 2023), (f"D{n}", 5120)])


def workbook(rows: str, dimension: str | None = None) -> bytes:
    return corpus.xlsx({"xl/worksheets/sheet1.xml": sheet(rows, dimension)})  # type: ignore[no-any-return]


STYLED = "".join(f'<c r="{c}2" s="1"/>' for c in ("ZZ", "AAA", "XFD"))
FAT_ROW = "".join(f'<c r="A2"><v>{i % 10}</v></c>' for i in range(MAX_RECORD_ELEMENTS // 2 + 10))
BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                            for i in range(1, 10))
                  + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                  '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
PAD = "," * 300
HOSTILE: dict[str, Callable[[], bytes]] = {
    # a 3.6 MB CSV whose header has 1.2 million columns
    "million-columns.csv": lambda: ("地区," + ",".join(["ab"] * 1_200_000) + "\n兰州市,1\n").encode(),
    "wide-row.csv": lambda: ("地区,数值\n兰州市,1\n白银市," + ",".join(["7"] * 16_000) + "\n").encode(),
    "padded.csv": lambda: f"地区,指标,年份,数值{PAD}\n兰州市,专利授权量,2023,5120{PAD}\n".encode(),
    "long.csv": lambda: ("地区,2022\n" + "城关区,1\n" * MAX_ROWS).encode(),
    # 5 KB declaring A1:XFD20000 (327 million cells) with two real rows 20,000 apart
    "dimension.xlsx": lambda: workbook(HEADER + data_row(20_000), "A1:XFD20000"),
    "far-column.xlsx": lambda: workbook(HEADER + "".join(data_row(n) for n in range(2, 200))
                                        + row(200, [("A200", "白银市"), ("XFD200", 1)]), "A1:XFD20000"),
    "far-row.xlsx": lambda: workbook(HEADER + data_row(1_048_576)),
    "styled.xlsx": lambda: workbook(HEADER + data_row(2).replace("</row>", STYLED + "</row>")
                                    + '<row r="1048576"><c r="A1048576" s="1"/></row>', "A1:XFD1048576"),
    "fat-row.xlsx": lambda: workbook(HEADER + f'<row r="2">{FAT_ROW}</row>'),
    "many-rows.xlsx": lambda: workbook(HEADER + "".join(f'<row r="{n}"><c r="D{n}"><v>{n}</v></c></row>'
                                                        for n in range(2, MAX_ROWS + 2))),
    "billion-laughs.xlsx": lambda: corpus.xlsx({"xl/worksheets/sheet1.xml": BILLION_LAUGHS}),
}


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Every hostile file checked in a limited child: name -> result, or {"died": exit status, "stderr": ...} for
    a file the child did not survive (a new child then takes the files after it)."""
    out = tmp_path_factory.mktemp("hostile")
    for name, make in HOSTILE.items():
        (out / name).write_bytes(make())
    env = os.environ | {"PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    results: dict[str, dict] = {}
    todo = list(HOSTILE)
    while todo:
        p = subprocess.run([sys.executable, "-c", CHILD, str(BUDGET_MB), str(BUDGET_S), *(str(out / n) for n in todo)],
                           capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
        for line in p.stdout.splitlines():
            name, _, body = line.partition(" ")
            results[name] = json.loads(body)
        todo = [n for n in todo if n not in results]
        if todo:
            results[todo.pop(0)] = {"died": p.returncode, "stderr": p.stderr[-3000:]}
    for name in HOSTILE:
        results[name]["size"] = (out / name).stat().st_size
    return results


def run_limited(limited: dict[str, dict], name: str) -> dict:
    """One file's result; fails when the child died on it (-24 is SIGXCPU: over the CPU budget)."""
    out = limited[name]
    assert "died" not in out, f"the child died on {name} with exit {out['died']}:\n{out['stderr']}"
    return out


def codes(out: dict) -> list[tuple[int | None, str]]:
    return [(row, code) for row, code, _ in out["issues"]]


def test_csv_header_of_a_million_columns_is_refused_before_parsing(limited: dict[str, dict]) -> None:
    out = run_limited(limited, "million-columns.csv")
    assert 3_500_000 < out["size"] < 3_700_000
    assert codes(out) == [(1, "too_many_columns")]
    assert "1,200,001" in out["issues"][0][2] and str(MAX_COLUMNS) in out["issues"][0][2]


def test_csv_wide_within_a_worksheet_is_refused_on_its_row(limited: dict[str, dict]) -> None:
    """16,000 fields is a shape a spreadsheet can save: parsed, then refused on the row that has them."""
    out = run_limited(limited, "wide-row.csv")
    assert codes(out) == [(3, "too_many_columns")] and "16,001" in out["issues"][0][2]


def test_csv_trailing_empty_columns_do_not_count(limited: dict[str, dict]) -> None:
    """Excel pads every line of a CSV to its widest row: 300 empty fields after the data are no columns."""
    out = run_limited(limited, "padded.csv")
    assert codes(out) == [] and out["observations"] == 1


def test_csv_too_many_rows_is_refused_before_parsing(limited: dict[str, dict]) -> None:
    out = run_limited(limited, "long.csv")
    assert codes(out) == [(None, "too_many_rows")] and f"{MAX_ROWS:,}" in out["issues"][0][2]


def test_xlsx_dimension_tag_is_not_trusted(limited: dict[str, dict]) -> None:
    out = run_limited(limited, "dimension.xlsx")
    assert out["size"] < 5_000 and codes(out) == [] and out["observations"] == 1


def test_xlsx_cell_at_the_last_column_is_refused_on_its_row(limited: dict[str, dict]) -> None:
    out = run_limited(limited, "far-column.xlsx")
    assert codes(out) == [(200, "too_many_columns")] and "16,384" in out["issues"][0][2]


def test_xlsx_cell_at_the_last_row_is_refused(limited: dict[str, dict]) -> None:
    assert codes(run_limited(limited, "far-row.xlsx")) == [(None, "too_many_rows")]


def test_xlsx_too_many_rows_is_refused_before_parsing(limited: dict[str, dict]) -> None:
    out = run_limited(limited, "many-rows.xlsx")
    assert codes(out) == [(None, "too_many_rows")] and out["cpu"] < 2


def test_xlsx_empty_styled_cells_far_away_are_no_columns(limited: dict[str, dict]) -> None:
    """Excel writes formatted empty cells (a border, a fill) as cells: they hold nothing and cost nothing."""
    out = run_limited(limited, "styled.xlsx")
    assert codes(out) == [] and out["observations"] == 1


def test_xlsx_row_of_too_many_cells_is_refused_before_parsing(limited: dict[str, dict]) -> None:
    out = run_limited(limited, "fat-row.xlsx")
    assert "one row or shared string" in out["unreadable"] and "sheet1.xml" in out["unreadable"]


def test_billion_laughs_in_a_sheet_is_refused(limited: dict[str, dict]) -> None:
    out = run_limited(limited, "billion-laughs.xlsx")
    assert "not a readable .xlsx workbook" in out["unreadable"]


def test_every_hostile_file_stayed_within_budget(limited: dict[str, dict]) -> None:
    assert {n: limited[n].get("died") for n in HOSTILE} == dict.fromkeys(HOSTILE)
    assert all(limited[n]["cpu"] < BUDGET_S for n in HOSTILE)


def test_xml_element_budget_is_shared_by_the_whole_workbook() -> None:
    xml = b"<sst>" + b"<si><t>a</t></si>" * 1000 + b"</sst>"
    assert count_elements(io.BytesIO(xml), "s.xml", 10_000) == 2001
    with pytest.raises(UnreadableFileError, match=f"more than {MAX_ELEMENTS:,} XML elements"):
        count_elements(io.BytesIO(xml), "s.xml", 2000)


def test_xml_element_counts_survive_chunk_boundaries() -> None:
    """Records cut by the 1 MB reads are counted whole: one 2.4 MB row of 32,769 cells across three reads."""
    big = b"<row>" + (b"<c>" + b" " * 60 + b"<v>1</v></c>") * (MAX_RECORD_ELEMENTS // 2 + 1) + b"</row>"
    with pytest.raises(UnreadableFileError, match="one row"):
        count_elements(io.BytesIO(b"<sheetData>" + big + b"</sheetData>"), "s.xml", 10**9)
    ok = b"<sheetData>" + b"<row>" + b"<c><v>1</v></c>" * 100 + b"</row>" + b"</sheetData>"
    assert count_elements(io.BytesIO(ok * 5000), "s.xml", 10**9) == 5000 * 202


def test_zip_of_too_many_parts_is_refused() -> None:
    import zipfile

    from layers.importing.read import read_table

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for i in range(MAX_PARTS + 1):
            z.writestr(f"xl/p{i}.xml", b"")
    with pytest.raises(UnreadableFileError, match=f"more than {MAX_PARTS:,} parts"):
        read_table(buf.getvalue(), "parts.xlsx")


def test_openpyxl_parses_with_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
