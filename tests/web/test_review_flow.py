"""Workflow through the views: locks that say why, frozen snapshots, returns with reasons, versions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jixiao.web.evaluations import services
from jixiao.web.evaluations.models import Event, FactVersion
from tests.web.conftest import World
from tests.web.test_entry import form_data, total_in


def act(client: Any, evaluation: Any, action: str, reason: str = "") -> Any:
    return client.post(
        f"/evaluations/{evaluation.pk}/action/{action}/", {"reason": reason}, follow=True
    )


def test_full_cycle_with_return_and_new_version(world: World, login: Any) -> None:
    evaluation = world.evaluation("liucheng")
    filler, leader = login("liucheng_filler"), login("liucheng_leader")
    dept, finance = login("dept"), login("finance")

    page = act(filler, evaluation, "submit").content.decode()
    assert "已提交" in page and "单位已提交" in page
    evaluation.refresh_from_db()
    v1 = evaluation.current
    assert v1.frozen and v1.snapshot["result"]["total"] == "85.5"
    assert v1.snapshot["framework"]["id"] == "liucheng-2021-reeval"

    # locked: the page says why, and saving is refused
    url = f"/evaluations/{evaluation.pk}/facts/staffing/"
    html = filler.get(url).content.decode()
    assert "提交后填报内容已锁定" in html and 'fieldset class="blocks" disabled' in html
    data = form_data(html)
    data["staffing.in_post"] = "1"
    assert filler.post(url, data).status_code == 403

    assert "主管部门审核" in act(leader, evaluation, "unit_approve").content.decode()
    assert "财政审核" in act(dept, evaluation, "dept_approve").content.decode()

    # a return without a reason is refused, state unchanged
    page = act(finance, evaluation, "finance_return", "  ").content.decode()
    assert "须填写理由" in page
    evaluation.refresh_from_db()
    assert evaluation.state == "finance_review"

    act(finance, evaluation, "finance_return", "“三公”经费上年数与决算不符，请核对")
    evaluation.refresh_from_db()
    assert evaluation.state == "returned" and evaluation.current.number == 2
    home = filler.get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert "退回理由：" in home and "“三公”经费上年数与决算不符" in home

    # the unit fixes version 2; version 1's snapshot does not move
    data = form_data(filler.get(url).content.decode())
    data["staffing.in_post"] = "34"
    assert filler.post(url, data).status_code == 302
    v1 = FactVersion.objects.get(pk=v1.pk)
    assert v1.snapshot["facts"]["staffing"]["in_post"] == "38"
    assert v1.snapshot["result"]["total"] == "85.5"
    assert total_in(filler.get(f"/evaluations/{evaluation.pk}/").content.decode()) == "86.5"
    v1.facts = {}
    with pytest.raises(ValidationError):
        v1.save()

    act(filler, evaluation, "submit")
    act(leader, evaluation, "unit_approve")
    act(dept, evaluation, "dept_approve")
    act(finance, evaluation, "finance_approve")
    evaluation.refresh_from_db()
    assert evaluation.state == "approved"
    assert evaluation.current.snapshot["result"]["total"] == "86.5"
    versions = finance.get(f"/evaluations/{evaluation.pk}/versions/").content.decode()
    assert "第1版" in versions and "第2版" in versions and "85.5" in versions and "86.5" in versions
    events = list(
        Event.objects.filter(evaluation=evaluation)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert events == [
        "submit",
        "unit_approve",
        "dept_approve",
        "finance_return",
        "submit",
        "unit_approve",
        "dept_approve",
        "finance_approve",
    ]


def test_wrong_role_or_state_cannot_act(world: World, login: Any) -> None:
    evaluation = world.evaluation("liucheng")
    assert (
        login("liucheng_leader").post(f"/evaluations/{evaluation.pk}/action/submit/").status_code
        == 403
    )
    assert (
        login("finance").post(f"/evaluations/{evaluation.pk}/action/finance_approve/").status_code
        == 302
    )
    evaluation.refresh_from_db()
    assert evaluation.state == "draft"  # the state did not allow it: refused with a message
    page = login("finance").get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert 'data-action="finance_approve"' not in page


def test_each_state_offers_only_its_actions(world: World, login: Any) -> None:
    evaluation = world.evaluation("liucheng")
    page = login("liucheng_filler").get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert 'data-action="submit"' in page
    page = login("liucheng_leader").get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert "data-action=" not in page
    services.perform(evaluation.pk, world.users["liucheng_filler"], "submit")
    page = login("liucheng_leader").get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert 'data-action="unit_approve"' in page and 'data-action="unit_return"' in page


def test_submission_needs_complete_data(world: World, login: Any) -> None:
    evaluation = world.evaluation("hgt")  # 红谷滩: no published facts in the seeds
    page = act(login("hgt_filler"), evaluation, "submit").content.decode()
    assert "个指标缺少数据" in page and "须补齐或标为不适用后才能提交" in page
    evaluation.refresh_from_db()
    assert evaluation.state == "draft" and not evaluation.current.frozen


def test_deadline_locks_entry_until_the_bureau_extends_it(world: World, login: Any) -> None:
    evaluation = world.evaluation("liucheng")
    evaluation.deadline = timezone.now() - timedelta(days=1)
    evaluation.save()
    filler = login("liucheng_filler")
    html = filler.get(f"/evaluations/{evaluation.pk}/facts/staffing/").content.decode()
    assert "填报截止时间" in html and "已过" in html
    assert "已过本单位的截止时间" in act(filler, evaluation, "submit").content.decode()
    new = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = login("finance").post(
        f"/evaluations/{evaluation.pk}/deadline/", {"deadline": new, "reason": "单位申请延期"}
    )
    assert response.status_code == 302
    html = filler.get(f"/evaluations/{evaluation.pk}/facts/staffing/").content.decode()
    assert "填报截止时间" not in html
    assert 'id="lock-reason"' not in html


def test_reviewers_record_scores_with_reasons(world: World, login: Any) -> None:
    evaluation = world.evaluation("liucheng")
    for user, action in (("liucheng_filler", "submit"), ("liucheng_leader", "unit_approve")):
        services.perform(evaluation.pk, world.users[user], action)
    url = f"/evaluations/{evaluation.pk}/reviews/"
    third = login("thirdparty")
    code = "process.execution.adjustment_rate"
    missing_reason = third.post(
        url, {"indicator": code, "__revision": "0", "score": "1", "reason": ""}
    )
    assert missing_reason.status_code == 422
    assert (
        third.post(
            url, {"indicator": code, "__revision": "0", "score": "9", "reason": "x"}
        ).status_code
        == 422
    )
    assert (
        third.post(
            url, {"indicator": code, "__revision": "0", "score": "1", "reason": "按评分表口径"}
        ).status_code
        == 302
    )
    overview = login("finance").get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert "按评分表口径" in overview
    # units see the scores on the overview but have no review page
    assert login("liucheng_filler").get(url).status_code == 403


def test_home_page_lists_the_units_tasks(world: World, login: Any) -> None:
    page = login("liucheng_filler").get("/").content.decode()
    assert "2021年度部门整体支出绩效评价" in page and "待办（1）" in page
    page = login("kunming_leader").get("/").content.decode()
    assert "待办（0）" in page
    page = login("finance").get("/").content.decode()
    assert "西双版纳州应急管理局" in page and "待办（1）" in page  # 2019 in 财政审核
