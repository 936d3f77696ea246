"""Reading .xlsx files: screened first, values by python-calamine, the rest from the sheet XML.

``open_book`` refuses quickly, with a clear message, what is not an xlsx workbook: old .xls,
encrypted workbooks, files over the size limit, and zip bombs (members that inflate far beyond
their compressed size, or archives whose declared sizes lie). Values are read with
python-calamine (cached values of formula cells); the sheet XML is scanned once for what
calamine does not report: formula cells without a cached value, error values (``#DIV/0!``),
and number formats (percent, decimals) needed to read figures exactly as they were entered.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Final
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

from jixiao.io.excel.problems import Problem, WorkbookError

MAX_FILE_BYTES: Final = 50 * 1024 * 1024  # 50 MB on disk
MAX_INFLATED_BYTES: Final = 1024 * 1024 * 1024  # 1 GB of XML in all
MAX_RATIO: Final = 400  # inflated/compressed for any member over 1 MB
MAX_MEMBERS: Final = 5000
MAX_CELL_AREA: Final = 20_000_000  # rows × columns a sheet may span
LARGE_SHEET_BYTES: Final = (
    8 * 1024 * 1024
)  # sheet XML above this: formats read for percentages only
_CHUNK: Final = 1 << 20

_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC: Final = b"PK\x03\x04"
_NS: Final = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS: Final = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS: Final = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# Built-in number formats (ECMA-376 18.8.30) that matter here.
_BUILTIN_FORMATS: Final = {
    1: "0",
    2: "0.00",
    3: "#,##0",
    4: "#,##0.00",
    9: "0%",
    10: "0.00%",
    11: "0.00E+00",
    14: "yyyy-mm-dd",
}


@dataclass(frozen=True, slots=True)
class NumberFormat:
    percent: bool
    decimals: int


_PLAIN = NumberFormat(False, -1)


@lru_cache(maxsize=4096)
def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """(0, 0) → A1."""
    return f"{column_letter(col)}{row + 1}"


def parse_ref(ref: str) -> tuple[int, int]:
    """A1 → (0, 0)."""
    found = re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", ref)
    if not found:
        raise ValueError(ref)
    col = 0
    for char in found.group(1):
        col = col * 26 + ord(char) - 64
    return int(found.group(2)) - 1, col - 1


@dataclass(slots=True)
class Sheet:
    """One worksheet's values (0-based grid) and what the XML told about its cells."""

    name: str
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    no_value: set[tuple[int, int]] = field(default_factory=set)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    styles: dict[bytes, bytes] = field(default_factory=dict)  # b"E12" → b"13", telling styles only
    style_formats: dict[bytes, NumberFormat] = field(default_factory=dict)  # b"13" → format
    _merge_index: dict[tuple[int, int], tuple[int, int, int, int]] | None = None
    _width: int = -1

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        if self._width < 0:
            self._width = max((len(r) for r in self.rows), default=0)
        return self._width

    def value(self, row: int, col: int) -> Any:
        """The raw value ('' when empty); merged areas hold their value in the top-left cell."""
        if 0 <= row < len(self.rows):
            line = self.rows[row]
            if 0 <= col < len(line):
                return line[col]
        return ""

    def merged_value(self, row: int, col: int) -> Any:
        """The value shown in a cell: a merged area's value in every one of its cells."""
        area = self.merge_at(row, col)
        return self.value(area[0], area[1]) if area else self.value(row, col)

    def merge_at(self, row: int, col: int) -> tuple[int, int, int, int] | None:
        if self._merge_index is None:
            index: dict[tuple[int, int], tuple[int, int, int, int]] = {}
            for area in self.merged:
                r1, c1, r2, c2 = area
                if (r2 - r1 + 1) * (c2 - c1 + 1) > 100_000:
                    continue
                for r in range(r1, r2 + 1):
                    for c in range(c1, c2 + 1):
                        index[(r, c)] = area
            self._merge_index = index
        return self._merge_index.get((row, col))

    def format_of(self, row: int, col: int) -> NumberFormat:
        if not self.styles:
            return _PLAIN
        style = self.styles.get(f"{column_letter(col)}{row + 1}".encode())
        return _PLAIN if style is None else self.style_formats[style]

    def column_formats(self, col: int, rows: list[int]) -> list[NumberFormat | None]:
        """The telling number format (or None) of the cells of one column, for many rows."""
        if not self.styles:
            return [None] * len(rows)
        letters = column_letter(col).encode()
        styles, formats = self.styles, self.style_formats
        found = [styles.get(b"%s%d" % (letters, r + 1)) for r in rows]
        if len(formats) == 1:  # one telling style in the sheet (the usual case)
            only = next(iter(formats.values()))
            return [None if s is None else only for s in found]
        return [None if s is None else formats[s] for s in found]

    def ref(self, row: int, col: int) -> str:
        return cell_ref(row, col)

    def is_blank_row(self, row: int) -> bool:
        return all(_blank(v) for v in (self.rows[row] if row < len(self.rows) else ()))

    def cell_problem(self, row: int, col: int) -> tuple[str, str] | None:
        """(code, reason) when the cell's value cannot be trusted (formula without result…)."""
        if (row, col) in self.no_value:
            return (
                "excel.formula_no_value",
                "公式没有保存计算结果（请在 Excel/WPS 中打开并保存后再导入）",
            )
        error = self.errors.get((row, col))
        if error is not None:
            return "excel.formula_error", f"单元格是错误值「{error}」"
        return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(slots=True)
class Book:
    """An opened workbook; sheets are read on first use."""

    path: str
    sheet_names: list[str]
    _workbook: CalamineWorkbook
    _archive: zipfile.ZipFile
    _sheet_files: dict[str, str]
    _styles: list[NumberFormat]
    _cache: dict[str, Sheet] = field(default_factory=dict)

    def sheet(self, name: str) -> Sheet:
        if name not in self._cache:
            self._cache[name] = self._read(name)
        return self._cache[name]

    def sheets(self) -> Iterator[Sheet]:
        for name in self.sheet_names:
            yield self.sheet(name)

    def close(self) -> None:
        self._workbook.close()
        self._archive.close()

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read(self, name: str) -> Sheet:
        member = self._sheet_files.get(name)
        file = Path(self.path).name
        data = _inflate(self._archive, member, file) if member is not None else None
        if data is not None:
            _check_extent(data, name, file)  # before calamine sizes its grid by it
        try:
            calamine_sheet = self._workbook.get_sheet_by_name(name)
            rows = calamine_sheet.to_python(skip_empty_area=False)
            merged = [
                (r1, c1, r2, c2) for (r1, c1), (r2, c2) in (calamine_sheet.merged_cell_ranges or [])
            ]
        except BaseException as exc:  # calamine's own errors; a Rust panic is a BaseException
            _reraise_interrupts(exc)
            raise WorkbookError(
                [Problem("excel.corrupt", f"工作表无法读取：{exc}", name)], file
            ) from None
        sheet = Sheet(name, rows if isinstance(rows, list) else [list(r) for r in rows], merged)
        if data is not None:
            _scan_xml(data, self._styles, sheet)
        return sheet


_FAR_REFS = re.compile(rb' r="([A-Z]{2,}[0-9]+|[A-Z]*[0-9]{6,})"')
_REF_PARTS = re.compile(rb"([A-Z]*)([0-9]+)")


def _check_extent(data: bytes, sheet: str, file: str) -> None:
    """Refuse a sheet whose cells span more than ``MAX_CELL_AREA`` cells.

    The values are laid out as a grid from the first to the last cell, so one stray cell far
    away (``XFD1048576``) would make a tiny file ask for terabytes. References with six-digit
    rows or two-letter columns are rare, so the common case costs one quick search.
    """
    rows: list[int] = []
    letters: set[bytes] = set()
    for ref in set(_FAR_REFS.findall(data)):  # refs of rows ≥ 100 000 or columns ≥ AA only
        parts = _REF_PARTS.fullmatch(ref)
        if parts is not None:
            rows.append(int(parts.group(2)))
            if parts.group(1):
                letters.add(parts.group(1))
    max_row = max(rows, default=99_999)
    max_col = max((_col_index(c) + 1 for c in letters), default=26)
    if max_row > 1_048_576 or max_col > 16_384 or max_row * max_col > MAX_CELL_AREA:
        far = f"第{max_row}行" if max_row * 26 > MAX_CELL_AREA or max_row > 1_048_576 else ""
        wide = f"第{max_col}列" if max_col > 26 else ""
        where = "、".join(x for x in (far, wide) if x)
        _refuse(
            "excel.too_large",
            f"工作表「{sheet}」的单元格延伸到{where}（数据区域约{max_row}×{max_col}个单元格，"
            f"超过上限{MAX_CELL_AREA // 10_000}万）；请删除远处多余的单元格或无关的工作表后另存",
            file,
        )


def open_book(source: str | Path) -> Book:
    """Screen the file and open it; raises ``WorkbookError`` with one clear problem if refused."""
    path = Path(source)
    name = path.name
    if not path.is_file():
        _refuse("excel.not_found", f"找不到文件「{path}」", name)
    size = path.stat().st_size
    if size == 0:
        _refuse("excel.empty", "文件为空（0 字节）", name)
    if size > MAX_FILE_BYTES:
        _refuse(
            "excel.too_large",
            f"文件有{size / 1048576:.1f} MB，超过上限{MAX_FILE_BYTES // 1048576} MB；请拆分后导入",
            name,
        )
    with path.open("rb") as handle:
        head = handle.read(8)
        if head.startswith(_OLE_MAGIC):
            _refuse_ole(handle, name)
    if not head.startswith(_ZIP_MAGIC):
        _refuse("excel.not_xlsx", _not_xlsx_reason(head), name)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, NotImplementedError) as exc:  # e.g. "zip file version 6.4"
        _refuse("excel.corrupt", f"不是有效的 xlsx 压缩包：{exc}", name)
    try:
        _screen(archive, name)
        sheet_files = _sheet_members(archive, name)
        styles = _styles(archive, name)
        workbook = CalamineWorkbook.from_path(str(path))
        sheet_names = list(workbook.sheet_names)
    except WorkbookError:
        archive.close()
        raise
    except BaseException as exc:  # calamine's own errors; a Rust panic is a BaseException
        archive.close()
        _reraise_interrupts(exc)
        _refuse("excel.corrupt", f"工作簿无法读取：{exc}", name)
    return Book(str(path), sheet_names, workbook, archive, sheet_files, styles)


def _reraise_interrupts(exc: BaseException) -> None:
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
        raise exc


def _refuse(code: str, message: str, file: str) -> Any:
    raise WorkbookError([Problem(code, message)], file)


def _refuse_ole(handle: IO[bytes], file: str) -> None:
    handle.seek(0)
    head = handle.read(4 * 1024 * 1024)
    if (
        "EncryptedPackage".encode("utf-16-le") in head
        or "EncryptionInfo".encode("utf-16-le") in head
    ):
        _refuse(
            "excel.encrypted",
            "工作簿设有打开密码（已加密），无法读取；请在 Excel/WPS 中取消密码（文件→信息→保护工作簿）后另存再导入",
            file,
        )
    _refuse(
        "excel.xls",
        "这是旧版 Excel 97-2003（.xls）文件；请在 Excel/WPS 中“另存为”Excel 工作簿（.xlsx）后再导入",
        file,
    )


def _not_xlsx_reason(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf").lower()
    if text.startswith((b"<html", b"<!doc", b"<?xml", b"<table")):
        return "文件是网页或 XML 文本，并非真正的 Excel 工作簿（常见于网站“导出 Excel”）；请用 Excel/WPS 打开后另存为 .xlsx"
    if head.startswith(b"%PDF"):
        return "文件是 PDF，不是 Excel 工作簿"
    return "文件不是 Excel 工作簿（.xlsx）；请确认文件类型，或用 Excel/WPS 另存为 .xlsx"


def _screen(archive: zipfile.ZipFile, file: str) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        _refuse("excel.zip_bomb", f"压缩包内有{len(members)}个文件，远超正常工作簿", file)
    names = {m.filename for m in members}
    if "xl/workbook.bin" in names:
        _refuse("excel.not_xlsx", "这是二进制工作簿（.xlsb）；请另存为 .xlsx", file)
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        hint = "（看起来是 Word 文档）" if "word/document.xml" in names else ""
        _refuse("excel.not_xlsx", f"压缩包不是 Excel 工作簿{hint}", file)
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            _refuse("excel.encrypted", f"压缩包成员「{member.filename}」已加密", file)
        total += member.file_size
        big = member.file_size > _CHUNK
        if big and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            _refuse(
                "excel.zip_bomb",
                f"「{member.filename}」压缩比为{member.file_size // max(member.compress_size, 1)}倍，疑似压缩炸弹",
                file,
            )
    if total > MAX_INFLATED_BYTES:
        _refuse(
            "excel.zip_bomb",
            f"解压后共{total / 1048576:.0f} MB，超过上限{MAX_INFLATED_BYTES // 1048576} MB",
            file,
        )


def _inflate(archive: zipfile.ZipFile, member: str, file: str) -> bytes:
    """Read one member, never more than its declared size (a lying header is a bomb)."""
    info = archive.getinfo(member)
    limit = min(info.file_size, MAX_INFLATED_BYTES)
    parts: list[bytes] = []
    got = 0
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                got += len(chunk)
                if got > limit:
                    _refuse(
                        "excel.zip_bomb", f"「{member}」解压后超过其声明大小，疑似压缩炸弹", file
                    )
                parts.append(chunk)
    except (
        zipfile.BadZipFile,
        EOFError,
        OSError,
        zlib.error,
        NotImplementedError,
        ValueError,
    ) as exc:
        _refuse("excel.corrupt", f"「{member}」已损坏：{exc}", file)
    return b"".join(parts)


def _xml(archive: zipfile.ZipFile, member: str, file: str) -> ElementTree.Element | None:
    try:
        archive.getinfo(member)
    except KeyError:
        return None
    data = _inflate(archive, member, file)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        _refuse("excel.corrupt", f"「{member}」含 DTD/实体声明，拒绝读取", file)
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        _refuse("excel.corrupt", f"「{member}」不是有效的 XML：{exc}", file)
    return None


def _sheet_members(archive: zipfile.ZipFile, file: str) -> dict[str, str]:
    """Sheet name → its XML member, from workbook.xml and its relationships."""
    workbook = _xml(archive, "xl/workbook.xml", file)
    rels = _xml(archive, "xl/_rels/workbook.xml.rels", file)
    if workbook is None or rels is None:
        return {}
    targets = {}
    for rel in rels.iter(f"{_PKG_REL_NS}Relationship"):
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id", "")] = target
    found = {}
    for sheet in workbook.iter(f"{_NS}sheet"):
        rid = sheet.get(f"{_REL_NS}id", "")
        if rid in targets:
            found[sheet.get("name", "")] = targets[rid]
    return found


def _styles(archive: zipfile.ZipFile, file: str) -> list[NumberFormat]:
    """Cell style index → number format (percent? how many decimals?)."""
    root = _xml(archive, "xl/styles.xml", file)
    if root is None:
        return []
    codes = dict(_BUILTIN_FORMATS)
    for fmt in root.iter(f"{_NS}numFmt"):
        try:
            codes[int(fmt.get("numFmtId", "-1"))] = fmt.get("formatCode", "")
        except ValueError:
            continue
    found: list[NumberFormat] = []
    xfs = root.find(f"{_NS}cellXfs")
    for xf in xfs.iter(f"{_NS}xf") if xfs is not None else ():
        try:
            code = codes.get(int(xf.get("numFmtId", "0")), "")
        except ValueError:
            code = ""
        found.append(describe_format(code))
    return found


def describe_format(code: str) -> NumberFormat:
    """``0.00%`` → percent with 2 decimals; ``#,##0.000`` → 3 decimals; General → plain."""
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code.split(";")[0])
    if not section or section.lower() == "general":
        return _PLAIN
    percent = "%" in section
    found = re.search(r"\.([0#?]+)", section)
    decimals = len(found.group(1)) if found else 0
    if not percent and not re.search(r"[0#?]", section):
        return _PLAIN
    return NumberFormat(percent, decimals)


_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]+)([0-9]+)"([^>]*?)(/?)>')
_STYLE = re.compile(rb' s="([0-9]+)"')
_USUAL_ORDER = re.compile(rb'<c r="[A-Z]+[0-9]+" s="')
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]+)([0-9]+)"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)(?!<v>[^<])'
)
_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]+)([0-9]+)"[^>]*? t="e"[^>]*>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?<v>([^<]*)</v>'
)


def _col_index(letters: bytes) -> int:
    col = 0
    for char in letters:
        col = col * 26 + char - 64
    return col - 1


def _scan_xml(data: bytes, styles: list[NumberFormat], sheet: Sheet) -> None:
    """Formula cells without a cached value, error cells, and cells with a telling number format."""
    if b"<f>" in data or b"<f " in data or b"<f/>" in data:  # not <formula1> of a validation
        for found in _FORMULA_NO_VALUE.finditer(data):
            sheet.no_value.add((int(found.group(2)) - 1, _col_index(found.group(1))))
    if b't="e"' in data:
        for found in _ERROR_CELL.finditer(data):
            where = (int(found.group(2)) - 1, _col_index(found.group(1)))
            sheet.errors[where] = found.group(3).decode("utf-8", "replace")
    telling = {i for i, fmt in enumerate(styles) if fmt.percent or fmt.decimals > 0}
    if len(data) > LARGE_SHEET_BYTES:
        # A very large sheet (a project table of 100 000 rows): only percent formats are read
        # cell by cell, so that 95% is never mistaken for 0.95 of something else; the decimals a
        # format shows (1202.5 shown as 1202.50) are not, which leaves every value unchanged.
        telling = {i for i in telling if styles[i].percent}
    if not telling:
        return
    ids = b"|".join(str(i).encode() for i in sorted(telling, reverse=True))
    pattern = re.compile(rb'<c r="([A-Z]+[0-9]+)" s="(' + ids + rb')"')
    sheet.style_formats = {str(i).encode(): styles[i] for i in telling}
    cells_found: list[tuple[bytes, bytes]] = pattern.findall(data)
    if cells_found:
        sheet.styles = dict(cells_found)
    elif b" s=" in data and _USUAL_ORDER.search(data) is None:
        _scan_styles_loose(data, telling, sheet)  # attributes in an unusual order


def _scan_styles_loose(data: bytes, telling: set[int], sheet: Sheet) -> None:
    """Cells whose attributes are not written in the usual order (r first, then s)."""
    for found in _CELL.finditer(data):
        style = _STYLE.search(found.group(3))
        if style is not None and int(style.group(1)) in telling:
            sheet.styles[found.group(1) + found.group(2)] = style.group(1)


def excel_serial(value: Any) -> bool:
    """True for values calamine gives for date/time cells."""
    return isinstance(value, date | datetime | time | timedelta)


def float_decimal(value: float) -> Decimal:
    """A cell's binary float as the decimal it was typed as (shortest repr, no trailing .0)."""
    if value.is_integer() and abs(value) < 1e15:
        return Decimal(int(value))
    return Decimal(repr(value))
