"""Audit: every change to facts, targets, scores and states is recorded, viewable per field."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jixiao.web.evaluations import services
from jixiao.web.evaluations.models import Change, Event
from tests.web.conftest import World
from tests.web.test_entry import form_data


def test_field_changes_are_recorded_with_old_and_new_values(world: World, login: Any) -> None:
    evaluation = world.evaluation("liucheng")
    client = login("liucheng_filler")
    url = f"/evaluations/{evaluation.pk}/facts/targets/"
    data = form_data(client.get(url).content.decode())
    data["targets[0].actual"] = "12次"
    data["targets[1].name"] = "每年开展“安全生产月”活动1次"
    assert client.post(url, data).status_code == 302
    url = f"/evaluations/{evaluation.pk}/facts/budget/"
    data = form_data(client.get(url).content.decode())
    data["budget.revenue"] = "1,500"
    assert client.post(url, data).status_code == 302
    changes = {c.field: c for c in Change.objects.filter(evaluation=evaluation)}
    assert (changes["targets[0].actual"].old, changes["targets[0].actual"].new) == (None, "12次")
    assert changes["targets[1].name"].old == "每年开展“安全生产月”活动一次"
    assert (changes["budget.revenue"].old, changes["budget.revenue"].new) == ("1440.56", "1500")
    revenue = changes["budget.revenue"]
    assert revenue.user == world.users["liucheng_filler"] and revenue.role == "unit_filler"
    assert revenue.label == "预算收入" and revenue.version == 1

    page = login("finance").get(f"/evaluations/{evaluation.pk}/history/").content.decode()
    assert "预算收入" in page and "1440.56" in page and "1500" in page
    assert "绩效目标第1行" in page and "12次" in page
    one = login("finance").get(
        f"/evaluations/{evaluation.pk}/history/", {"field": "budget.revenue"}
    )
    rows = re.findall(r'<tr data-field="([^"]+)"', one.content.decode())
    assert rows == ["budget.revenue"]


def test_scores_states_deadlines_and_files_are_recorded(world: World, login: Any) -> None:
    evaluation = world.evaluation("liucheng")
    filler = world.users["liucheng_filler"]
    evidence = services.add_evidence(
        evaluation.pk,
        filler,
        "budget.actual",
        "实际支出数",
        SimpleUploadedFile("决算报表.pdf", b"%PDF-1.7 test", content_type="application/pdf"),
    )
    services.remove_evidence(evaluation.pk, filler, evidence.pk)
    services.extend_deadline(
        evaluation.pk, world.users["finance"], timezone.now() + timedelta(days=90), "延期"
    )
    for user, action in (
        ("liucheng_filler", "submit"),
        ("liucheng_leader", "unit_approve"),
        ("dept", "dept_approve"),
    ):
        services.perform(evaluation.pk, world.users[user], action)
    services.save_review_score(
        evaluation.pk, world.users["finance"], "process.execution.adjustment_rate", "1", "口径", 0
    )
    services.save_review_score(
        evaluation.pk, world.users["finance"], "process.execution.adjustment_rate", "0.5", "复核", 1
    )
    kinds = list(
        Change.objects.filter(evaluation=evaluation)
        .values_list("kind", "old", "new")
        .order_by("at", "id")
    )
    assert ("evidence", None, kinds[0][2]) == kinds[0] and "决算报表.pdf" in kinds[0][2]
    assert kinds[1][0] == "evidence" and kinds[1][1] == "决算报表.pdf" and kinds[1][2] is None
    assert kinds[2][0] == "deadline"
    assert [k[1:] for k in kinds if k[0] == "state"] == [
        ("草稿", "单位已提交"),
        ("单位已提交", "主管部门审核"),
        ("主管部门审核", "财政审核"),
    ]
    reviews = [k[1:] for k in kinds if k[0] == "review"]
    assert reviews == [
        (None, {"score": "1", "reason": "口径"}),
        ({"score": "1", "reason": "口径"}, {"score": "0.5", "reason": "复核"}),
    ]


def test_changes_since_last_approval_are_counted_for_reviewers(world: World, login: Any) -> None:
    evaluation = world.evaluation("liucheng")
    users = world.users
    services.perform(evaluation.pk, users["liucheng_filler"], "submit")
    services.perform(evaluation.pk, users["liucheng_leader"], "unit_approve")
    services.perform(evaluation.pk, users["dept"], "dept_return", "请补充")
    filler = login("liucheng_filler")
    url = f"/evaluations/{evaluation.pk}/facts/staffing/"
    data = form_data(filler.get(url).content.decode())
    data["staffing.in_post"] = "36"
    data["staffing.outside"] = "2"
    filler.post(url, data)
    services.perform(evaluation.pk, users["liucheng_filler"], "submit")
    services.perform(evaluation.pk, users["liucheng_leader"], "unit_approve")
    page = login("dept").get(f"/evaluations/{evaluation.pk}/").content.decode()
    # the leader's second approval restarts the count: nothing changed since
    assert re.search(r"以来修改 <strong>0</strong> 处", page)
    _, last = services.changes_since_approval(evaluation)
    assert last is not None and last.action == "unit_approve"
    # counted from the previous approval the two field changes show
    first_approval = (
        Event.objects.filter(evaluation=evaluation, action="unit_approve").order_by("at").first()
    )
    assert evaluation.changes.filter(kind="fact", at__gt=first_approval.at).count() == 2


def test_audit_records_are_append_only(world: World) -> None:
    evaluation = world.evaluation("liucheng")
    services.perform(evaluation.pk, world.users["liucheng_filler"], "submit")
    change = Change.objects.filter(evaluation=evaluation).first()
    event = Event.objects.filter(evaluation=evaluation).first()
    assert change is not None and event is not None
    change.new = "篡改"
    with pytest.raises(ValidationError):
        change.save()
    with pytest.raises(ValidationError):
        change.delete()
    with pytest.raises(ValidationError):
        event.delete()
