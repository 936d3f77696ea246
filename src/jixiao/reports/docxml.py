"""Small WordprocessingML helpers shared by the template builder and the Word writer.

Tables always carry both ``<w:tblW>`` and ``<w:gridCol>`` widths (WPS reads the grid, Word the
table width) and a fixed layout; property elements are written in schema order (Word repairs
files otherwise). Fonts come from the template's styles, which name the simplified-Chinese faces.
"""

from __future__ import annotations

from functools import lru_cache
from xml.sax.saxutils import escape

from jixiao.reports.fonts import SANS, SERIF

DXA_PER_CM = 567  # twentieths of a point per centimetre (1440 per inch)
BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
HEADER_FILL = "D9E2F3"
SUBTOTAL_FILL = "F2F2F2"


def dxa(cm: float) -> int:
    return round(cm * DXA_PER_CM)


def table_props(widths: list[int], align: str = "center") -> str:
    borders = "".join(
        BORDER.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    return (
        "<w:tblPr>"
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:jc w:val="{align}"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
        "</w:tblPr>"
        "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
    )


TABLE_STYLE_ID = "TableText"  # 表格文字 in the shipped template: Noto Serif CJK SC, 9 pt


@lru_cache(maxsize=16)
def _cell_paragraph_props(align: str) -> str:
    return (
        f'<w:pPr><w:pStyle w:val="{TABLE_STYLE_ID}"/>'
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:left="0" w:right="0" w:firstLine="0" w:firstLineChars="0"/>'
        f'<w:jc w:val="{align}"/></w:pPr>'
    )


@lru_cache(maxsize=16)
def _cell_run_props(size: int, bold: bool) -> str:
    bold_xml = "<w:b/><w:bCs/>" if bold else ""
    return f'<w:rPr>{bold_xml}<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'


def paragraph(text: str, *, align: str = "left", bold: bool = False, size: int = 18) -> str:
    """A table-cell paragraph: the template's table style, no indent or spacing, explicit size.

    Fonts come from the style (the shipped template names Noto Serif CJK SC there and in the
    document defaults), so a house template's own fonts apply to the 评分表 too; the paragraph
    properties that matter for the layout are explicit in case a house template lacks the style.
    """
    rpr = _cell_run_props(size, bold)
    runs = []
    for k, line in enumerate(text.split("\n")):
        if k:
            runs.append("<w:r><w:br/></w:r>")
        runs.append(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>')
    return f"<w:p>{_cell_paragraph_props(align)}{''.join(runs)}</w:p>"


def cell(
    text: str,
    width: int,
    *,
    align: str = "left",
    bold: bool = False,
    fill: str | None = None,
    span: int = 1,
    vmerge: str | None = None,  # "restart" | "continue"
    size: int = 18,
) -> str:
    props = [f'<w:tcW w:w="{width}" w:type="dxa"/>']
    if span > 1:
        props.append(f'<w:gridSpan w:val="{span}"/>')
    if vmerge == "restart":
        props.append('<w:vMerge w:val="restart"/>')
    elif vmerge == "continue":
        props.append("<w:vMerge/>")
    if fill:
        props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>')
    props.append('<w:vAlign w:val="center"/>')
    body = paragraph("" if vmerge == "continue" else text, align=align, bold=bold, size=size)
    return f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{body}</w:tc>"


def row(cells: list[str], header: bool = False, cant_split: bool = True) -> str:
    props = ""
    if header or cant_split:
        props = (
            "<w:trPr>"
            + ("<w:cantSplit/>" if cant_split else "")
            + ("<w:tblHeader/>" if header else "")
            + "</w:trPr>"
        )
    return f"<w:tr>{props}{''.join(cells)}</w:tr>"


class RawXml:
    """Pre-built OOXML handed to docxtpl: ``{{p annex }}`` replaces its paragraph with this."""

    def __init__(self, xml: str) -> None:
        self.xml = xml

    def __html__(self) -> str:
        return self.xml

    def __str__(self) -> str:
        return self.xml


__all__ = [
    "DXA_PER_CM",
    "SANS",
    "SERIF",
    "RawXml",
    "cell",
    "dxa",
    "paragraph",
    "row",
    "table_props",
]
