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
    small_csvs()
