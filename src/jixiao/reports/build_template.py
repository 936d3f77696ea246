"""Build the shipped Word templates: ``python -m jixiao.reports.build_template [DIR]``.

The templates are ordinary .docx files with docxtpl (Jinja2) tags; a finance bureau may replace
them with its own house template (check it first with ``jixiao report-template check FILE``).
They are generated here, not drawn by hand, so that they are reproducible: the zip members are
written in a fixed order with a fixed timestamp, and a test compares the shipped files with a
fresh build.

Layout choices: paragraphs and tables only (WPS shows text boxes blank and does not update TOC
fields); every table has ``tblW`` and ``gridCol`` widths; fonts are named explicitly (Noto Serif
CJK SC for text, Noto Sans CJK SC for headings) with the language set to zh-CN.
"""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from jixiao.reports.docxml import BORDER, HEADER_FILL, dxa
from jixiao.reports.fonts import LANGUAGE, LATIN, SANS, SERIF

TEMPLATES_DIR = Path(__file__).parent / "templates"
REPORT_TEMPLATE = TEMPLATES_DIR / "report.docx"
COMPARISON_TEMPLATE = TEMPLATES_DIR / "comparison.docx"
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
TABLE_STYLE = "表格文字"
STYLE_IDS = {TABLE_STYLE: "TableText"}  # ASCII style ids, as Word writes them
PORTRAIT_WIDTH_CM = 21.0 - 2.8 - 2.6  # A4 minus the left and right margins


# --- document set-up -------------------------------------------------------------------------


def _set_fonts(rpr: object, east_asia: str) -> None:
    """Explicit fonts on a style's run properties (theme fonts removed: they would win)."""
    element = rpr  # CT_RPr
    fonts = element.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        element.insert(0, fonts)  # type: ignore[attr-defined]
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr, value in (
        ("w:ascii", LATIN),
        ("w:hAnsi", LATIN),
        ("w:eastAsia", east_asia),
        ("w:cs", LATIN),
    ):
        fonts.set(qn(attr), value)
    lang = element.find(qn("w:lang"))  # type: ignore[attr-defined]
    if lang is None:
        lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
        element.append(lang)  # type: ignore[attr-defined]
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def _style(
    doc: DocxDocument,
    name: str,
    *,
    east_asia: str,
    size: float,
    bold: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    first_line_chars: int = 0,
    before: float = 0,
    after: float = 0,
    base: str | None = None,
) -> None:
    styles = doc.styles
    try:
        style = styles[name]
    except KeyError:
        from docx.enum.style import WD_STYLE_TYPE

        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = STYLE_IDS.get(name, style.style_id)
        if base:
            style.base_style = styles[base]
    font = style.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = False
    font.color.rgb = None
    _set_fonts(style.element.get_or_add_rPr(), east_asia)
    fmt = style.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.5 if name in ("Normal", "List Paragraph") else 1.25
    fmt.keep_with_next = name.startswith("Heading") or name == "Title"
    if align is not None:
        fmt.alignment = align
    ppr = style.element.get_or_add_pPr()
    ind = ppr.get_or_add_ind()  # inserted in schema order (before jc)
    for attr in list(ind.attrib):
        del ind.attrib[attr]
    if first_line_chars:
        ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
        ind.set(qn("w:firstLine"), str(int(size * 20 * first_line_chars)))
    else:
        ind.set(qn("w:firstLine"), "0")
    # heading colours/borders from python-docx's default template
    for tag in ("w:color", "w:pBdr"):
        for found in style.element.iter(qn(tag)):
            found.getparent().remove(found)


def _doc_defaults(doc: DocxDocument) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, SERIF)


def _no_theme_fonts(doc: DocxDocument) -> None:
    """Every style names its fonts: theme fonts (Calibri/MS Mincho…) would override ours."""
    for fonts in doc.styles.element.iter(qn("w:rFonts")):
        if any(qn(a) in fonts.attrib for a in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme")):
            rpr = fonts.getparent()
            style = rpr.getparent()
            if style is not None and style.tag == qn("w:rPrDefault"):
                continue
            name = style.find(qn("w:name")) if style is not None else None
            heading = name is not None and name.get(qn("w:val"), "").lower().startswith(
                ("heading", "title")
            )
            _set_fonts(rpr, SANS if heading else SERIF)


KEEP_STYLES = {
    "Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Caption", TABLE_STYLE,
    "Header", "Footer", "Default Paragraph Font", "Normal Table", "Table Grid", "No List",
}  # fmt: skip
DROP_RELS = ("stylesWithEffects", "thumbnail", "customXml", "webSettings")


def _slim(doc: DocxDocument) -> None:
    """Keep only the styles the template uses (python-docx's default ships ~350 KB of them) and
    drop parts Word does not need; every report parses and writes these parts again."""
    styles = doc.styles.element
    keep_ids = set()
    for style in list(styles.iterchildren(qn("w:style"))):
        name = style.find(qn("w:name"))
        value = name.get(qn("w:val")) if name is not None else ""
        if value in KEEP_STYLES or value.lower() in {k.lower() for k in KEEP_STYLES}:
            keep_ids.add(style.get(qn("w:styleId")))
        else:
            styles.remove(style)
    for style in styles.iterchildren(qn("w:style")):  # links to removed "… Char" styles
        for tag in ("w:link", "w:next"):
            found = style.find(qn(tag))
            if found is not None and found.get(qn("w:val")) not in keep_ids:
                style.remove(found)
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    for part in (doc.part, doc.part.package):
        for rel_id, rel in list(part.rels.items()):
            if any(word in rel.reltype for word in DROP_RELS):
                part.drop_rel(rel_id) if hasattr(part, "drop_rel") else part.rels.pop(rel_id)


def new_document(title: str) -> DocxDocument:
    doc = Document()
    _doc_defaults(doc)
    _style(doc, "Normal", east_asia=SERIF, size=12, first_line_chars=2)
    _style(
        doc, "Title", east_asia=SANS, size=20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12
    )
    _style(doc, "Subtitle", east_asia=SERIF, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _style(doc, "Heading 1", east_asia=SANS, size=16, bold=True, before=12, after=6)
    _style(doc, "Heading 2", east_asia=SANS, size=14, bold=True, before=6, after=3)
    _style(
        doc, "Heading 3", east_asia=SERIF, size=12, bold=True, before=3, after=0, first_line_chars=2
    )
    _style(doc, "Caption", east_asia=SANS, size=10.5, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
    _style(doc, TABLE_STYLE, east_asia=SERIF, size=9, base="Normal")
    _style(doc, "Footer", east_asia=SERIF, size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
    _no_theme_fonts(doc)
    _slim(doc)
    props = doc.core_properties
    props.title = title
    props.author = "jixiao"
    props.last_modified_by = "jixiao"
    props.comments = "由 jixiao 生成的报告模板（docxtpl）；可替换为本单位模板。"
    props.revision = 1
    from datetime import datetime

    props.created = datetime(*FIXED_TIME)
    props.modified = datetime(*FIXED_TIME)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2.54), Cm(2.54)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _page_number_footer(section.footer.paragraphs[0])
    # the default template's first paragraph is empty: start clean
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def _page_number_footer(paragraph: Paragraph) -> None:
    paragraph.style = "Footer"
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        )
    )
    paragraph.add_run(" 页")


# --- content helpers -------------------------------------------------------------------------


class Builder:
    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc

    def title(self, text: str) -> None:
        self.doc.add_paragraph(text, style="Title")

    def center(self, text: str) -> None:
        self.doc.add_paragraph(text, style="Subtitle")

    def h1(self, text: str) -> None:
        self.doc.add_paragraph(text, style="Heading 1")

    def h2(self, text: str) -> None:
        self.doc.add_paragraph(text, style="Heading 2")

    def h3(self, text: str) -> None:
        self.doc.add_paragraph(text, style="Heading 3")

    def p(self, text: str, *, bold: bool = False) -> None:
        para = self.doc.add_paragraph(style="Normal")
        run = para.add_run(text)
        run.bold = bold or None

    def tag(self, text: str) -> None:
        """A paragraph holding only a ``{%p … %}`` tag (docxtpl removes the paragraph)."""
        self.doc.add_paragraph(text, style="Normal")

    def picture(self, expression: str) -> None:
        para = self.doc.add_paragraph(style="Caption")
        para.add_run("{{ " + expression + " }}")

    def caption(self, text: str) -> None:
        self.doc.add_paragraph(text, style="Caption")

    def table(
        self,
        headers: Sequence[str],
        widths_cm: Sequence[float],
        rows: Sequence[Sequence[str] | str],
        aligns: str = "",
    ) -> Table:
        """A table with a repeated header row. A row given as a string is a ``{%tr … %}`` row."""
        table: Table = self.doc.add_table(rows=1 + len(rows), cols=len(headers))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        widths = [dxa(w) for w in widths_cm]
        _table_xml_props(table, widths)
        aligns = aligns or "c" * len(headers)
        for j, text in enumerate(headers):
            _cell_text(table.rows[0].cells[j], text, widths[j], "c", bold=True, fill=HEADER_FILL)
        header_pr = table.rows[0]._tr.get_or_add_trPr()
        header_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
        for i, line in enumerate(rows, 1):
            cells = table.rows[i].cells
            values = [line] + [""] * (len(headers) - 1) if isinstance(line, str) else list(line)
            for j, text in enumerate(values):
                _cell_text(cells[j], text, widths[j], aligns[j])
            table.rows[i]._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
        return table


TBL_PR_ORDER = ("tblStyle", "tblW", "jc", "tblBorders", "tblLayout", "tblCellMar", "tblLook")


def _table_xml_props(table: Table, widths: list[int]) -> None:
    """Width, borders and fixed layout, with ``tblPr``'s children in schema order (Word insists)."""
    tbl_pr = table._tbl.tblPr
    borders = "".join(
        BORDER.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    fresh = {
        "tblW": f'<w:tblW {nsdecls("w")} w:w="{sum(widths)}" w:type="dxa"/>',
        "tblBorders": f"<w:tblBorders {nsdecls('w')}>{borders}</w:tblBorders>",
        "tblLayout": f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>',
    }
    kept = {name: tbl_pr.find(qn(f"w:{name}")) for name in ("jc", "tblLook")}
    for child in list(tbl_pr):
        tbl_pr.remove(child)
    for name in TBL_PR_ORDER:
        if name in fresh:
            tbl_pr.append(parse_xml(fresh[name]))
        elif kept.get(name) is not None:
            tbl_pr.append(kept[name])
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width))


def _cell_text(
    cell: object, text: str, width: int, align: str, bold: bool = False, fill: str | None = None
) -> None:
    """Cell width (``tcW``), shading and vertical centring, in ``tcPr``'s schema order.

    Cells holding ``{% vm %}`` get no ``shd``/``vAlign``: docxtpl appends ``vMerge`` at the end
    of ``tcPr``, which is only valid when nothing that must follow it is there.
    """
    from docx.table import _Cell

    assert isinstance(cell, _Cell)
    tc_pr = cell._tc.get_or_add_tcPr()
    for child in list(tc_pr):
        tc_pr.remove(child)
    tc_pr.append(parse_xml(f'<w:tcW {nsdecls("w")} w:w="{width}" w:type="dxa"/>'))
    if "{% vm %}" not in text:
        if fill:
            tc_pr.append(
                parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
            )
        tc_pr.append(parse_xml(f'<w:vAlign {nsdecls("w")} w:val="center"/>'))
    para = cell.paragraphs[0]
    para.style = TABLE_STYLE
    para.alignment = {
        "c": WD_ALIGN_PARAGRAPH.CENTER,
        "l": WD_ALIGN_PARAGRAPH.LEFT,
        "r": WD_ALIGN_PARAGRAPH.RIGHT,
    }[align]
    if text:
        run = para.add_run(text)
        run.bold = bold or None


# --- the report ------------------------------------------------------------------------------


def _comparison_section(b: Builder, heading: str) -> None:
    b.tag("{%p if comparison %}")
    b.h2(heading)
    b.p("{{ comparison.summary }}")
    b.table(
        [
            "序号",
            "{{ comparison.label_a }}指标",
            "分值",
            "得分",
            "{{ comparison.label_b }}指标",
            "分值",
            "得分",
            "得分差",
            "得分率差",
            "对应依据",
        ],
        [0.9, 3.0, 1.1, 1.1, 3.0, 1.1, 1.1, 1.2, 1.6, 1.5],
        [
            "{%tr for r in comparison.rows %}",
            [
                "{{ r.no }}",
                "{{ r.name_a }}",
                "{{ r.max_a }}",
                "{{ r.score_a }}",
                "{{ r.name_b }}",
                "{{ r.max_b }}",
                "{{ r.score_b }}",
                "{{ r.diff }}",
                "{{ r.rate_diff }}",
                "{{ r.basis }}",
            ],
            "{%tr endfor %}",
            [
                "",
                "总分",
                "{{ comparison.max_a }}",
                "{{ comparison.total_a }}",
                "总分",
                "{{ comparison.max_b }}",
                "{{ comparison.total_b }}",
                "{{ comparison.total_diff }}",
                "",
                "{{ comparison.grade_a }}/{{ comparison.grade_b }}",
            ],
        ],
        aligns="clcclcccc" + "l",
    )
    b.tag("{%p if charts.comparison %}")
    b.picture("charts.comparison")
    b.tag("{%p endif %}")
    b.p("各对应指标的评分说明如下：")
    b.tag("{%p for r in comparison.rows %}")
    b.p(
        "{{ r.no }}. {{ r.name_a }}（{{ comparison.label_a }}{{ r.score_a }}/{{ r.max_a }}分）"
        "与{{ r.name_b }}（{{ comparison.label_b }}{{ r.score_b }}/{{ r.max_b }}分），得分差{{ r.diff }}分，"
        "得分率差{{ r.rate_diff }}（{{ r.basis }}{% if r.note %}：{{ r.note }}{% endif %}）：",
        bold=True,
    )
    b.p("{{ comparison.label_a }}：{{ r.reason_a }}")
    b.p("{{ comparison.label_b }}：{{ r.reason_b }}")
    b.tag("{%p endfor %}")
    b.p("{{ comparison.unmapped_text }}")
    b.tag("{%p endif %}")


def build_report_template() -> DocxDocument:
    doc = new_document("绩效评价报告模板")
    b = Builder(doc)
    w = PORTRAIT_WIDTH_CM

    b.title("{{ title }}")
    b.center("部门（单位）名称：{{ unit.name }}")
    b.center("填报人：{{ narrative.preparer }}　　联系电话：{{ narrative.phone }}")
    b.center("{{ narrative.date }}")
    b.tag("{%p if pending %}")
    b.p("【提示】本报告以下部分尚待填写：{{ pending|join('、') }}。", bold=True)
    b.tag("{%p endif %}")
    b.tag("{%p if narrative.preface %}")
    b.p("{{ narrative.preface }}")
    b.tag("{%p endif %}")

    # 一、基本情况
    b.h1("一、部门（单位）基本情况")
    b.h2("（一）部门（单位）职能")
    b.p("{{ narrative.functions }}")
    b.h2("（二）机构设置与人员情况")
    b.p("{{ org_summary }}")
    b.tag("{%p if staffing_rows %}")
    b.caption("表1　人员情况")
    b.table(
        ["项目", "人数", "其中"],
        [5.0, 3.0, w - 8.0],
        [
            "{%tr for r in staffing_rows %}",
            ["{{ r.label }}", "{{ r.value }}", "{{ r.note }}"],
            "{%tr endfor %}",
        ],
        aligns="lcl",
    )
    b.tag("{%p endif %}")
    b.tag("{%p if narrative.organization %}")
    b.p("{{ narrative.organization }}")
    b.tag("{%p endif %}")
    b.h2("（三）预算收支情况")
    b.p("{{ budget_summary }}")
    b.tag("{%p if budget_rows %}")
    b.caption("表2　预算收支情况（单位：{{ budget_unit }}）")
    b.table(
        ["项目", "年初预算", "调整后预算", "实际支出", "预算执行率"],
        [4.4, 2.8, 2.8, 2.8, w - 12.8],
        [
            "{%tr for r in budget_rows %}",
            [
                "{{ r.item }}",
                "{{ r.initial }}",
                "{{ r.adjusted }}",
                "{{ r.actual }}",
                "{{ r.rate }}",
            ],
            "{%tr endfor %}",
        ],
        aligns="lrrrc",
    )
    b.tag("{%p endif %}")
    b.tag("{%p if budget_note %}")
    b.p("{{ budget_note }}")
    b.tag("{%p endif %}")
    b.tag("{%p if narrative.budget %}")
    b.p("{{ narrative.budget }}")
    b.tag("{%p endif %}")
    b.h2("（四）预算执行与项目情况")
    b.tag("{%p for point in execution_points %}")
    b.p("{{ point }}")
    b.tag("{%p endfor %}")
    b.p("{{ projects_summary }}")
    b.tag("{%p if projects %}")
    b.caption("表3　项目支出预算执行情况（单位：{{ projects_unit }}）")
    b.table(
        ["序号", "项目名称", "年度预算", "实际支出", "预算执行率"],
        [1.2, w - 10.2, 3.2, 3.2, 2.6],
        [
            "{%tr for r in projects %}",
            ["{{ r.no }}", "{{ r.name }}", "{{ r.budget }}", "{{ r.spent }}", "{{ r.rate }}"],
            "{%tr endfor %}",
            [
                "",
                "{{ projects_total.name }}",
                "{{ projects_total.budget }}",
                "{{ projects_total.spent }}",
                "{{ projects_total.rate }}",
            ],
        ],
        aligns="clrrc",
    )
    b.tag("{%p if projects_note %}")
    b.p("{{ projects_note }}")
    b.tag("{%p endif %}")
    b.tag("{%p if charts.projects %}")
    b.picture("charts.projects")
    b.caption("图1　项目支出预算执行率")
    b.tag("{%p endif %}")
    b.tag("{%p endif %}")
    b.tag("{%p if narrative.projects %}")
    b.p("{{ narrative.projects }}")
    b.tag("{%p endif %}")

    # 二、绩效目标
    b.h1("二、绩效目标及完成情况")
    b.p("{{ narrative.targets }}")
    b.p("{{ targets_summary }}")
    b.tag("{%p if targets %}")
    b.caption("表4　绩效目标完成情况")
    b.table(
        ["序号", "一级指标", "二级指标", "绩效指标", "指标值", "实际完成值", "完成情况"],
        [1.0, 1.9, 2.2, w - 12.1, 2.4, 2.4, 2.2],
        [
            "{%tr for t in targets %}",
            [
                "{{ t.no }}",
                "{{ t.level1 }}",
                "{{ t.category }}",
                "{{ t.name }}",
                "{{ t.target }}",
                "{{ t.actual }}",
                "{{ t.result }}",
            ],
            "{%tr endfor %}",
        ],
        aligns="ccclccc",
    )
    b.tag("{%p endif %}")
    b.tag("{%p if key_tasks %}")
    b.p("{{ key_tasks_summary }}")
    b.caption("表5　年度重点工作任务完成情况")
    b.table(
        ["序号", "重点工作任务", "完成情况", "是否按时"],
        [1.2, w - 6.2, 2.5, 2.5],
        [
            "{%tr for k in key_tasks %}",
            ["{{ k.no }}", "{{ k.name }}", "{{ k.done }}", "{{ k.on_time }}"],
            "{%tr endfor %}",
        ],
        aligns="clcc",
    )
    b.tag("{%p endif %}")
    b.tag("{%p if narrative.target_results %}")
    b.p("{{ narrative.target_results }}")
    b.tag("{%p endif %}")

    # 三、评价工作开展情况
    b.h1("三、评价工作开展情况")
    b.h2("（一）评价组织")
    b.p("{{ narrative.eval_organization }}")
    b.h2("（二）评价方法")
    b.p("{{ narrative.eval_methods }}")
    b.h2("（三）评价指标体系")
    b.p("{{ framework_summary }}")
    b.h2("（四）评价过程")
    b.p("{{ narrative.eval_process }}")

    # 四、评价结论及绩效分析
    b.h1("四、评价结论及绩效分析")
    b.h2("（一）评价结论")
    b.p("{{ conclusion }}")
    b.caption("表6　一级、二级指标得分情况")
    b.table(
        ["一级指标", "分值", "得分", "二级指标", "分值", "得分", "得分率"],
        [3.0, 1.5, 1.5, w - 11.0, 1.5, 1.5, 2.0],
        [
            "{%tr for g in level_groups %}",
            "{%tr for c in g.children %}",
            [
                "{% vm %}{{ g.name }}",
                "{% vm %}{{ g.max }}",
                "{% vm %}{{ g.score }}",
                "{{ c.name }}",
                "{{ c.max }}",
                "{{ c.score }}",
                "{{ c.rate }}",
            ],
            "{%tr endfor %}",
            "{%tr endfor %}",
            ["合计", "{{ max }}", "{{ total }}", "评价等级：{{ grade }}", "", "", ""],
        ],
        aligns="cccl" + "ccc",
    )
    b.tag("{%p if charts.levels %}")
    b.picture("charts.levels")
    b.caption("图2　一级、二级指标得分率")
    b.tag("{%p endif %}")
    b.h2("（二）各指标评价情况")
    b.tag("{%p for s in sections %}")
    b.h3("{{ s.no }}{{ s.path }}")
    b.p("{{ s.intro }}")
    b.tag("{%p for i in s.items %}")
    b.p("{{ i.no }}. {{ i.name }}（分值{{ i.max }}分，得分{{ i.score }}分）", bold=True)
    b.p("{% if i.value %}取值：{{ i.value }}。{% endif %}评分说明：{{ i.explanation }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")
    b.tag("{%p if narrative.analysis %}")
    b.p("{{ narrative.analysis }}")
    b.tag("{%p endif %}")
    _comparison_section(b, "（三）评价结果比较")

    # 五、问题
    b.h1("五、存在的问题及原因分析")
    b.p("{{ problems_summary }}")
    b.tag("{%p for g in problem_groups %}")
    b.h2("{{ g.no }}{{ g.title }}")
    b.tag("{%p for item in g.items %}")
    b.p("{{ loop.index }}. {{ item }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")
    b.h2("原因分析")
    b.p("{{ narrative.causes }}")

    # 六、七
    b.h1("六、改进措施及建议")
    b.p("{{ narrative.measures }}")
    b.h1("七、评价结果应用及公开")
    b.h2("（一）评价结果应用")
    b.p("{{ narrative.application }}")
    b.h2("（二）信息公开")
    b.p("{{ narrative.disclosure }}")
    b.tag("{%p if narrative.other %}")
    b.h2("（三）其他需说明的情况")
    b.p("{{ narrative.other }}")
    b.tag("{%p endif %}")
    b.p("{{ generated_by }}")

    # 附件：评分表 (landscape)
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    doc.add_paragraph("附件", style="Heading 1")
    b.title("{{ scoresheet_title }}")
    b.p("{{p annex }}")
    b.p(
        "注：评价等级{{ framework.grade_bands }}。得分由 jixiao 按评分标准计算，评价人给分的指标注明理由与依据。"
    )
    return doc


def build_comparison_template() -> DocxDocument:
    doc = new_document("评价结果比较模板")
    b = Builder(doc)
    b.title("{{ title }}")
    b.center("{{ comparison.title_a }}（{{ comparison.framework_a }}）")
    b.center("与")
    b.center("{{ comparison.title_b }}（{{ comparison.framework_b }}）")
    _comparison_section(b, "评价结果比较")
    b.p("{{ generated_by }}")
    return doc


# --- reproducible saving ---------------------------------------------------------------------


def deterministic_bytes(doc: DocxDocument) -> bytes:
    """The .docx bytes with fixed zip timestamps and member order (same input → same bytes)."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()


def build_all(directory: Path = TEMPLATES_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, builder in (
        ("report.docx", build_report_template),
        ("comparison.docx", build_comparison_template),
    ):
        path = directory / name
        path.write_bytes(deterministic_bytes(builder()))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else TEMPLATES_DIR
    for path in build_all(directory):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
