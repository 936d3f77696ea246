"""The Word template: shipped as built, replaceable, and checked before use."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.reports.build_template import COMPARISON_TEMPLATE, REPORT_TEMPLATE, build_all
from jixiao.reports.template_check import check_template, provided_variables
from tests.reports.conftest import EXAMPLES

runner = CliRunner()


def edited(source: Path, target: Path, *replacements: tuple[str, str]) -> Path:
    """A copy of a template with text replaced in its document.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "word/document.xml":
                text = data.decode("utf-8")
                for old, new in replacements:
                    assert old in text, old
                    text = text.replace(old, new, 1)
                data = text.encode("utf-8")
            zout.writestr(name, data)
    target.write_bytes(out.getvalue())
    return target


def test_shipped_templates_equal_a_fresh_build(tmp_path: Path) -> None:
    fresh = {p.name: p.read_bytes() for p in build_all(tmp_path)}
    assert fresh["report.docx"] == REPORT_TEMPLATE.read_bytes()
    assert fresh["comparison.docx"] == COMPARISON_TEMPLATE.read_bytes()


def test_shipped_templates_pass_the_check() -> None:
    report = check_template(REPORT_TEMPLATE)
    assert report.ok, report.issues
    assert not [i for i in report.issues if i.severity != "info"]
    provided = set(provided_variables())
    assert set(report.used) <= provided
    assert {
        "unit",
        "total",
        "grade",
        "level_groups",
        "sections",
        "annex",
        "problem_groups",
        "narrative",
        "charts",
    } <= set(report.used)
    comparison = check_template(COMPARISON_TEMPLATE, "comparison")
    assert comparison.ok and not comparison.issues


def test_misspelt_variables_are_flagged(tmp_path: Path) -> None:
    bad = edited(
        REPORT_TEMPLATE,
        tmp_path / "bad.docx",
        ("{{ total }}", "{{ totl }}"),
        ("{{ unit.name }}", "{{ unit.nmae }}"),
        ("{{ r.item }}", "{{ r.itme }}"),
        ("{{ narrative.measures }}", "{{ narrative.measure }}"),
    )
    result = check_template(bad)
    messages = [(i.severity, i.message) for i in result.issues]
    assert not result.ok
    assert ("error", "未知变量「totl」（是否应为「total」？）") in messages
    assert any(s == "error" and "「unit.nmae」" in m and "「name」" in m for s, m in messages)
    assert any(s == "error" and "「r.itme」" in m and "「item」" in m for s, m in messages)
    assert any(s == "warning" and "narrative.measure" in m for s, m in messages)

    cli = runner.invoke(app, ["report-template", "check", str(bad)], terminal_width=200)
    assert cli.exit_code == 1
    assert "totl" in cli.output and "total" in cli.output and "模板有" in cli.output

    refused = runner.invoke(
        app,
        [
            "report",
            str(EXAMPLES / "kunming-2020"),
            "--out",
            str(tmp_path / "o"),
            "--template",
            str(bad),
        ],
    )
    assert refused.exit_code == 2 and not (tmp_path / "o").exists()


def test_missing_variables_are_listed(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("{{ title }}：{{ unit.name }}")
    doc.save(str(tmp_path / "thin.docx"))
    result = check_template(tmp_path / "thin.docx")
    errors = [i.message for i in result.issues if i.severity == "error"]
    assert any("「total」" in m for m in errors) and any("「grade」" in m for m in errors)
    assert any("annex" in m for m in errors)


def test_syntax_errors_are_reported(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("{% if total %}总分{{ total }}")
    doc.save(str(tmp_path / "broken.docx"))
    result = check_template(tmp_path / "broken.docx")
    assert not result.ok and "模板语法错误" in result.issues[0].message


def test_a_house_template_replaces_the_shipped_one(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("{{ unit.name }}{{ year }}年度绩效自评（财政局样式）")
    doc.add_paragraph("总分{{ total }}分，等级{{ grade }}。")
    doc.add_paragraph("{%p for g in level_groups %}")
    doc.add_paragraph("{{ g.name }}：{{ g.score }}/{{ g.max }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p for g in problem_groups %}")
    doc.add_paragraph("{{ g.title }}：{{ g.items|length }}项")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{{p annex }}")
    house = tmp_path / "house.docx"
    doc.save(str(house))
    checked = runner.invoke(app, ["report-template", "check", str(house)])
    assert checked.exit_code == 0, checked.output
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "report",
            str(EXAMPLES / "liucheng-2021-reeval"),
            "--out",
            str(out),
            "--template",
            str(house),
            "--no-pdf",
            "--no-charts",
        ],
    )
    assert result.exit_code == 0, result.output
    rendered = Document(str(out / "自评报告.docx"))
    text = [p.text for p in rendered.paragraphs]
    assert "柳城县应急管理局2021年度绩效自评（财政局样式）" in text
    assert "总分85.5分，等级良。" in text and "投入：12/14" in text
    assert len(rendered.tables) == 1  # the 评分表


def test_export_gives_the_shipped_template(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report-template", "export", str(tmp_path / "mine.docx")])
    assert result.exit_code == 0
    assert (tmp_path / "mine.docx").read_bytes() == REPORT_TEMPLATE.read_bytes()
