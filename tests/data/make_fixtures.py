"""Write the messy planner files the import tests read (run once; the outputs are committed)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent

# GBK, a title line, short names, full-width digits, thousands separators, a dash, a totals row and a note.
# 2021 total agrees with the rows; 2022's is 100 too high (a warning, not an error).
GBK_ROWS = [
    ("兰州", "12,345", "13,001"), ("嘉峪关", "801", "820"), ("金昌", "1,002", "998"), ("白银市", "２３４５", "2,400"),
    ("天水", "1,500", "1,650"), ("武威", "700", "-"), ("张掖", "650", "700"), ("平凉", "610", "655"),
    ("酒泉", "900", "950"), ("庆阳", "880", "900"), ("定西", "560", "600"), ("陇南", "430", "470"),
    ("临夏州", "300", "330"), ("甘南州", "77", "80"),
]


def gbk_csv() -> None:
    ascii_digits = str.maketrans("０１２３４５６７８９", "0123456789")
    total21 = sum(int(r[1].replace(",", "").translate(ascii_digits)) for r in GBK_ROWS)
    total22 = sum(int(r[2].replace(",", "")) for r in GBK_ROWS if r[2] != "-") + 100
    lines = ["2021—2022年甘肃省各市州专利申请受理量", "地区,2021年,2022年"]
    lines += [f'{a},"{b}","{c}"' for a, b, c in GBK_ROWS]
    lines += [f'合计,"{total21:,}","{total22:,}"', "注：数据来源于各市州知识产权局，武威2022年数据暂缺。"]
    (HERE / "gbk-short-names-total.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


def wide_years_xlsx() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "专利授权"
    ws.append(["部分县区专利授权量（件）"])
    ws.append(["县区", 2019, 2020, "2021年"])
    ws.append(["城关区", 4100, 4300.0, "4,512"])
    ws.append(["Dunhuang", 35, 41, 48])
    ws.append(["临夏", 20, 22, None])  # with level=county still two candidates: 临夏市, 临夏县
    ws.append(["东乡县", 3, 4, 6])
    ws.append(["天水市秦州区", 800, 850, 910])
    wb.save(HERE / "wide-years.xlsx")


def wide_indicators_xlsx() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["行政区划代码", "名称", "年份", "专利申请量（件）", "专利授权量（件）"])
    ws.append([620102, "城关区", 2023, 5000, 3500])
    ws.append([620982, "敦煌市", 2023, 60, "=1+1"])  # a formula without a saved value: never evaluated
    ws.append(["622901", "临夏市", 2023, 90, 70])
    wb.save(HERE / "wide-indicators-formula.xlsx")


# A statistical-yearbook table, as 甘肃发展年鉴 prints one and Excel saves it: a title and a unit line, a two-level
# header (专利申请量 spanning 合计 / 其中：发明), two-character names padded with a full-width space, the 全省 total on
# top and a note below. The figures are made up for the tests; the shape is the yearbook's.
YEARBOOK_2022 = [  # name, applications, of which invention, grants, of which invention
    ("兰　州", 14_210, 4_906, 9_874, 1_652), ("嘉峪关", 868, 161, 610, 48), ("金　昌", 1_120, 286, 742, 95),
    ("白　银", 1_656, 302, 1_103, 71), ("天　水", 2_310, 318, 1_690, 64), ("武　威", 1_407, 150, 1_012, 40),
    ("张　掖", 1_286, 122, 930, 29), ("平　凉", 1_043, 97, 788, 18), ("酒　泉", 1_588, 201, 1_150, 37),
    ("庆　阳", 1_402, 233, 996, 41), ("定　西", 1_120, 88, 865, 12), ("陇　南", 905, 61, 704, 9),
    ("临夏州", 732, 43, 590, 6), ("甘南州", 214, 19, 167, 2),
]
YEARBOOK_NOTE = "注：1.本表数据来源于省知识产权局。2.全省合计含兰州新区，各市州数据不含兰州新区。"


def yearbook_csv() -> None:
    """GBK, as Excel saves a merged header: the spanned cells come out blank. The 全省 invention grants include
    兰州新区 (the note says so): 55 more than the prefectures' sum, a warning; the other totals agree."""
    sums = [sum(r[i] for r in YEARBOOK_2022) for i in range(1, 5)]
    sums[3] += 55
    lines = ["表12-8  2022年各市州专利申请和授权情况,,,,", "单位：件,,,,", "地　区,专利申请量,,专利授权量,",
             ",合计,其中：发明,合计,其中：发明", "全　省," + ",".join(str(v) for v in sums)]
    lines += [",".join([name, *(str(v) for v in vals)]) for name, *vals in YEARBOOK_2022]
    lines += [YEARBOOK_NOTE + ",,,,"]
    (HERE / "yearbook-2022-two-level.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))


YEARBOOK_2023 = [  # name, applications (invention, utility model, design), grants (invention, utility model, design)
    ("兰　州", 5_210, 8_330, 1_204, 1_843, 7_102, 1_010), ("嘉峪关", 176, 602, 98, 55, 520, 80),
    ("金　昌", 301, 744, 120, 102, 655, 96), ("白　银", 330, 1_170, 240, 80, 1_002, 201),
    ("天　水", 352, 1_690, 402, 70, 1_415, 350), ("武　威", 168, 1_085, 230, 44, 906, 188),
    ("张　掖", 131, 1_002, 212, 33, 850, 170), ("平　凉", 104, 812, 177, 20, 700, 140),
    ("酒　泉", 215, 1_260, 190, 41, 1_080, 160), ("庆　阳", 251, 1_118, 133, 45, 930, 101),
    ("定　西", 95, 900, 198, 14, 760, 166), ("陇　南", 70, 690, 180, 10, 590, 150),
    ("临夏州", 48, 560, 170, 7, 470, 141), ("甘南州", 21, 150, 61, 3, 122, 50),
]


def yearbook_xlsx() -> None:
    """Merged header cells (专利申请量 over B3:E3, 地区 down A3:A4), a wrapped 实用\n新型 sub-header, and the three
    kinds of patent under each total. Every total agrees: a clean yearbook table loads without a warning."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "12-9"
    ws.append(["表12-9  2023年各市州分类型专利申请和授权情况"])
    ws.append(["单位：件"])
    ws.append(["地　区", "专利申请量", None, None, None, "专利授权量"])
    ws.append([None, "合计", "发明", "实用\n新型", "外观设计", "合计", "发明", "实用\n新型", "外观设计"])
    rows = [(name, sum(v[:3]), *v[:3], sum(v[3:]), *v[3:]) for name, *v in YEARBOOK_2023]
    ws.append(["全　省", *(sum(r[i] for r in rows) for i in range(1, 9))])
    for r in rows:
        ws.append(list(r))
    ws.append(["注：本表为国内专利申请和授权，按申请人所在地统计。"])
    for cells in ("A1:I1", "A2:I2", "A3:A4", "B3:E3", "F3:I3", f"A{ws.max_row}:I{ws.max_row}"):
        ws.merge_cells(cells)
    wb.save(HERE / "yearbook-2023-by-kind.xlsx")


def small_csvs() -> None:
    files = {
        "duplicate-region.csv": "地区,指标,年份,数值\n临夏州,patent_grants,2022,120\n甘南州,patent_grants,2022,40\n"
                                "临夏回族自治州,patent_grants,2022,121\n",
        "negative-count.csv": "region,indicator,year,value\n城关区,patent_grants,2022,-5\n"
                              "七里河区,patent_grants,2022,7\n",
        "formula.csv": "region,indicator,year,value\n城关区,patent_grants,2022,=1+1\n"
                       "=HYPERLINK(\"x\"),patent_grants,2022,3\n",
        "unknown-region.csv": "地区,指标,年份,数值\n临下县,专利授权量,2022,12\n城关区,专利授权量,2022,3500\n",
        "lanzhou-new-area.csv": "地区,指标,年份,数值\n兰州新区,专利授权量,2022,800\n永登县,专利授权量,2022,90\n",
        "unknown-indicator.csv": "地区,指标,年份,数值\n城关区,专利密度,2022,12\n",
        "year-out-of-range.csv": "地区,指标,年份,数值\n城关区,专利授权量,1970,12\n",
    }
    for name, text in files.items():
        (HERE / name).write_text(text, encoding="utf-8")
    # UTF-8 with BOM, long form, pinyin and codes, units in cells, percent on a rate.
    (HERE / "bom-long.csv").write_text(
        "region,indicator,year,value,unit,source\n"
        "Lanzhou,valid_invention_patents,2023,\"12,001\",件,市局年报\n"
        "620400,valid_invention_patents,2023,510件,,\n"
        "Chengguan District,patent_grants,2023,4 800,,\n", encoding="utf-8-sig")
    (HERE / "not-text.csv").write_bytes(b"region,value\n\x80\x81\xfe\xff,1\n")


if __name__ == "__main__":
    gbk_csv()
    wide_years_xlsx()
    wide_indicators_xlsx()
    yearbook_csv()
    yearbook_xlsx()
    small_csvs()
