"""Frameworks in the app: upload/edit validated by the engine (errors with line numbers), browse, publish."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from jixiao.frameworks import catalog
from jixiao.web.frameworks.models import FrameworkVersion
from tests.web.conftest import World

GOOD = """id: demo-city-2021
title: 演示市2021年度部门整体支出绩效评价指标体系
kind: unit_overall
extends: liucheng-2021-reeval
"""

BAD = """id: demo-city-2022
title: 演示市2022年度指标体系
kind: unit_overall
indicators:
  - name: 投入
    weight: 10
    children:
      - name: 在职人员控制率
        weight: 十
        rule: {kind: bands, bands: [{when: "≤100%", score: 2}]}
      - name: 预算完成率
        weight: 5
        rule: {kind: step_deducton, full_when: "≥90%", step: 5%, deduct: 1}
"""


def test_upload_shows_engine_errors_with_line_numbers(world: World, login: Any) -> None:
    admin = login("admin")
    response = admin.post("/frameworks/new/", {"yaml_text": BAD, "note": "错误示例"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "指标体系有1处错误，未保存" in html
    assert "第9行：「weight」：「十」不是数字" in html
    fixed = BAD.replace("weight: 十", "weight: 5")
    html = admin.post("/frameworks/new/", {"yaml_text": fixed}).content.decode()
    assert "指标体系有2处错误，未保存" in html
    assert "第10行：缺少必填项「value」" in html
    assert "第13行：未知的评分规则类型「step_deducton」。是否应为「step_deduction」" in html
    assert 'value="step_deducton"' in html or "step_deducton, full_when" in html  # the text is kept
    assert not FrameworkVersion.objects.filter(framework_id="demo-city-2022").exists()


def test_upload_file_edit_and_publish(world: World, login: Any) -> None:
    admin = login("admin")
    upload = SimpleUploadedFile("framework.yaml", GOOD.encode(), content_type="text/yaml")
    response = admin.post("/frameworks/new/", {"yaml_file": upload, "note": "继承柳城"})
    assert response.status_code == 302
    draft = FrameworkVersion.objects.get(framework_id="demo-city-2021")
    assert draft.status == "draft" and draft.version == 1 and draft.owner is not None
    # drafts are invisible outside the bureau's administrators and cannot be used in rounds
    assert login("finance").get(f"/frameworks/{draft.pk}/").status_code == 404
    page = admin.get(f"/frameworks/{draft.pk}/").content.decode()
    assert "在职人员控制率" in page and "评分标准：" in page and "所需数据：" in page
    edited = GOOD.replace("title: 演示市2021", "title: 演示市（修订）2021")
    assert admin.post(f"/frameworks/{draft.pk}/edit/", {"yaml_text": edited}).status_code == 302
    draft.refresh_from_db()
    assert draft.version == 1 and "修订" in draft.title  # a draft is edited in place
    assert admin.post(f"/frameworks/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    assert login("liucheng_filler").get(f"/frameworks/{draft.pk}/").status_code == 200
    # editing a published version makes a new draft version; the published one never changes
    sha = draft.sha256
    response = admin.post(f"/frameworks/{draft.pk}/edit/", {"yaml_text": GOOD, "note": "再改"})
    assert response.status_code == 302
    newest = (
        FrameworkVersion.objects.filter(framework_id="demo-city-2021").order_by("-version").first()
    )
    assert newest.version == 2 and newest.status == "draft"
    draft.refresh_from_db()
    assert draft.sha256 == sha


def test_only_admins_manage_frameworks(world: World, login: Any) -> None:
    for username in ("finance", "liucheng_filler", "dept", "thirdparty"):
        client = login(username)
        assert client.get("/frameworks/new/").status_code == 403
        assert client.post("/frameworks/new/", {"yaml_text": GOOD}).status_code == 403
    shipped = FrameworkVersion.objects.filter(owner__isnull=True).first()
    assert login("admin").post(f"/frameworks/{shipped.pk}/publish/").status_code == 403


def test_every_shipped_framework_is_browsable_as_a_tree(world: World, login: Any) -> None:
    client = login("liucheng_filler")
    listing = client.get("/frameworks/").content.decode()
    shipped = FrameworkVersion.objects.filter(owner__isnull=True)
    assert shipped.count() == len(catalog()) - 1  # the abstract national base is used via extends
    for version in shipped:
        assert version.title in listing
        page = client.get(f"/frameworks/{version.pk}/").content.decode()
        assert page.count('class="lvl-') >= 5, version.framework_id


def test_a_round_pins_its_framework_version(world: World, login: Any) -> None:
    evaluation = world.evaluation("liucheng")
    pinned = evaluation.framework
    admin = login("admin")
    assert (
        admin.post(
            f"/frameworks/{pinned.pk}/edit/",
            {"yaml_text": pinned.yaml_text.replace("再评价指标体系", "再评价指标体系（修订）")},
        ).status_code
        == 302
    )
    newest = (
        FrameworkVersion.objects.filter(framework_id=pinned.framework_id)
        .order_by("-version")
        .first()
    )
    admin.post(f"/frameworks/{newest.pk}/publish/")
    evaluation.refresh_from_db()
    assert evaluation.framework_id == pinned.pk and evaluation.round.framework_id == pinned.pk
    page = login("liucheng_filler").get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert f"第{pinned.version}版" in page
