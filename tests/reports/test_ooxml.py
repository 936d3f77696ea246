"""What makes Word offer to "repair" a file: property elements out of schema order or repeated.

The WordprocessingML schema fixes the order of the children of ``tblPr``, ``tcPr``, ``pPr`` and
``rPr`` (ECMA-376 Part 1, §17). LibreOffice forgives a wrong order, Word does not; so every part of
every generated document (and of the shipped templates) is checked here.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from jixiao.reports.build_template import COMPARISON_TEMPLATE, REPORT_TEMPLATE
from tests.reports.conftest import CASES, Rendered

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ORDER = {
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
    "vAlign hideMark",
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
    "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr "
    "sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect "
    "bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
}
SEQUENCES = {name: text.split() for name, text in ORDER.items()}


def problems(xml: bytes, part: str) -> list[str]:
    found = []
    root = etree.fromstring(xml)
    for name, sequence in SEQUENCES.items():
        for element in root.iter(W + name):
            children = [c.tag.removeprefix(W) for c in element if isinstance(c.tag, str)]
            known = [c for c in children if c in sequence]
            if len(set(known)) != len(known):
                found.append(f"{part}: <{name}> repeats a child: {children}")
            elif known != sorted(known, key=sequence.index):
                found.append(f"{part}: <{name}> children out of order: {children}")
    return found


def check(docx: Path) -> list[str]:
    out: list[str] = []
    with zipfile.ZipFile(docx) as z:
        for part in z.namelist():
            if part.startswith("word/") and part.endswith(".xml"):
                out += problems(z.read(part), f"{docx.name}:{part}")
    return out


def test_shipped_templates_are_in_schema_order() -> None:
    assert check(REPORT_TEMPLATE) == []
    assert check(COMPARISON_TEMPLATE) == []


@pytest.mark.parametrize("name", CASES)
def test_reports_are_in_schema_order(name: str, rendered: dict[str, Rendered]) -> None:
    docx = rendered[name].outputs.docx
    assert docx is not None
    assert check(docx) == []


def test_the_checker_catches_disorder() -> None:
    bad = f'<w:document xmlns:w="{W[1:-1]}"><w:tcPr><w:vAlign/><w:tcW/></w:tcPr></w:document>'
    assert problems(bad.encode(), "x") and not problems(
        bad.replace("<w:vAlign/><w:tcW/>", "<w:tcW/><w:vAlign/>").encode(), "x"
    )
