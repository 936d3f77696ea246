"""The Word report: a ``ReportContext`` rendered into a .docx template with docxtpl.

The template is the shipped ``templates/report.docx`` or a house template. Its Jinja source is
patched and compiled once per process and template (docxtpl would redo both for every report),
which is what makes batches of thousands affordable. Values are XML-escaped (autoescape); prose
paragraphs become Word paragraphs; charts become inline pictures; ``{{p annex }}`` becomes the
评分表 with merged level cells, built here as OOXML because its shape depends on the framework.
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage  # type: ignore[import-untyped]
from jinja2 import Environment, Template
from lxml import etree  # type: ignore[import-untyped]

from jixiao.reports import docxml
from jixiao.reports.build_template import COMPARISON_TEMPLATE, REPORT_TEMPLATE
from jixiao.reports.context import ReportContext, ScoreRow
from jixiao.reports.docxml import HEADER_FILL, SUBTOTAL_FILL, RawXml, dxa
from jixiao.reports.layout import level_cells

LANDSCAPE_WIDTH_CM = 29.7 - 2.0 - 2.0
CHART_WIDTH_CM = 15.0
PARAGRAPH = "\a"  # docxtpl turns it into a new paragraph with the same formatting


class _CachingEnvironment(Environment):
    """A Jinja environment that compiles each distinct template source once."""

    def __init__(self) -> None:
        super().__init__(autoescape=True)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
        key = source if isinstance(source, str) else None
        if key is not None and globals is None and template_class is None:
            found = self._compiled.get(key)
            if found is None:
                found = super().from_string(source)
                self._compiled[key] = found
            return found
        return super().from_string(source, globals, template_class)


_ENVIRONMENT = _CachingEnvironment()


@lru_cache(maxsize=64)
def _patched(xml: str) -> str:
    return str(DocxTemplate.patch_xml(_PATCHER, xml))


class _Patcher(DocxTemplate):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__(None)


_PATCHER = _Patcher()


_SPECIAL = re.compile("[\a\t\f\n]")
_COLUMN_TAGS = re.compile(r"{%-?\s*(?:tc\s|colspan\s|hm\s*%)")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)


class FastTemplate(DocxTemplate):  # type: ignore[misc]
    """``DocxTemplate`` with memoised XML patching (the compiled Jinja is cached too) and a
    ``resolve_listing`` that only touches the paragraphs holding ``\a``/``\n``/``\t``/``\f``."""

    column_tags = False  # does the template change a row's cell count ({%tc %}, colspan, hm)?

    def patch_xml(self, src_xml: str) -> str:
        if _COLUMN_TAGS.search(src_xml):
            self.column_tags = True
        return _patched(src_xml)

    def fix_tables(self, xml: str) -> Any:
        """docxtpl re-counts every table's cells to repair column loops; without any, skip it."""
        if self.column_tags:
            return super().fix_tables(xml)
        return etree.fromstring(xml, parser=etree.XMLParser(recover=True))

    def resolve_listing(self, xml: str) -> str:
        if not _SPECIAL.search(xml):
            return xml
        resolve = super().resolve_listing

        def paragraph(m: re.Match[str]) -> str:
            text = m.group(0)
            return str(resolve(text)) if _SPECIAL.search(text) else text

        return _PARAGRAPH.sub(paragraph, xml)


def environment() -> Environment:
    return _ENVIRONMENT


# --- the 评分表 as a Word table -----------------------------------------------------------------


def _columns(depth: int) -> tuple[list[int], list[str]]:
    level_cm = {1: [3.0], 2: [2.2, 2.6], 3: [1.6, 2.0, 2.6], 4: [1.5, 1.8, 2.1, 2.4]}[min(depth, 4)]
    rest = LANDSCAPE_WIDTH_CM - sum(level_cm) - 1.0 - 1.0
    widths_cm = [*level_cm, 1.0, rest * 0.28, rest * 0.30, 1.0, rest * 0.42]
    names = ["一级指标", "二级指标", "三级指标", "四级指标"][:depth]
    headers = [*names, "分值", "指标解释", "评分标准", "得分", "扣分说明"]
    return [dxa(w) for w in widths_cm], headers


def _explain(row: ScoreRow) -> str:
    return "\n".join(t for t in (row.definition, row.formula) if t)


def annex_table(ctx: ReportContext) -> RawXml:
    """The 评分表: levels merged as in the official layout, subtotals, total and grade."""
    depth = max((r.level for r in ctx.scoresheet), default=1)
    widths, headers = _columns(depth)
    rows = [
        docxml.row(
            [
                docxml.cell(h, widths[j], align="center", bold=True, fill=HEADER_FILL)
                for j, h in enumerate(headers)
            ],
            header=True,
        )
    ]
    grid = level_cells(ctx.scoresheet, depth)
    for r, levels in zip(ctx.scoresheet, grid, strict=True):
        subtotal = r.kind == "subtotal"
        fill = SUBTOTAL_FILL if subtotal else None
        cells: list[str] = []
        for j, lc in enumerate(levels):
            if lc.covered:
                continue
            width = sum(widths[j : j + lc.span])
            vmerge = (
                None if lc.role == "single" else ("restart" if lc.role == "start" else "continue")
            )
            own = lc.span > 1 or j == r.level - 1
            cells.append(
                docxml.cell(
                    lc.text,
                    width,
                    align="center",
                    bold=subtotal and own,
                    fill=fill if own else None,
                    span=lc.span,
                    vmerge=vmerge,
                )
            )
        d = depth
        cells += [
            docxml.cell(r.max, widths[d], align="center", bold=subtotal, fill=fill),
            docxml.cell("" if subtotal else _explain(r), widths[d + 1], fill=fill),
            docxml.cell("" if subtotal else r.standard, widths[d + 2], fill=fill),
            docxml.cell(r.score, widths[d + 3], align="center", bold=subtotal, fill=fill),
            docxml.cell(r.explanation, widths[d + 4], fill=fill),
        ]
        rows.append(docxml.row(cells))
    level_width = sum(widths[:depth])
    rows.append(
        docxml.row(
            [
                docxml.cell(
                    "合计", level_width, align="center", bold=True, span=depth, fill=SUBTOTAL_FILL
                ),
                docxml.cell(ctx.max, widths[depth], align="center", bold=True, fill=SUBTOTAL_FILL),
                docxml.cell("", widths[depth + 1] + widths[depth + 2], span=2, fill=SUBTOTAL_FILL),
                docxml.cell(
                    ctx.total, widths[depth + 3], align="center", bold=True, fill=SUBTOTAL_FILL
                ),
                docxml.cell(
                    f"评价等级：{ctx.grade}", widths[depth + 4], bold=True, fill=SUBTOTAL_FILL
                ),
            ]
        )
    )
    body = "".join(rows)
    return RawXml(f"<w:tbl>{docxml.table_props(widths)}{body}</w:tbl>")


# --- rendering -------------------------------------------------------------------------------


def _paragraphs(text: str) -> str:
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    return PARAGRAPH.join(line for line in lines if line)


def _image(tpl: DocxTemplate, path: str) -> Any:
    if not path:
        return ""
    return InlineImage(tpl, path, width=Cm(CHART_WIDTH_CM))


def template_values(ctx: ReportContext, tpl: DocxTemplate) -> dict[str, Any]:
    """The context as docxtpl sees it: dataclasses as they are, prose split into paragraphs."""
    values = {f.name: getattr(ctx, f.name) for f in dataclasses.fields(ctx)}
    values["narrative"] = {k: _paragraphs(v) for k, v in ctx.narrative.items()}
    values["charts"] = {
        f.name: _image(tpl, getattr(ctx.charts, f.name)) for f in dataclasses.fields(ctx.charts)
    }
    values["annex"] = annex_table(ctx)
    return values


@lru_cache(maxsize=8)
def _template_bytes(path: Path, mtime_ns: int) -> bytes:
    return path.read_bytes()


def open_template(path: Path) -> FastTemplate:
    """A fresh template object; the file is read once per process (and again if it changes)."""
    data = _template_bytes(path, path.stat().st_mtime_ns)
    return FastTemplate(io.BytesIO(data))


def render_report(ctx: ReportContext, out: Path, template: Path | None = None) -> Path:
    """Write the Word report for ``ctx`` to ``out`` using ``template`` (default: the shipped one)."""
    tpl = open_template(template or REPORT_TEMPLATE)
    tpl.render(template_values(ctx, tpl), jinja_env=_ENVIRONMENT, autoescape=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tpl.save(str(out))
    return out


def render_comparison(values: Mapping[str, Any], out: Path, template: Path | None = None) -> Path:
    """Write the standalone comparison document (``jixiao compare … --out``)."""
    tpl = open_template(template or COMPARISON_TEMPLATE)
    resolved = dict(values)
    charts = resolved.get("charts", {})
    resolved["charts"] = {k: _image(tpl, v) for k, v in charts.items()}
    tpl.render(resolved, jinja_env=_ENVIRONMENT, autoescape=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    tpl.save(str(out))
    return out
