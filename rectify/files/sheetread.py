"""Reading a sheet file into grids of cell values, within stated limits.

Formats: ``.xlsx``/``.xlsm`` (Excel, WPS) with openpyxl, ``.xls`` (Excel 97-2003, what
older offices and WPS still save) with python-calamine, each known by its first bytes, not
its name (an .xlsx named .xls, WPS's .et), ``.csv`` in UTF-8 (with or without
a BOM), GBK/GB18030 (what Chinese Excel saves) or UTF-16, the encoding found by
charset-normalizer when the bytes are not UTF-8.

Limits (:data:`LIMITS`) are checked before a workbook is loaded: the file's size; for a
zip workbook the number of parts and their uncompressed size (a zip bomb), and in every
worksheet the declared dimension, every row and cell (counted whether or not it carries
its reference) and each merged range (a 5 KB file that declares ``XFD1048576`` or merges
``H1:XFD100`` would otherwise make a reader build billions of cells). The worksheet parts
are parsed as a stream and the count stops at the limit, so the check costs at most the
uncompressed limit in time and a chunk in memory, whatever the file declares.
"""

from __future__ import annotations

import csv
import html
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from xml.parsers.expat import ExpatError

from rectify.errors import LedgerError, Problem, UsageError
from rectify.i18n import _, os_reason


@dataclass(frozen=True)
class Limits:
    """What import reads at most: bytes on disk, uncompressed bytes of a zip workbook,
    parts in it, sheets, rows and columns of one sheet."""

    file_bytes: int = 20_000_000
    unzipped_bytes: int = 100_000_000
    parts: int = 2_000
    sheets: int = 200
    rows: int = 20_000
    columns: int = 100


LIMITS = Limits()
"""The limits import holds to (stated in README.md, "Importing an office's sheets")."""


@dataclass
class Grid:
    """One sheet read: its name, rows of cell values (merged cells filled from their
    top-left cell; text, numbers, dates, None) and whether it is visible."""

    name: str
    rows: list[list[Any]]
    visible: bool = True


@dataclass
class Book:
    """A file read: its sheets in order and, for a CSV, the encoding used (e.g.
    ``GB18030 (detected)``); None for a workbook."""

    sheets: list[Grid]
    encoding: str | None = None


def _letters(col: int) -> str:
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def _col_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def read_book(path: Path, limits: Limits = LIMITS) -> Book:
    """Read every sheet of ``path`` (.xlsx, .xlsm, .xls or .csv) within ``limits``.

    Raises :class:`UsageError` for a missing, unreadable or oversized file or another
    format, :class:`LedgerError` naming ``sheet!CELL`` for a sheet beyond the limits or a
    formula whose value was never saved.
    """
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".xls", ".et", ".ett", ".csv"):
        raise UsageError(_("{name}: import reads .xlsx, .xls or .csv files").format(name=path.name))
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UsageError(_("cannot read {name}: {strerror}").format(name=path.name, strerror=os_reason(exc))) from None
    if size > limits.file_bytes:
        raise UsageError(_(
            "{name} is {size:,} bytes; import reads files up to {file_bytes:,} bytes"
        ).format(name=path.name, size=size, file_bytes=limits.file_bytes))
    if suffix == ".csv":
        return _read_csv(path, limits)
    kind = sniff(path)
    if kind == "xls":
        return _read_xls(path, limits)
    formulas = check_zip(path, limits)
    return _read_xlsx(path, formulas)


_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(path: Path) -> str:
    """Return how to read a workbook by its first bytes, whatever its name says: ``"xlsx"``
    (a zip: .xlsx, .xlsm, or one named .xls or .et) or ``"xls"`` (an OLE compound file:
    Excel 97-2003, or WPS's own .et). Raises :class:`UsageError` for a password-protected
    workbook, a web page or text saved under a workbook's name (as some systems export
    "Excel" files), or anything else."""
    try:
        with path.open("rb") as stream:
            head = stream.read(512)
    except OSError as exc:
        raise UsageError(_("cannot read {name}: {strerror}").format(name=path.name, strerror=os_reason(exc))) from None
    if head.startswith(_ZIP):
        return "xlsx"
    if head.startswith(_OLE):
        import olefile

        try:
            with olefile.OleFileIO(str(path)) as ole:
                locked = ole.exists("EncryptionInfo")
        except OSError:
            locked = False
        if locked:
            raise UsageError(
                _("{name} is protected by a password; save a copy without one and import that").format(name=path.name)
            )
        return "xls"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype", b"<?xml", b"<table", b"mime-version")):
        raise UsageError(
            _(
                "{name} is a web page or XML saved under a workbook's name, not a workbook; open it in WPS or "
                "Excel and save it as .xlsx"
            ).format(name=path.name)
        )
    raise UsageError(
        _("{name} is not an Excel or WPS workbook; save it as .xlsx and import that").format(name=path.name)
    )


# --- CSV -------------------------------------------------------------------------------


def decode_csv(data: bytes, name: str) -> tuple[str, str]:
    """Return ``(text, encoding said)`` of a CSV file's bytes: UTF-8 with or without a BOM
    when the bytes are valid UTF-8, else what charset-normalizer finds among GB18030 (GBK's
    superset), UTF-16 and Big5. Raises :class:`UsageError` when none fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["gb18030", "utf_16", "big5"]).best()
    if best is None:
        raise UsageError(_("{name}: the text is neither UTF-8 nor GBK/GB18030; save it as CSV UTF-8").format(name=name))
    encoding = "gb18030" if best.encoding in ("gb2312", "gbk", "gb18030") else best.encoding
    return data.decode(encoding), _("{encoding} (detected)").format(encoding=encoding.upper().replace("_", "-"))


def _read_csv(path: Path, limits: Limits) -> Book:
    text, said = decode_csv(path.read_bytes(), path.name)
    rows: list[list[Any]] = []
    try:
        for row in csv.reader(io.StringIO(text)):
            rows.append(list(row))
            if len(rows) > limits.rows:
                raise LedgerError([_beyond(path.stem, len(rows), 1, limits)])
            if len(row) > limits.columns:
                raise LedgerError([_beyond(path.stem, len(rows), len(row), limits)])
    except csv.Error as exc:
        at = len(rows) + 1
        raise LedgerError([Problem(path.stem, at, 1, _(
            "not valid CSV: {error}"
        ).format(error=exc), cell=str(at))]) from None
    return Book([Grid(path.stem, rows)], said)


def _beyond(sheet: str, row: int, col: int, limits: Limits) -> Problem:
    ref = f"{_letters(col)}{row}"
    return Problem(
        sheet, row, col,
        _(
            "the sheet reaches {ref} (a cell, a merged range or its declared size); import reads at most "
            "{rows:,} rows and {columns} columns (delete the empty rows and columns beyond the table, or "
            "split the file)"
        ).format(ref=ref, rows=limits.rows, columns=limits.columns),
        cell=ref,
    )  # fmt: skip


# --- zip workbooks ----------------------------------------------------------------------

_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_SWAPPED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')


def _sheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Map each worksheet part (``xl/worksheets/sheet1.xml``) to its sheet's name."""
    try:
        workbook = book.read("xl/workbook.xml")
        rels = book.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = dict(_REL.findall(rels))
    targets.update({rid: target for target, rid in _REL_SWAPPED.findall(rels)})
    out = {}
    for name, rid in _SHEET.findall(workbook):
        target = targets.get(rid, b"").decode("utf-8", "replace").lstrip("/")
        part = target if target.startswith("xl/") else f"xl/{target}"
        out[part] = html.unescape(name.decode("utf-8", "replace"))
    return out


def check_zip(path: Path, limits: Limits = LIMITS) -> bool:
    """Refuse a zip workbook beyond ``limits`` before any reader loads it: too many parts,
    too many uncompressed bytes (declared or real), or a worksheet whose dimension, cells,
    rows or merged ranges reach beyond the rows and columns import reads. Returns whether
    any worksheet holds a formula (only then are formulas read to find unsaved values).
    Raises :class:`UsageError` (the file) or :class:`LedgerError` (``sheet!CELL``)."""
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        hint = _(" (an encrypted workbook, or an .xls named .xlsx?)") if isinstance(exc, zipfile.BadZipFile) else ""
        raise UsageError(_(
            "cannot read {name} as an Excel workbook: {error}{hint}"
        ).format(name=path.name, error=os_reason(exc) if isinstance(exc, OSError) else exc, hint=hint)) from None
    with book:
        infos = book.infolist()
        if len(infos) > limits.parts:
            raise UsageError(
                _(
                    "{name} holds {count:,} parts; a workbook import reads has at most {parts:,}"
                ).format(name=path.name, count=len(infos), parts=limits.parts)
            )
        declared = sum(info.file_size for info in infos)
        if declared > limits.unzipped_bytes:
            raise UsageError(
                _(
                    "{name} unpacks to {declared:,} bytes; import reads workbooks up to "
                    "{unzipped_bytes:,}"
                ).format(name=path.name, declared=declared, unzipped_bytes=limits.unzipped_bytes)
            )
        names = _sheet_parts(book)
        if len(names) > limits.sheets:
            raise UsageError(_(
                "{name} has {count} sheets; import reads at most {sheets}"
            ).format(name=path.name, count=len(names), sheets=limits.sheets))
        problems = []
        formulas = False
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                sheet = names.get(info.filename, info.filename)
                try:
                    found, has_formula = _scan_sheet(book, info, limits)
                except ExpatError as exc:
                    raise UsageError(_(
                        "cannot read {name} as an Excel workbook: {error}"
                    ).format(name=path.name, error=f"{info.filename}: {exc}")) from None
                formulas = formulas or has_formula
                if found is not None:
                    problems.append(_beyond(sheet, found[0], found[1], limits))
        if problems:
            raise LedgerError(problems)
        return formulas


class _Reach(Exception):
    """Raised inside the parser's handlers to stop at the first cell beyond the limits."""

    def __init__(self, row: int, col: int) -> None:
        super().__init__(row, col)
        self.row, self.col = row, col


_RANGE = re.compile(r"\$?([A-Z]{0,3})\$?([0-9]{0,7})(?::\$?([A-Z]{0,3})\$?([0-9]{0,7}))?")


def _scan_sheet(book: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> tuple[tuple[int, int] | None, bool]:
    """Return the first (row, column) a worksheet part reaches beyond ``limits`` (else
    None) and whether it holds a formula.

    Reads the part as a stream through expat (the standard library's parser; a document
    type declaration, which a worksheet never has, is refused, so no entity is expanded)
    and counts rows and cells the way openpyxl places them (ECMA-376 Part 1, 18.3.1.73
    and 18.3.1.4: ``r`` is optional; a row without it follows the previous row, a cell
    without it the previous cell), so a sheet of cells without ``r`` is stopped at the
    limit too. The declared dimension and each merged range count as well. The part's
    uncompressed size (bounded by :func:`check_zip`) bounds the time; the memory is a
    chunk and two counters. Raises ``xml.parsers.expat.ExpatError`` for a part that is not
    well-formed XML or declares a document type.
    """
    from xml.parsers import expat

    row = col = 0
    formula = False

    def reach(ref: str) -> None:
        match = _RANGE.fullmatch(ref.strip())
        if match is None:
            return
        for letters, digits in ((match[1], match[2]), (match[3], match[4])):
            at_row = int(digits) if digits else 0
            at_col = _col_number(letters) if letters else 0
            if at_row > limits.rows or at_col > limits.columns:
                raise _Reach(max(at_row, 1), max(at_col, 1))

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal row, col, formula
        name = tag.rpartition(" ")[2]
        if name == "c":
            match = _RANGE.fullmatch(attrs.get("r", ""))
            at_row = row
            if match is not None and match[1] and match[2]:
                col, at_row = _col_number(match[1]), int(match[2])
            else:
                col += 1
            if at_row > limits.rows or col > limits.columns:
                raise _Reach(max(at_row, 1), col)
        elif name == "row":
            number = attrs.get("r", "")
            row = int(number) if number.isascii() and number.isdigit() else row + 1
            col = 0
            if row > limits.rows:
                raise _Reach(row, 1)
        elif name == "f":
            formula = True
        elif name in ("dimension", "mergeCell"):
            reach(attrs.get("ref", ""))

    def doctype(*_args: object) -> None:
        raise expat.ExpatError(_("a document type declaration, which a worksheet never has"))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    try:
        with book.open(info) as stream:
            while chunk := stream.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Reach as beyond:
        return (beyond.row, beyond.col), formula
    return None, formula


def _read_xlsx(path: Path, has_formulas: bool = True) -> Book:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings(), path.open("rb") as stream:  # a stream: any name (.xls, .et) will do
            warnings.simplefilter("ignore", UserWarning)  # parts openpyxl drops (WPS's x14 drop-down lists)
            book = load_workbook(stream, data_only=True)
            stream.seek(0)
            formulas = load_workbook(stream, data_only=False) if has_formulas else None
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UsageError(_(
            "cannot read {name} as an Excel workbook: {error}"
        ).format(name=path.name, error=exc)) from None
    grids = []
    problems = []
    for ws in book.worksheets:  # chart sheets hold no cells
        rows = _values(ws)
        unsaved = _unsaved_formulas(formulas[ws.title], rows) if formulas is not None else []
        for row, col, ref in unsaved[:50]:
            message = _("a formula with no saved value; open the file in Excel and save it")
            problems.append(Problem(ws.title, row, col, message, cell=ref))
        grids.append(Grid(ws.title, rows, ws.sheet_state == "visible"))
    if problems:
        raise LedgerError(problems)
    return Book(grids)


def _unsaved_formulas(ws: Any, grid: list[list[Any]]) -> list[tuple[int, int, str]]:
    """Cells holding a formula whose value was never saved (written by a script): their
    value reads as empty, which would silently lose a problem or its state."""
    found = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f" and (
                cell.row - 1 >= len(grid) or cell.column - 1 >= len(grid[cell.row - 1])
                or grid[cell.row - 1][cell.column - 1] is None
            ):  # fmt: skip
                found.append((cell.row, cell.column, cell.coordinate))
    return found


_CJK_MONTHS = frozenset({27, 36, 50, 52, 57})
"""Built-in number formats of Chinese Excel and WPS showing a year and month alone
(``yyyy"年"m"月"``; ECMA-376 Part 1, 18.8.30, zh-cn): the cell reads as that month."""
_CJK_DAYS = frozenset({28, 29, 30, 31, 51, 53, 54, 58})
"""Built-in number formats of Chinese Excel and WPS showing a day (``yyyy"年"m"月"d"日"``,
``m"月"d"日"``, ``m-d-yy``), which files from WPS and Chinese Excel use without defining
them and which openpyxl does not know (it reads the serial number)."""
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def _month_only(code: str) -> bool:
    """Whether a number format shows a year and a month but no day (``yyyy"年"m"月"``)."""
    bare = _QUOTED.sub("", code.split(";")[0]).lower()
    return "y" in bare and "m" in bare and "d" not in bare and "h" not in bare and "s" not in bare


def _cell_value(cell: Any) -> Any:
    """A cell's value as the person sees it: a date in a Chinese built-in date format as a
    date (not its serial number), a date shown as a year and month alone as
    ``2021年12月`` (a month, read as its last day by the deadline reader, never the 1st)."""
    from openpyxl.utils.datetime import from_excel

    value = cell.value
    if value is None or isinstance(value, str | bool):
        return value
    style = getattr(cell, "_style", None)
    fmt = style.numFmtId if style is not None else 0
    if isinstance(value, int | float) and fmt in _CJK_DAYS | _CJK_MONTHS:
        try:
            value = from_excel(value)
        except (ValueError, OverflowError):
            return cell.value
    if isinstance(value, datetime) and (fmt in _CJK_MONTHS or _month_only(str(cell.number_format))):
        return f"{value.year}年{value.month}月"
    return value


def _values(ws: Any) -> list[list[Any]]:
    grid = [[_cell_value(cell) for cell in row] for row in ws.iter_rows()]
    spans = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    _fill_merged(grid, spans)
    return grid


def _fill_merged(grid: list[list[Any]], spans: list[tuple[int, int, int, int]]) -> None:
    """Fill each merged range (1-based first row, first column, last row, last column)
    with its top-left value, within the grid."""
    for min_row, min_col, max_row, max_col in spans:
        top = (
            grid[min_row - 1][min_col - 1] if min_row - 1 < len(grid) and min_col - 1 < len(grid[min_row - 1]) else None
        )
        for r in range(min_row, min(max_row, len(grid)) + 1):
            for c in range(min_col, min(max_col, len(grid[r - 1])) + 1):
                grid[r - 1][c - 1] = top


# --- .xls -------------------------------------------------------------------------------


_CELL_RECORDS = frozenset({0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E})
"""BIFF records of one cell, each starting with its row and column: FORMULA, RSTRING,
LABELSST, BLANK, NUMBER, LABEL, BOOLERR, RK."""


def check_xls(path: Path, limits: Limits = LIMITS) -> None:
    """Refuse an Excel 97-2003 workbook whose sheets reach beyond ``limits`` before a
    reader builds them (a reader makes a dense grid of a sheet's used range, so a 6 KB
    file with one cell at IV65536 would cost a gigabyte). Walks the BIFF records of the
    workbook stream (read with olefile): every cell record, multi-cell record, row record,
    declared dimension and merged range. Raises :class:`UsageError` for a file that is not
    an .xls, :class:`LedgerError` naming ``sheet!CELL``."""
    import struct

    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            stream = "Workbook" if ole.exists("Workbook") else "Book"
            data = ole.openstream(stream).read()
    except (OSError, struct.error, ValueError, IndexError, KeyError) as exc:  # a damaged or truncated file
        raise UsageError(_(
            "cannot read {name} as an Excel 97-2003 workbook: {error}"
        ).format(name=path.name, error=os_reason(exc) if isinstance(exc, OSError) else exc)) from None
    names: dict[int, str] = {}
    sheet = ""
    problems: list[Problem] = []
    flagged: set[str] = set()
    pos = 0
    while pos + 4 <= len(data):
        kind, size = struct.unpack_from("<HH", data, pos)
        body = data[pos + 4 : pos + 4 + size]
        reach: list[tuple[int, int]] = []
        if kind == 0x0085 and len(body) >= 8:  # BOUNDSHEET: where a sheet starts, its name
            length, wide = body[6], body[7] & 1
            raw = body[8 : 8 + length * (2 if wide else 1)]
            names[struct.unpack_from("<I", body)[0]] = raw.decode("utf-16-le" if wide else "latin-1", "replace")
        elif kind == 0x0809:  # BOF: a sheet (or the globals) begins here
            sheet = names.get(pos, sheet)
        elif kind in _CELL_RECORDS and len(body) >= 4:
            reach.append(struct.unpack_from("<HH", body))
        elif kind in (0x00BD, 0x00BE) and len(body) >= 6:  # MULRK, MULBLANK: row, first column, ..., last
            reach.append((struct.unpack_from("<H", body)[0], struct.unpack_from("<H", body, size - 2)[0]))
        elif kind == 0x0208 and len(body) >= 2:  # ROW
            reach.append((struct.unpack_from("<H", body)[0], 0))
        elif kind == 0x0200 and len(body) >= 12:  # DIMENSIONS: last row + 1, last column + 1
            row_end, col_end = struct.unpack_from("<I", body, 4)[0], struct.unpack_from("<H", body, 10)[0]
            reach.append((max(row_end, 1) - 1, max(col_end, 1) - 1))
        elif kind == 0x00E5 and len(body) >= 2:  # MERGEDCELLS
            for index in range(min(struct.unpack_from("<H", body)[0], (size - 2) // 8)):
                __, last_row, __, last_col = struct.unpack_from("<HHHH", body, 2 + 8 * index)
                reach.append((last_row, last_col))
        for row, col in reach:
            if (row + 1 > limits.rows or col + 1 > limits.columns) and sheet not in flagged:
                flagged.add(sheet)
                problems.append(_beyond(sheet, row + 1, col + 1, limits))
        pos += 4 + size
    if problems:
        raise LedgerError(problems)


def _read_xls(path: Path, limits: Limits) -> Book:
    from python_calamine import CalamineWorkbook

    check_xls(path, limits)
    try:
        with path.open("rb") as stream:  # by its content, whatever its name (.xls, .et)
            book = CalamineWorkbook.from_filelike(stream)
    except Exception as exc:  # calamine raises its own kinds for a broken file
        raise UsageError(_(
            "cannot read {name} as an Excel 97-2003 workbook: {error}"
        ).format(name=path.name, error=os_reason(exc) if isinstance(exc, OSError) else exc)) from None
    grids = []
    try:
        metas = book.sheets_metadata
        if len(metas) > limits.sheets:
            raise UsageError(_(
                "{name} has {count} sheets; import reads at most {sheets}"
            ).format(name=path.name, count=len(metas), sheets=limits.sheets))
        for meta in metas:
            if str(meta.typ).lower().endswith("chartsheet"):
                continue
            sheet = book.get_sheet_by_name(meta.name)
            end = sheet.end or (0, 0)
            if end[0] + 1 > limits.rows or end[1] + 1 > limits.columns:
                raise LedgerError([_beyond(meta.name, end[0] + 1, end[1] + 1, limits)])
            rows = [[_xls_value(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            spans = [(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (sheet.merged_cell_ranges or [])]
            _fill_merged(rows, spans)
            grids.append(Grid(meta.name, rows, str(meta.visible).lower().endswith("visible")))
    finally:
        book.close()
    return Book(grids)


def _xls_value(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date()
    if isinstance(value, date | datetime | int | float | str | bool):
        return value
    return str(value)
