"""Rounds: the finance bureau creates them, sees per-unit status, extends deadlines per unit."""

from __future__ import annotations

from typing import Any

from jixiao.web.evaluations.models import Change, Evaluation, Round
from jixiao.web.frameworks.models import FrameworkVersion
from tests.web.conftest import World


def test_finance_creates_a_round(world: World, login: Any) -> None:
    finance = login("finance")
    framework = FrameworkVersion.objects.get(
        framework_id="liucheng-2021-reeval", owner__isnull=True
    )
    units = [world.evaluation("liucheng").unit_id, world.evaluation("kunming").unit_id]
    response = finance.post(
        "/rounds/new/",
        {
            "title": "2023年度部门整体支出绩效自评",
            "year": 2023,
            "kind": "unit_self",
            "framework": framework.pk,
            "deadline": "2024-04-30T18:00",
            "instructions": "请于4月底前完成自评并上传佐证材料。",
            "units": units,
        },
    )
    assert response.status_code == 302
    round_ = Round.objects.get(title="2023年度部门整体支出绩效自评")
    evaluations = Evaluation.objects.filter(round=round_)
    assert evaluations.count() == 2
    assert all(e.framework_id == framework.pk and e.current.number == 1 for e in evaluations)
    page = finance.get(f"/rounds/{round_.pk}/").content.decode()
    assert "柳城县应急管理局" in page and "昆明市应急管理局" in page and "草稿" in page
    assert "请于4月底前完成自评" in page
    home = login("liucheng_filler").get("/").content.decode()
    assert "2023年度部门整体支出绩效自评" in home
    assert "2023年度部门整体支出绩效自评" not in login("xsbn_filler").get("/").content.decode()


def test_only_the_bureau_creates_rounds(world: World, login: Any) -> None:
    for username in ("liucheng_filler", "liucheng_leader", "dept", "thirdparty"):
        assert login(username).get("/rounds/new/").status_code == 403


def test_per_unit_status_and_deadline_extension(world: World, login: Any) -> None:
    finance = login("finance")
    round_ = world.evaluation("kunming").round
    page = finance.get(f"/rounds/{round_.pk}/").content.decode()
    assert "主管部门审核" in page and "草稿" in page  # 昆明 submitted and approved by its leader
    longgang = world.evaluation("longgang")
    response = finance.post(
        f"/evaluations/{longgang.pk}/deadline/",
        {"deadline": "2031-06-30T18:00", "reason": "机构改革"},
    )
    assert response.status_code == 302
    longgang.refresh_from_db()
    assert longgang.deadline.year == 2031
    assert world.evaluation("kunming").deadline.year != 2031  # only this unit
    change = Change.objects.get(evaluation=longgang, field="deadline")
    assert "机构改革" in change.label and change.new.startswith("2031-06-30")
    assert (
        login("dept")
        .post(
            f"/evaluations/{longgang.pk}/deadline/", {"deadline": "2032-01-01T00:00", "reason": "x"}
        )
        .status_code
        == 403
    )


def test_third_party_sees_only_assigned_units(world: World, login: Any) -> None:
    third = login("thirdparty")
    home = third.get("/").content.decode()
    assert "柳城县应急管理局" in home and "昆明市应急管理局" not in home
    kunming = world.evaluation("kunming")
    assert third.get(f"/evaluations/{kunming.pk}/").status_code == 404
    finance = login("finance")
    third_party = world.evaluation("liucheng").third_party
    assert (
        finance.post(
            f"/evaluations/{kunming.pk}/third-party/", {"third_party": third_party.pk}
        ).status_code
        == 302
    )
    assert third.get(f"/evaluations/{kunming.pk}/").status_code == 200
