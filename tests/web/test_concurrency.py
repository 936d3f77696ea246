"""No lost updates: the second of two concurrent saves of the same record is refused, input kept."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from jixiao.web.evaluations.models import Change, ReviewScore
from tests.web.conftest import World
from tests.web.test_entry import form_data


def _two_sessions(world: World) -> tuple[Client, Client]:
    first, second = Client(), Client()
    first.force_login(world.users["liucheng_filler"])
    second.force_login(world.users["liucheng_filler"])  # same account, two browser windows
    return first, second


def test_second_save_of_the_same_section_is_refused_and_nothing_is_lost(world: World) -> None:
    evaluation = world.evaluation("liucheng")
    url = f"/evaluations/{evaluation.pk}/facts/staffing/"
    first, second = _two_sessions(world)
    form_a = form_data(first.get(url).content.decode())
    form_b = form_data(second.get(url).content.decode())
    assert form_a["__revision"] == form_b["__revision"] == "0"

    form_a["staffing.in_post"] = "36"
    assert first.post(url, form_a).status_code == 302

    form_b["staffing.in_post"] = "40"
    form_b["staffing.outside"] = "5"
    refused = second.post(url, form_b)
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "保存被拒绝" in html and "已被" in html
    assert 'value="40"' in html and 'value="5"' in html  # the second user's input is kept
    assert "实际在职人数" in html and "36" in html  # … next to what the first user changed
    evaluation.refresh_from_db()
    assert evaluation.current.facts["staffing"]["in_post"] == "36"  # the first save stands
    assert "outside" not in evaluation.current.facts["staffing"]

    # a deliberate second save (after seeing the conflict) carries the new revision and wins
    again = form_data(html)
    assert again["__revision"] == "1"
    assert second.post(url, again).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.current.facts["staffing"]["in_post"] == "40"
    changes = Change.objects.filter(evaluation=evaluation, field="staffing.in_post").order_by(
        "at", "id"
    )
    assert [(c.old, c.new) for c in changes] == [("38", "36"), ("36", "40")]


def test_other_sections_do_not_conflict(world: World) -> None:
    evaluation = world.evaluation("liucheng")
    first, second = _two_sessions(world)
    staffing = f"/evaluations/{evaluation.pk}/facts/staffing/"
    budget = f"/evaluations/{evaluation.pk}/facts/budget/"
    form_a = form_data(first.get(staffing).content.decode())
    form_b = form_data(second.get(budget).content.decode())
    form_a["staffing.in_post"] = "36"
    form_b["budget.revenue"] = "1500"
    assert first.post(staffing, form_a).status_code == 302
    assert second.post(budget, form_b).status_code == 302


def test_a_save_after_the_evaluation_was_reopened_is_refused(world: World, login: Any) -> None:
    """A form opened on version 1 cannot be saved into version 2 created meanwhile."""
    from jixiao.web.evaluations import services

    evaluation = world.evaluation("liucheng")
    filler = login("liucheng_filler")
    url = f"/evaluations/{evaluation.pk}/facts/staffing/"
    stale = form_data(filler.get(url).content.decode())
    services.perform(evaluation.pk, world.users["liucheng_filler"], "submit")
    services.perform(evaluation.pk, world.users["liucheng_leader"], "unit_return", "请补充")
    stale["staffing.in_post"] = "1"
    response = filler.post(url, stale)
    assert response.status_code == 409
    evaluation.refresh_from_db()
    assert evaluation.current.number == 2
    assert evaluation.current.facts["staffing"]["in_post"] == "38"


def test_concurrent_review_scores_are_not_lost(world: World) -> None:
    from jixiao.web.evaluations import services

    evaluation = world.evaluation("liucheng")
    for user, action in (
        ("liucheng_filler", "submit"),
        ("liucheng_leader", "unit_approve"),
        ("dept", "dept_approve"),
    ):
        services.perform(evaluation.pk, world.users[user], action)
    url = f"/evaluations/{evaluation.pk}/reviews/"
    first, second = Client(), Client()
    first.force_login(world.users["finance"])
    second.force_login(world.users["finance"])
    code = "process.execution.adjustment_rate"
    post = {"indicator": code, "__revision": "0", "score": "1", "reason": "调整率计算口径有误"}
    assert first.post(url, post).status_code == 302
    refused = second.post(url, {**post, "score": "2", "reason": "另一窗口"})
    assert refused.status_code == 409
    assert "另一窗口" in refused.content.decode()
    score = ReviewScore.objects.get(evaluation=evaluation, indicator_code=code)
    assert (str(score.score), score.reason) == ("1.00", "调整率计算口径有误")


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="需要 PostgreSQL 的行锁（make test 的 PostgreSQL 轮次运行此测试）",
)
def test_truly_simultaneous_saves_on_postgresql(fresh_world: World) -> None:
    """Two threads save the same section at the same moment: exactly one succeeds.

    Needs row locks (SELECT … FOR UPDATE), so it runs against PostgreSQL only.
    """
    world = fresh_world
    evaluation = world.evaluation("liucheng")
    url = f"/evaluations/{evaluation.pk}/facts/staffing/"
    clients = _two_sessions(world)
    forms = [form_data(c.get(url).content.decode()) for c in clients]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def save(client: Client, form: dict[str, Any], value: str) -> None:
        try:
            form["staffing.in_post"] = value
            barrier.wait()
            statuses.append(client.post(url, form).status_code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(clients[0], forms[0], "36")),
        threading.Thread(target=save, args=(clients[1], forms[1], "40")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 409]
    evaluation.refresh_from_db()
    assert Change.objects.filter(evaluation=evaluation, field="staffing.in_post").count() == 1
