"""Demo data: one finance bureau, the five seed units, one round per seed year, an account per role.

Facts come from the example cases (``examples/*/case.yaml``), loaded with ``jixiao.io.cases`` —
nothing is retyped here.  Idempotent: running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone

from jixiao.io.cases import load_case
from jixiao.web.evaluations import documents, scoring, services
from jixiao.web.evaluations.models import Evaluation, Round
from jixiao.web.evaluations.round_views import add_unit
from jixiao.web.frameworks import services as framework_services
from jixiao.web.frameworks.models import FrameworkVersion
from jixiao.web.orgs.models import Organisation, Profile
from jixiao.web.roles import OrgKind, Role

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
DEMO_PASSWORD = "jixiao-demo-2025"  # satisfies the password validators; printed at start
BUREAU = "演示市财政局"
DEPARTMENT = "应急管理系统（演示主管部门）"
THIRD_PARTY = "广西嘉诚达会计师事务所（演示）"


@dataclass(frozen=True)
class DemoUnit:
    key: str  # account prefix
    name: str
    case: str | None  # example case directory, or None (no published facts in the seeds)


UNITS = [
    DemoUnit("xsbn", "西双版纳州应急管理局", "xishuangbanna-2019"),
    DemoUnit("hgt", "红谷滩区应急管理局", None),
    DemoUnit("kunming", "昆明市应急管理局", "kunming-2020"),
    DemoUnit("longgang", "深圳市龙岗区应急管理局", "longgang-2020"),
    DemoUnit("liucheng", "柳城县应急管理局", "liucheng-2021-reeval"),
]


@dataclass(frozen=True)
class DemoRound:
    year: int
    kind: str
    title: str
    framework: str
    units: tuple[tuple[str, str | None], ...]  # (unit key, framework override)


ROUNDS = [
    DemoRound(
        2019,
        "management_work",
        "2019年度预算绩效管理工作考核",
        "xishuangbanna-2019",
        (("xsbn", None),),
    ),
    DemoRound(
        2020,
        "unit_self",
        "2020年度部门整体支出绩效自评",
        "kunming-2020",
        (("kunming", None), ("longgang", "longgang-2020")),
    ),
    DemoRound(
        2021,
        "unit_self",
        "2021年度部门整体支出绩效评价",
        "liucheng-2021-reeval",
        (("liucheng", None),),
    ),
    DemoRound(
        2022,
        "project_self",
        "2022年度项目支出绩效自评",
        "national-2020-10-project-self",
        (("hgt", None),),
    ),
]


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    role: Role
    org: str


def accounts() -> list[Account]:
    found = [
        Account("admin", "管理员", Role.ADMIN, BUREAU),
        Account("finance", "财政审核员", Role.FINANCE_REVIEWER, BUREAU),
        Account("dept", "主管部门审核员", Role.DEPT_REVIEWER, DEPARTMENT),
        Account("thirdparty", "第三方评价员", Role.THIRD_PARTY, THIRD_PARTY),
    ]
    for unit in UNITS:
        found.append(
            Account(f"{unit.key}_filler", f"{unit.name[:-5]}填报员", Role.UNIT_FILLER, unit.name)
        )
        found.append(
            Account(f"{unit.key}_leader", f"{unit.name[:-5]}负责人", Role.UNIT_LEADER, unit.name)
        )
    return found


def _org(name: str, kind: OrgKind, parent: Organisation | None) -> Organisation:
    org = Organisation.objects.filter(name=name, parent=parent).first()
    if org is None:
        org = Organisation(name=name, kind=kind.value, parent=parent)
        org.full_clean()
        org.save()
    return org


def _framework(framework_id: str) -> FrameworkVersion:
    found = (
        FrameworkVersion.objects.filter(framework_id=framework_id, status="published", owner=None)
        .order_by("-version")
        .first()
    )
    if found is None:
        raise LookupError(f"没有已发布的指标体系「{framework_id}」")
    return found


def case_document(
    case_dir: str, version: FrameworkVersion
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """An example case → (facts JSON, given by indicator code, not_applicable by code)."""
    case = load_case(EXAMPLES / case_dir).case
    compiled = scoring.compiled(version)
    given: dict[str, Any] = {}
    for key, entry in case.given.items():
        node = compiled.node(key)
        code = node.code if node else key
        given[code] = {
            "score": documents.to_json(entry.score),
            "reason": entry.reason,
            "source": entry.source,
        }
    not_applicable = {}
    for key, reason in case.not_applicable.items():
        node = compiled.node(key)
        not_applicable[node.code if node else key] = reason
    return documents.dump_facts(case.facts), given, not_applicable


def load(
    *, empty_units: tuple[str, ...] = (), deadline: datetime | None = None, states: bool = True
) -> list[Account]:
    """Create the demo data (idempotent).  ``empty_units``: unit keys whose facts stay blank."""
    framework_services.import_shipped()
    with transaction.atomic():
        bureau = _org(BUREAU, OrgKind.BUREAU, None)
        department = _org(DEPARTMENT, OrgKind.DEPARTMENT, bureau)
        third = _org(THIRD_PARTY, OrgKind.THIRD_PARTY, bureau)
        units = {u.key: _org(u.name, OrgKind.UNIT, department) for u in UNITS}
        orgs = {o.name: o for o in [bureau, department, third, *units.values()]}
        users = {}
        user_model = get_user_model()
        encoded = ""
        for account in accounts():
            user = user_model.objects.filter(username=account.username).first()
            if user is None:
                user = user_model(username=account.username, first_name=account.name)
                validate_password(DEMO_PASSWORD, user)
                # one hash for the shared public demo password (hashing is deliberately slow)
                encoded = encoded or make_password(DEMO_PASSWORD)
                user.password = encoded
                user.save()
                Profile.objects.create(user=user, org=orgs[account.org], role=account.role.value)
            users[account.username] = user
        due = deadline or timezone.now() + timedelta(days=60)
        for spec in ROUNDS:
            round_ = Round.objects.filter(bureau=bureau, title=spec.title).first()
            if round_ is not None:
                continue
            round_ = Round.objects.create(
                bureau=bureau,
                year=spec.year,
                kind=spec.kind,
                title=spec.title,
                framework=_framework(spec.framework),
                deadline=due,
                instructions="演示数据：事实取自 examples/ 下的示例案例（依据各单位公开的评价报告）。",
                created_by=users["finance"],
            )
            for key, override in spec.units:
                unit = next(u for u in UNITS if u.key == key)
                evaluation = add_unit(round_, units[key], users["finance"])
                if override:
                    evaluation.framework = _framework(override)
                    evaluation.save(update_fields=["framework"])
                if unit.case and key not in empty_units:
                    facts, given, na = case_document(unit.case, evaluation.framework)
                    version = evaluation.current
                    assert version is not None
                    version.facts, version.given, version.not_applicable = facts, given, na
                    version.save()
                if key == "liucheng":
                    evaluation.third_party = third
                    evaluation.save(update_fields=["third_party"])
    if states:
        _demo_states(users)
    return accounts()


def _demo_states(users: dict[str, Any]) -> None:
    """Put a few evaluations further along the workflow so every role has something to do."""
    kunming = Evaluation.objects.filter(unit__name="昆明市应急管理局", round__year=2020).first()
    if kunming is not None and kunming.state == "draft" and not kunming.events.exists():
        services.perform(kunming.pk, users["kunming_filler"], "submit")
        services.perform(kunming.pk, users["kunming_leader"], "unit_approve")
    xsbn = Evaluation.objects.filter(unit__name="西双版纳州应急管理局", round__year=2019).first()
    if xsbn is not None and xsbn.state == "draft" and not xsbn.events.exists():
        services.perform(xsbn.pk, users["xsbn_filler"], "submit")
        services.perform(xsbn.pk, users["xsbn_leader"], "unit_approve")
        services.perform(xsbn.pk, users["dept"], "dept_approve")


def describe_accounts(found: list[Account]) -> str:
    lines = [f"演示账号（密码均为 {DEMO_PASSWORD}）："]
    for account in found:
        lines.append(f"  {account.username:18} {account.role.label:8} {account.org}")
    return "\n".join(lines)
