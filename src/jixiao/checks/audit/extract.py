"""A report file → its text as lines and table rows, each with a location a reader can find.

.txt: every line (``行N``); tab-separated lines are table rows (``行N第K列``).
.docx: paragraphs (``段N``) and table cells (``表T!C12``) in document order.
.xlsx: every non-empty row of every sheet (``Sheet!C12``).
.pdf: the text layer, page by page (``第N页第M行``); a PDF without text (a scan) is unusable.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from jixiao.checks.textnum import normalize


class ExtractError(ValueError):
    """The file cannot be read as a report; the message is in Chinese."""


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    where: str
    column: int  # 0-based grid column


@dataclass(slots=True)
class Line:
    """A paragraph (``cells`` is None) or a table row."""

    text: str  # as printed (cells joined by tabs for a row)
    where: str
    cells: list[Cell] | None = None
    table: int | None = None  # index into Document.tables
    norm: str = ""

    def __post_init__(self) -> None:
        self.norm = normalize(self.text)

    @property
    def is_row(self) -> bool:
        return self.cells is not None


@dataclass(slots=True)
class Table:
    rows: list[Line] = field(default_factory=list)
    where: str = ""


@dataclass(slots=True)
class Document:
    name: str
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def paragraphs(self) -> Iterator[Line]:
        return (line for line in self.lines if not line.is_row)

    def add_paragraph(self, text: str, where: str) -> None:
        if text.strip():
            self.lines.append(Line(text, where))

    def add_row(self, cells: list[Cell], where: str, new_table: bool) -> None:
        if new_table or not self.tables:
            self.tables.append(Table(where=where))
        line = Line("\t".join(c.text for c in cells), where, cells, len(self.tables) - 1)
        self.tables[-1].rows.append(line)
        self.lines.append(line)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------------------------------------


def read_document(path: str | Path) -> Document:
    """Read a .txt, .docx, .xlsx or text-layer .pdf file."""
    file = Path(path)
    if not file.exists():
        raise ExtractError(f"找不到文件：{file}")
    if file.is_dir():
        raise ExtractError(f"{file} 是目录，应为 .txt、.docx、.xlsx 或 .pdf 文件")
    suffix = file.suffix.lower()
    readers = {
        ".txt": read_txt,
        ".md": read_txt,
        ".docx": read_docx,
        ".xlsx": read_xlsx,
        ".pdf": read_pdf,
    }
    reader = readers.get(suffix)
    if reader is None:
        raise ExtractError(
            f"不支持的文件类型「{suffix or '无扩展名'}」：请提供 .txt、.docx、.xlsx 或 .pdf"
        )
    document = reader(file)
    if not any(line.text.strip() for line in document.lines):
        raise ExtractError(f"{file.name} 中没有可读的文字")
    return document


def read_txt(path: Path) -> Document:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise ExtractError(f"{path.name} 不是 UTF-8 或 GBK 编码的文本")
    return document_from_text(text, path.name)


def document_from_text(text: str, name: str = "文本") -> Document:
    """Plain text: tab-separated lines are table rows; a non-blank other line ends a table."""
    document = Document(name)
    in_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        if "\t" in line and line.strip():
            cells = [
                Cell(part, f"行{number}第{k + 1}列", k) for k, part in enumerate(line.split("\t"))
            ]
            document.add_row(cells, f"行{number}", new_table=not in_table)
            in_table = True
        elif line.strip():
            document.add_paragraph(line, f"行{number}")
            in_table = False
    return document


def read_docx(path: Path) -> Document:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.table import Table as DocxTable
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover - python-docx is a dependency
        raise ExtractError(f"读取 Word 文件需要 python-docx：{exc}") from None
    try:
        word = docx.Document(str(path))
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        PackageNotFoundError,
        NotImplementedError,
    ) as exc:
        raise ExtractError(f"{path.name} 不是有效的 Word（.docx）文件：{exc}") from None
    document = Document(path.name)
    paragraph_no = 0
    table_no = 0
    for child in word.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph_no += 1
            document.add_paragraph(Paragraph(child, word).text, f"段{paragraph_no}")
        elif tag == "tbl":
            table_no += 1
            table = DocxTable(child, word)
            first = True
            for r, row in enumerate(table.rows, start=1):
                cells: list[Cell] = []
                previous = None
                for c, cell in enumerate(row.cells):
                    # a cell merged across columns is returned once per grid column: keep one
                    text = "" if cell._tc is previous else cell.text
                    previous = cell._tc
                    cells.append(Cell(text, f"表{table_no}!{column_letter(c)}{r}", c))
                if any(cell.text.strip() for cell in cells):
                    document.add_row(cells, f"表{table_no}第{r}行", new_table=first)
                    first = False
    return document


def read_xlsx(path: Path) -> Document:
    try:
        import openpyxl  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise ExtractError(f"读取 Excel 文件需要 openpyxl：{exc}") from None
    try:
        book = openpyxl.load_workbook(str(path), data_only=True, read_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, NotImplementedError) as exc:
        raise ExtractError(f"{path.name} 不是有效的 Excel（.xlsx）文件：{exc}") from None
    document = Document(path.name)
    try:
        for sheet in book.worksheets:
            new_table = True
            for r, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                values = ["" if v is None else _cell_text(v) for v in row]
                filled = [v for v in values if v.strip()]
                if not filled:
                    new_table = True
                    continue
                if len(filled) == 1 and len(values) > 1 and not re.search(r"\d", filled[0]):
                    document.add_paragraph(filled[0], f"{sheet.title}!{r}行")
                    new_table = True
                    continue
                cells = [
                    Cell(v, f"{sheet.title}!{column_letter(c)}{r}", c) for c, v in enumerate(values)
                ]
                document.add_row(cells, f"{sheet.title}!{r}行", new_table=new_table)
                new_table = False
    finally:
        book.close()
    return document


def _cell_text(value: object) -> str:
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def read_pdf(path: Path) -> Document:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - pypdf is a dependency
        raise ExtractError(f"读取 PDF 文件需要 pypdf：{exc}") from None
    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ExtractError(f"{path.name} 不是有效的 PDF 文件：{exc}") from None
    if not any(p.strip() for p in pages):
        raise ExtractError(
            f"{path.name} 没有文字层（可能是扫描件），请先做文字识别或提供 Word 版本"
        )
    document = Document(path.name)
    for p, page in enumerate(pages, start=1):
        for m, line in enumerate(page.splitlines(), start=1):
            document.add_paragraph(line, f"第{p}页第{m}行")
    return document
