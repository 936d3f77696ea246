"""Fixtures for the web tests: the demo data once per session, a second bureau to be isolated from,
logged-in clients per demo account, and the PostgreSQL skip when no server is available."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.utils import timezone

WEB_DIR = "tests/web"


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings as s

    engine = s.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    if getattr(s, "TEST_DB", "sqlite") == "postgres":
        if s.POSTGRES_UNAVAILABLE:
            return [f"jixiao web 测试数据库：{s.POSTGRES_UNAVAILABLE} —— PostgreSQL 测试全部跳过"]
        db = s.DATABASES["default"]
        return [
            f"jixiao web 测试数据库：PostgreSQL {s.POSTGRES_VERSION} @ {db['HOST']}:{db['PORT']}/{db['NAME']}"
        ]
    return [f"jixiao web 测试数据库：{engine}（内存）"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say where the browser test's screenshots (the test artifacts) are."""
    from pathlib import Path

    shots = Path(__file__).resolve().parents[2] / "out" / "screenshots"
    found = sorted(shots.glob("*.png")) if shots.exists() else []
    if found and any(
        "test_browser" in str(r.nodeid)
        for r in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
    ):
        terminalreporter.write_line(f"浏览器测试截图（{len(found)} 张）及下载的报告：{shots}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = getattr(settings, "POSTGRES_UNAVAILABLE", "")
    if getattr(settings, "TEST_DB", "sqlite") != "postgres" or not reason:
        return
    for item in items:
        if WEB_DIR in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=reason))


# --- demo data --------------------------------------------------------------------------------


@dataclass
class World:
    """The demo data plus a second bureau and a second department, for isolation tests."""

    users: dict[str, Any]
    evaluations: dict[str, Any]  # by unit key (liucheng, kunming, …, neighbour, foreign)
    rounds: dict[str, Any]
    foreign_framework: Any
    foreign_evidence: Any
    foreign_profile: Any

    def evaluation(self, key: str) -> Any:
        from jixiao.web.evaluations.models import Evaluation

        return Evaluation.objects.select_related("current", "round", "framework").get(
            pk=self.evaluations[key].pk
        )


def build_world() -> World:
    """Demo data (柳城 left blank for the browser flow is *not* done here) plus foreign objects."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.web import demo
    from jixiao.web.evaluations import services
    from jixiao.web.evaluations.models import Evaluation, Round
    from jixiao.web.evaluations.round_views import add_unit
    from jixiao.web.frameworks import services as framework_services
    from jixiao.web.frameworks.models import FrameworkVersion
    from jixiao.web.orgs.models import Organisation, Profile
    from jixiao.web.roles import OrgKind, Role

    demo.load()
    user_model = get_user_model()
    users = {u.username: u for u in user_model.objects.all()}
    bureau = Organisation.objects.get(name=demo.BUREAU)
    evaluations = {
        key: Evaluation.objects.get(unit__name=unit.name)
        for key, unit in ((u.key, u) for u in demo.UNITS)
    }
    rounds = {str(r.year): r for r in Round.objects.filter(bureau=bureau)}

    # a second department of the same bureau, with one unit in the 2021 round
    other_dept = Organisation.objects.create(
        name="交通运输系统（测试）", kind=OrgKind.DEPARTMENT, parent=bureau
    )
    neighbour_unit = Organisation.objects.create(
        name="测试县交通运输局", kind=OrgKind.UNIT, parent=other_dept
    )
    neighbour = add_unit(rounds["2021"], neighbour_unit, users["finance"])

    # a second bureau with everything of its own
    other_bureau = Organisation.objects.create(name="另一市财政局", kind=OrgKind.BUREAU)
    foreign_dept = Organisation.objects.create(
        name="另一市应急管理系统", kind=OrgKind.DEPARTMENT, parent=other_bureau
    )
    foreign_unit = Organisation.objects.create(
        name="另一县应急管理局", kind=OrgKind.UNIT, parent=foreign_dept
    )
    foreign_third = Organisation.objects.create(
        name="另一会计师事务所", kind=OrgKind.THIRD_PARTY, parent=other_bureau
    )
    accounts = [
        ("x_admin", other_bureau, Role.ADMIN),
        ("x_finance", other_bureau, Role.FINANCE_REVIEWER),
        ("x_dept", foreign_dept, Role.DEPT_REVIEWER),
        ("x_filler", foreign_unit, Role.UNIT_FILLER),
        ("x_leader", foreign_unit, Role.UNIT_LEADER),
        ("x_third", foreign_third, Role.THIRD_PARTY),
    ]
    for username, org, role in accounts:
        user = user_model.objects.create_user(username=username, password="unused-pass-2025!")
        Profile.objects.create(user=user, org=org, role=role.value)
        users[username] = user
    framework = FrameworkVersion.objects.filter(framework_id="liucheng-2021-reeval").first()
    assert framework is not None
    foreign_round = Round.objects.create(
        bureau=other_bureau,
        year=2021,
        kind="unit_self",
        title="另一市2021年度评价",
        framework=framework,
        deadline=timezone.now() + timedelta(days=30),
        created_by=users["x_finance"],
    )
    foreign = add_unit(foreign_round, foreign_unit, users["x_finance"])
    foreign.third_party = foreign_third
    foreign.save()
    foreign_framework = framework_services.create_version(
        framework.yaml_text.replace("id: liucheng-2021-reeval", "id: other-city-2021"),
        owner_id=other_bureau.pk,
        user=users["x_admin"],
        note="另一市的草稿",
    )
    evidence = services.add_evidence(
        foreign.pk,
        users["x_filler"],
        "budget.actual",
        "实际支出数",
        SimpleUploadedFile(
            "决算.pdf", b"%PDF-1.4 foreign evidence", content_type="application/pdf"
        ),
    )
    evaluations["neighbour"] = neighbour
    evaluations["foreign"] = foreign
    rounds["foreign"] = foreign_round
    return World(
        users=users,
        evaluations=evaluations,
        rounds=rounds,
        foreign_framework=foreign_framework,
        foreign_evidence=evidence,
        foreign_profile=Profile.objects.get(user=users["x_filler"]),
    )


@pytest.fixture(scope="session")
def world_setup(django_db_setup: Any, django_db_blocker: Any) -> World:
    with django_db_blocker.unblock():
        return build_world()


@pytest.fixture
def world(world_setup: World, db: Any) -> World:
    """The shared demo world; each test runs in a transaction rolled back afterwards."""
    return world_setup


@pytest.fixture
def fresh_world(transactional_db: Any) -> World:
    """For tests that need committed data (threads, a live server): a clean database first."""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    return build_world()


@pytest.fixture
def login(world: World) -> Callable[[str], Client]:
    def make(username: str) -> Client:
        client = Client()
        client.force_login(world.users[username])
        return client

    return make


# --- "nothing changed" ---------------------------------------------------------------------------

SKIP_MODELS = {"session", "loginfailure", "contenttype", "permission", "logentry"}
# Large immutable texts are covered by their digest column (sha256) instead.
SKIP_FIELDS = {"last_login", "yaml_text", "resolved"}


def fingerprint() -> str:
    """A digest of every row the application owns (sessions and login throttling excluded)."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.model_name in SKIP_MODELS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in SKIP_FIELDS]
        rows = list(model.objects.order_by("pk").values_list(*fields))
        digest.update(model._meta.label.encode())
        digest.update(json.dumps(rows, default=str).encode())
    digest.update(str(sorted(p.name for p in settings.EVIDENCE_DIR.glob("*"))).encode())
    return digest.hexdigest()


@pytest.fixture
def unchanged() -> Iterator[Callable[[], None]]:
    before = fingerprint()

    def check() -> None:
        assert fingerprint() == before, "数据被修改"

    yield check
