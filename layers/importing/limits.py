"""How much of an upload is read: every cap in one place, checked before the work it bounds is done.

A file's size is limited by IPMAP_MAX_UPLOAD_BYTES; what it declares (a million columns in one CSV line, a sheet
whose `dimension` says A1:XFD20000, a cell at row 1,048,576) must not make the work larger than its bytes do.
"""

from __future__ import annotations

MAX_ROWS = 100_000  # rows of a CSV file or of the sheet read (title lines and header included)
MAX_COLUMNS = 200  # columns with content: the last non-blank cell of a row may be at most column 200 (GR)
# A CSV record with more fields than a worksheet can hold was not saved by a spreadsheet: refused before parsing.
MAX_FIELDS = 16_384

# XLSX: a workbook is a zip of XML parts, scanned (streamed, never held whole) before openpyxl parses them.
MAX_UNPACKED_BYTES = 200_000_000  # the parts together
MAX_PARTS = 10_000  # zip members (a workbook saved by a spreadsheet has tens)
# ...or any part of it that inflates more than this many times (a zip bomb; Apache POI's limit too). Real sheet
# and shared-string XML packs 5-20 times; parts under MIN_RATIO_CHECKED bytes are too small to matter.
MAX_RATIO = 100
MIN_RATIO_CHECKED = 1_000_000
# XML elements in all parts together: openpyxl's time grows with them (about 14 us each on a 2-core development
# machine, so some 20 s at the cap). 100,000 rows of 4 cells of inline text are 1.3 million; of 7 cells from
# shared strings, 1.5 million.
MAX_ELEMENTS = 1_500_000
# Elements inside one sheet row or one shared string (openpyxl builds each whole): 4 per cell of a full row.
MAX_RECORD_ELEMENTS = 4 * MAX_FIELDS
# Elements of any other part (styles, workbook, relationships), which openpyxl parses in one piece.
MAX_PART_ELEMENTS = 200_000


class LimitError(Exception):
    """A file past one of the caps; service.check turns it into a report line (422) in the upload's language."""

    def __init__(self, code: str, row: int | None = None, **fmt: object):
        self.code, self.row, self.fmt = code, row, fmt
        super().__init__(f"{code} at row {row}: {fmt}")
