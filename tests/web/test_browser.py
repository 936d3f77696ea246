"""Browser flow in Debian's Chromium (headless, driven by Playwright), with a screenshot per step.

A 单位填报人 fills the 柳城 facts (the values of examples/liucheng-2021-reeval, typed into the forms),
watches the total reach 85.5 live, uploads an evidence file and an Excel workbook with an error
(sees the cell-referenced message), submits; the 单位负责人 and the 主管部门 approve; the 财政 reviewer
returns it with a reason; the unit sees the reason, fixes, resubmits; everyone approves and the
reviewer downloads the Word report.  Every field changed in the flow must be in the history with
its old and new value.  Screenshots: out/screenshots/ (path printed in the test output).
"""

from __future__ import annotations

import io
import os
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "out" / "screenshots"
EXAMPLE = ROOT / "examples" / "liucheng-2021-reeval"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="没有 /usr/bin/chromium（apt-get install chromium）"
    ),
]


@pytest.fixture
def browser_world(transactional_db: Any) -> dict[str, Any]:
    from django.core.management import call_command

    from jixiao.web import demo
    from jixiao.web.evaluations.models import Evaluation

    call_command("flush", interactive=False, verbosity=0)
    demo.load(empty_units=("liucheng",))
    evaluation = Evaluation.objects.get(unit__name="柳城县应急管理局")
    return {"evaluation": evaluation, "password": demo.DEMO_PASSWORD}


@pytest.fixture
def page(live_server: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            viewport={"width": 1500, "height": 1000}, accept_downloads=True
        )
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.console_errors = []  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda m: page.console_errors.append(m.text) if m.type == "error" else None,  # type: ignore[attr-defined]
        )
        page.base = live_server.url  # type: ignore[attr-defined]
        yield page
        context.close()
        browser.close()


class Flow:
    def __init__(self, page: Any, password: str) -> None:
        self.page = page
        self.password = password
        self.step = 0
        SHOTS.mkdir(parents=True, exist_ok=True)
        for old in SHOTS.glob("*.png"):
            old.unlink()

    def shot(self, name: str) -> None:
        self.step += 1
        path = SHOTS / f"{self.step:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)

    def go(self, path: str) -> None:
        self.page.goto(self.page.base + path)

    def login(self, username: str) -> None:
        self.go("/login/")
        self.page.fill('input[name="username"]', username)
        self.page.fill('input[name="password"]', self.password)
        with self.page.expect_navigation():
            self.page.click('button[type="submit"]')
        assert self.page.url.rstrip("/") == self.page.base.rstrip("/"), self.page.url

    def logout(self) -> None:
        with self.page.expect_navigation():
            self.page.click("form[action='/logout/'] button")

    def act(self, evaluation_pk: int, action: str, reason: str = "") -> None:
        self.go(f"/evaluations/{evaluation_pk}/")
        form = self.page.locator(f"form[action='/evaluations/{evaluation_pk}/action/{action}/']")
        if reason:
            form.locator("textarea").fill(reason)
        with self.page.expect_navigation():
            form.locator("button").click()
        assert "已" in self.page.locator(".messages").inner_text()

    def set(self, name: str, value: str) -> None:
        field = self.page.locator(f'[name="{name}"]')
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)

    def state(self) -> str:
        return str(self.page.locator("#state-badge").inner_text())


def _rows(block: Any, view: Any) -> list[tuple[str, str]]:
    return [(cell["name"], cell["value"]) for row in view for cell in row["cells"]]


def _pairs(block: Any, view: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for row in view:
        if row["key"] and row["value"]:
            found += [
                (f"{block.root}.__key{row['index']}", row["key"]),
                (f"{block.root}.__value{row['index']}", row["value"]),
            ]
    return found


def _named_parts(block: Any, view: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for row in view:
        cells = [(cell["name"], cell["value"]) for cell in row["cells"] if cell["value"]]
        if cells:
            found += [(f"{block.root}.__key{row['index']}", row["key"]), *cells]
    return found


def _issues(block: Any, view: Any) -> list[tuple[str, str]]:
    if view["state"] != "answered":
        return []
    found = [(f"{block.fact}.__state", "answered")]
    for row in view["rows"]:
        found += [
            (f"{block.fact}[{row['index']}].text", row["text"]),
            (f"{block.fact}[{row['index']}].deduct", row["deduct"]),
        ]
    return found


def _given(block: Any, view: Any) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for row in view:
        found += [
            (f"{row['base']}.score", row["score"]),
            (f"{row['base']}.reason", row["reason"]),
            (f"{row['base']}.source", row["source"]),
            (row["na_name"], row["na"]),
        ]
    return found


def inputs(block: Any, view: Any) -> list[tuple[str, str]]:
    """(input name, value) pairs a block's view asks for — the values typed into the form."""
    from jixiao.web.evaluations import catalog

    readers = {
        catalog.FieldsBlock: lambda b, v: [(row["name"], row["value"]) for row in v],
        catalog.ChecklistBlock: lambda b, v: [(row["name"], row["value"]) for row in v],
        catalog.GridBlock: _rows,
        catalog.RowsBlock: _rows,
        catalog.PairsBlock: _pairs,
        catalog.NamedPartsBlock: _named_parts,
        catalog.JudgmentBlock: lambda b, v: [
            (b.fact, v["level"]),
            (f"{b.fact}.__score", v["score"]),
        ],
        catalog.IssuesBlock: _issues,
        catalog.GivenBlock: _given,
    }
    found = readers[type(block)](block, view)
    return [(name, value) for name, value in found if value]


def test_unit_fills_submits_and_the_review_cycle_completes(
    browser_world: dict[str, Any], page: Any
) -> None:
    from jixiao.io.cases import load_case
    from jixiao.web import demo
    from jixiao.web.evaluations import catalog, documents, scoring, services
    from jixiao.web.evaluations.models import Change

    print(f"\n浏览器测试截图保存在：{SHOTS}")
    started = time.monotonic()
    evaluation = browser_world["evaluation"]
    pk = evaluation.pk
    flow = Flow(page, browser_world["password"])
    facts, given, not_applicable = demo.case_document("liucheng-2021-reeval", evaluation.framework)
    case_doc = documents.compose(facts, given, not_applicable)
    empty_doc = services.current_document(evaluation.current)
    compiled = scoring.compiled(evaluation.framework)

    # 1. the 单位填报人 logs in and finds the task
    flow.login("liucheng_filler")
    assert "2021年度部门整体支出绩效评价" in page.locator("#todo").inner_text()
    flow.shot("unit-home")

    # 2. fill every section with the example's facts, watching the live panel
    sections = catalog.sections_for(compiled, case_doc)
    typed: dict[str, str] = {}
    for section in sections:
        values = [pair for block in section.blocks for pair in inputs(block, block.view(case_doc))]
        if not values:
            continue
        flow.go(f"/evaluations/{pk}/facts/{section.key}/?blank=25")
        for name, value in values:
            flow.set(name, value)
            typed[name] = value
        if section.key == "given":
            # the last section: before saving, the live panel already shows the final total
            page.wait_for_function(
                "() => document.querySelector('#live-panel .total-value')?.dataset.total === '85.5'"
            )
            assert "实时得分" in page.locator("#live-panel").inner_text()
            roundtrip = page.locator("#live-panel").get_attribute("data-roundtrip-ms")
            print(f"浏览器中实时面板最后一次往返：{roundtrip} 毫秒（含 htmx 与页面更新）")
            flow.shot("live-total-85.5")
        with page.expect_navigation():
            page.click("#save-button")
        assert "已保存" in page.locator(".messages").inner_text(), section.key
        if section.key == "staffing":
            flow.shot("staffing-saved-with-consistency-note")
    flow.go(f"/evaluations/{pk}/")
    assert page.locator("#total-score .total-value").inner_text() == "85.5"
    flow.shot("all-facts-saved")

    # 3. an evidence file on a fact, through the section's evidence box
    flow.go(f"/evaluations/{pk}/facts/budget/")
    page.select_option('#evidence-form select[name="target"]', "budget.actual")
    page.set_input_files(
        '#evidence-form input[name="file"]',
        {
            "name": "2021年度决算报表.pdf",
            "mimeType": "application/pdf",
            "buffer": b"%PDF-1.4\n% evidence\n",
        },
    )
    with page.expect_navigation():
        page.click("#evidence-form button")
    assert "已上传佐证材料" in page.locator(".messages").inner_text()
    assert "2021年度决算报表.pdf" in page.locator("#section-evidence").inner_text()
    flow.shot("evidence-uploaded")

    # 4. an Excel workbook with an error: the message names the cell, nothing is imported
    import openpyxl

    flow.go(f"/evaluations/{pk}/import/")
    workbook = page.request.get(page.base + f"/evaluations/{pk}/import/template/").body()
    book = openpyxl.load_workbook(io.BytesIO(workbook))
    sheet = book["人员编制"]
    cell = next(c for row in sheet.iter_rows(min_row=4) for c in row if c.value == 38)
    sheet[cell.coordinate] = "三十八"
    buffer = io.BytesIO()
    book.save(buffer)
    page.set_input_files(
        '#import-form input[name="workbook"]',
        {
            "name": "柳城2021.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": buffer.getvalue(),
        },
    )
    with page.expect_navigation():
        page.click("#import-form button")
    errors = page.locator("#import-errors").inner_text()
    assert f"人员编制!{cell.coordinate}：「三十八」不是数字" in errors, errors
    flow.shot("excel-error-by-cell")

    # 5. submit: locked, and the page says why
    flow.act(pk, "submit")
    assert flow.state() == "单位已提交"
    assert "提交后填报内容已锁定" in page.locator("#lock-reason").inner_text()
    flow.shot("submitted-locked")
    flow.logout()

    # 6. the 单位负责人 approves; the 主管部门 approves
    flow.login("liucheng_leader")
    flow.act(pk, "unit_approve")
    assert flow.state() == "主管部门审核"
    flow.shot("leader-approved")
    flow.logout()
    flow.login("dept")
    flow.act(pk, "dept_approve")
    assert flow.state() == "财政审核"
    flow.logout()

    # 7. the 财政 reviewer returns it with a reason
    reason = "“三公”经费上年预算数未填，请补充后重新提交"
    flow.login("finance")
    flow.act(pk, "finance_return", reason)
    assert flow.state() == "已退回"
    flow.shot("finance-returned")
    flow.logout()

    # 8. the unit sees the reason, fixes, resubmits
    flow.login("liucheng_filler")
    flow.go(f"/evaluations/{pk}/")
    assert reason in page.locator("#return-reason").inner_text()
    flow.shot("unit-sees-reason")
    flow.go(f"/evaluations/{pk}/facts/three_public/")
    flow.set("three_public.prior_year_budget", "11.5")
    with page.expect_navigation():
        page.click("#save-button")
    flow.act(pk, "submit")
    assert flow.state() == "单位已提交"
    flow.logout()

    # 9. approvals again; the reviewer sees what changed and downloads the Word report
    flow.login("liucheng_leader")
    flow.act(pk, "unit_approve")
    flow.logout()
    flow.login("dept")
    flow.act(pk, "dept_approve")
    flow.logout()
    flow.login("finance")
    flow.go(f"/evaluations/{pk}/")
    assert "以来修改" in page.locator("#changes-since-approval").inner_text()
    flow.act(pk, "finance_approve")
    assert flow.state() == "已通过"
    flow.shot("finance-approved")
    with page.expect_download() as download_info:
        page.click('[data-download="report"]')
    download = download_info.value
    report = SHOTS / "自评报告.docx"
    download.save_as(str(report))
    with zipfile.ZipFile(report) as docx:
        body = docx.read("word/document.xml").decode()
    assert "柳城县应急管理局" in body and "85.5" in body

    # 10. every field changed in the flow is in the history with its old and new value
    flow.go(f"/evaluations/{pk}/history/")
    flow.shot("history")
    history = page.locator("#history-table").inner_text()
    final_doc = documents.compose(*documents.split(case_doc))
    final_doc["three_public"]["prior_year_budget"] = "11.5"
    expected = documents.diff(empty_doc, final_doc)
    recorded = {(c.field, str(c.old), str(c.new)) for c in Change.objects.filter(evaluation_id=pk)}
    missing = [(p, o, n) for p, o, n in expected if (p, str(o), str(n)) not in recorded]
    assert not missing, missing[:10]
    assert len(expected) > 60
    for label, new in (("实际在职人数", "38"), ("预算收入", "1440.56"), ("本年实际支出", "6.74")):
        assert label in history and new in history
    prior = Change.objects.get(evaluation_id=pk, field="three_public.prior_year_budget")
    assert (prior.old, prior.new, prior.version) == (None, "11.5", 2)

    assert not [e for e in page.console_errors if "Content Security Policy" in e or "Refused" in e]  # type: ignore[attr-defined]
    assert load_case(EXAMPLE).case.facts.unit.name == "柳城县应急管理局"
    print(f"浏览器流程用时 {time.monotonic() - started:.0f} 秒，截图 {flow.step} 张：{SHOTS}")
