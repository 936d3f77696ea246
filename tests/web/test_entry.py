"""Data entry: forms for every section, validation that keeps input, the live panel and its speed."""

from __future__ import annotations

import json
import os
import re
import statistics
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jixiao.web.evaluations import catalog, documents, scoring, services
from jixiao.web.evaluations.models import Change
from tests.web.conftest import World

OUT = Path(__file__).resolve().parents[2] / "out"


def form_data(html: str) -> dict[str, Any]:
    """The values a browser would submit for the first data-entry form on the page."""
    form = html[
        html.index('id="section-form"') : html.index("</form>", html.index('id="section-form"'))
    ]
    data: dict[str, Any] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]*)"', tag)
        if not name or 'type="file"' in tag or 'type="checkbox"' in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[_unescape(name.group(1))] = _unescape(value.group(1)) if value else ""
    for select in re.findall(r'<select[^>]*name="([^"]*)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', select[1])
        data[_unescape(select[0])] = _unescape(chosen.group(1)) if chosen else ""
    for area in re.findall(r'<textarea[^>]*name="([^"]*)"[^>]*>(.*?)</textarea>', form, re.S):
        data[_unescape(area[0])] = _unescape(area[1])
    return data


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def total_in(html: str) -> str:
    found = re.search(r'data-total="([^"]+)"', html)
    assert found, "页面上没有总分"
    return found.group(1)


def test_every_section_renders_with_the_stored_values(world: World, login: Any) -> None:
    client = login("liucheng_filler")
    evaluation = world.evaluation("liucheng")
    doc = services.current_document(evaluation.current)
    sections = catalog.sections_for(scoring.compiled(evaluation.framework), doc)
    keys = [s.key for s in sections]
    for expected in (
        "unit",
        "budget",
        "execution",
        "three_public",
        "staffing",
        "projects",
        "targets",
        "key_tasks",
        "satisfaction",
        "checklists",
        "judgments",
        "issues",
        "given",
    ):
        assert expected in keys
    for section in sections:
        response = client.get(f"/evaluations/{evaluation.pk}/facts/{section.key}/")
        assert response.status_code == 200, section.key
        assert 'hx-post="/evaluations/' in response.content.decode()
    page = client.get(f"/evaluations/{evaluation.pk}/facts/budget/").content.decode()
    assert form_data(page)["budget.adjusted"] == "1440.56"
    page = client.get(f"/evaluations/{evaluation.pk}/facts/execution/").content.decode()
    assert form_data(page)["execution.progress.m6"] == "64"  # stored as 64%, shown in a (%) field


def test_saving_unchanged_forms_changes_nothing(world: World, login: Any) -> None:
    """Every section round-trips: the form as shown, posted back, is not a change."""
    client = login("liucheng_filler")
    evaluation = world.evaluation("liucheng")
    before = evaluation.current.facts
    for section in catalog.sections_for(
        scoring.compiled(evaluation.framework), services.current_document(evaluation.current)
    ):
        page = client.get(f"/evaluations/{evaluation.pk}/facts/{section.key}/").content.decode()
        response = client.post(
            f"/evaluations/{evaluation.pk}/facts/{section.key}/", form_data(page)
        )
        assert response.status_code == 302, (section.key, response.content.decode()[:3000])
    evaluation.refresh_from_db()
    assert evaluation.current.facts == before
    assert not Change.objects.filter(evaluation=evaluation, kind="fact").exists()


def test_invalid_input_is_refused_and_kept(world: World, login: Any) -> None:
    client = login("liucheng_filler")
    evaluation = world.evaluation("liucheng")
    url = f"/evaluations/{evaluation.pk}/facts/staffing/"
    data = form_data(client.get(url).content.decode())
    data["staffing.in_post"] = "三十八"
    data["staffing.authorized"] = "35"
    response = client.post(url, data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "「三十八」不是数字" in html
    assert 'value="三十八"' in html and 'value="35"' in html  # the user's input is kept
    evaluation.refresh_from_db()
    assert evaluation.current.facts["staffing"]["authorized"] == "34"  # nothing saved


def test_percent_fields_warn_about_95_vs_0_95(world: World, login: Any) -> None:
    client = login("liucheng_filler")
    evaluation = world.evaluation("liucheng")
    url = f"/evaluations/{evaluation.pk}/facts/satisfaction/"
    data = form_data(client.get(url).content.decode())
    data["satisfaction.rate"] = "0.95"
    html = client.post(url + "preview/", data).content.decode()
    assert "如指95%，请填95" in html


def test_live_panel_recomputes_without_saving(world: World, login: Any) -> None:
    client = login("liucheng_filler")
    evaluation = world.evaluation("liucheng")
    url = f"/evaluations/{evaluation.pk}/facts/staffing/"
    data = form_data(client.get(url).content.decode())
    assert total_in(client.post(url + "preview/", data).content.decode()) == "85.5"
    data["staffing.in_post"] = "34"  # 34/34=100% → 在职人员控制率 full marks (+1)
    html = client.post(url + "preview/", data, HTTP_HX_REQUEST="true").content.decode()
    assert total_in(html) == "86.5"
    assert "38/34" not in html and "34/34=100%" in html
    evaluation.refresh_from_db()
    assert evaluation.current.facts["staffing"]["in_post"] == "38"


def test_notes_show_next_to_the_fields_they_concern(world: World, login: Any) -> None:
    client = login("liucheng_filler")
    evaluation = world.evaluation("liucheng")
    html = client.get(f"/evaluations/{evaluation.pk}/facts/staffing/").content.decode()
    # consistency check (jixiao.facts.checks): 行政编16+事业编28=44 ≠ 在编34
    assert re.search(r'data-note-for="staffing\.on_payroll"[^>]*>数据核对', html)
    # missing data for an indicator shows on the field the rule needs
    data = form_data(html)
    data["staffing.authorized"] = ""
    html = client.post(
        f"/evaluations/{evaluation.pk}/facts/staffing/preview/", data
    ).content.decode()
    assert "缺少数据" in html


def test_target_review_findings_show_on_the_target_rows(world: World, login: Any) -> None:
    client = login("liucheng_filler")
    evaluation = world.evaluation("liucheng")
    html = client.get(f"/evaluations/{evaluation.pk}/facts/targets/").content.decode()
    assert re.search(r'data-note-for="targets\[\d+\]"[^>]*>目标审查', html)


def test_rows_can_be_added_and_deleted(world: World, login: Any) -> None:
    client = login("liucheng_filler")
    evaluation = world.evaluation("liucheng")
    url = f"/evaluations/{evaluation.pk}/facts/key_tasks/"
    data = form_data(client.get(url).content.decode())
    data["key_tasks[0].name"] = "安全生产大检查"
    data["key_tasks[0].done"] = "1"
    data["key_tasks[1].name"] = "应急演练"
    data["key_tasks[1].done"] = "0"
    assert client.post(url, data).status_code == 302
    evaluation.refresh_from_db()
    assert [t["name"] for t in evaluation.current.facts["key_tasks"]] == [
        "安全生产大检查",
        "应急演练",
    ]
    data = form_data(client.get(url).content.decode())
    data["key_tasks[0].__delete"] = "1"
    assert client.post(url, data).status_code == 302
    evaluation.refresh_from_db()
    assert [t["name"] for t in evaluation.current.facts["key_tasks"]] == ["应急演练"]


def test_given_scores_need_reason_and_source(world: World, login: Any) -> None:
    client = login("liucheng_filler")
    evaluation = world.evaluation("liucheng")
    url = f"/evaluations/{evaluation.pk}/facts/given/"
    data = form_data(client.get(url).content.decode())
    base = documents.join(["given", "process.assets.fixed_asset_utilisation"])
    data[f"{base}.reason"] = ""
    response = client.post(url, data)
    assert response.status_code == 422
    assert "给分须注明理由" in response.content.decode()


def test_live_round_trip_is_fast_on_the_demo_data(world: World, login: Any) -> None:
    """The live panel's round trip (Django test client, 柳城 demo data) — figures for docs/web.md.

    Wall-clock time includes waiting for a CPU; on a machine loaded beyond its cores (load
    average above the core count) the 100 ms budget is checked on this process's CPU time
    instead, and the test output says so.
    """
    client = login("liucheng_filler")
    evaluation = world.evaluation("liucheng")
    results: dict[str, Any] = {}
    for section in ("staffing", "budget", "given"):
        url = f"/evaluations/{evaluation.pk}/facts/{section}/"
        data = form_data(client.get(url).content.decode())
        for _ in range(3):
            client.post(url + "preview/", data, HTTP_HX_REQUEST="true")
        wall, cpu = [], []
        for _ in range(25):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.post(url + "preview/", data, HTTP_HX_REQUEST="true")
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200
        results[section] = {
            "wall_median_ms": round(statistics.median(wall), 1),
            "wall_p90_ms": round(sorted(wall)[int(len(wall) * 0.9)], 1),
            "cpu_median_ms": round(statistics.median(cpu), 1),
        }
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    results["machine"] = {"load_average_1min": round(load, 2), "cores": cores}
    OUT.mkdir(exist_ok=True)
    (OUT / "web-live-timing.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    budget = Decimal(os.environ.get("JIXIAO_LIVE_BUDGET_MS", "100"))
    measure = "wall_median_ms" if load <= cores else "cpu_median_ms"
    print(
        f"live panel round trip (test client), checked on {measure}:",
        json.dumps(results, ensure_ascii=False),
    )
    for section in ("staffing", "budget", "given"):
        assert Decimal(str(results[section][measure])) < budget, (section, results[section])


@pytest.mark.parametrize("username", ["liucheng_leader", "finance", "dept", "thirdparty"])
def test_only_the_units_filler_may_save(world: World, login: Any, username: str) -> None:
    client: Client = login(username)
    evaluation = world.evaluation("liucheng")
    url = f"/evaluations/{evaluation.pk}/facts/staffing/"
    page = client.get(url)
    assert page.status_code == 200
    assert "只能查看本评价" in page.content.decode()
    data = form_data(page.content.decode())
    data["staffing.in_post"] = "1"
    assert client.post(url, data).status_code == 403
