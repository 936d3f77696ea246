"""Isolation matrix: every URL pattern × every role × an object the role must not reach.

URL patterns are enumerated from the resolver, so a new view is covered the moment it is routed;
a new URL parameter name fails the test until it is mapped to a foreign object here.  For each
pattern, every HTTP method the view accepts must answer 403 or 404 (405 marks a method the view
does not accept at all, before any view code runs), and the database must not change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jixiao.web.workflow import ACTIONS
from tests.web.conftest import World, fingerprint

ROLE_USERS = {
    "unit_filler": "liucheng_filler",
    "unit_leader": "liucheng_leader",
    "dept_reviewer": "dept",
    "finance_reviewer": "finance",
    "third_party": "thirdparty",
    "admin": "admin",
}
OBJECT_PARAMS = {"evaluation_pk", "round_pk", "framework_pk", "evidence_pk", "user_pk", "number"}
VALUE_PARAMS = {
    "section": ["budget", "given"],
    "action": [a.key for a in ACTIONS],
    "kind": ["report", "facts"],
}


def patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[URLPattern]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry, prefix + str(entry.pattern))
        else:
            yield entry


def params_of(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.converters)


def test_every_parameter_is_covered() -> None:
    """A route with a parameter this test cannot fill would escape the matrix."""
    known = OBJECT_PARAMS | set(VALUE_PARAMS)
    for pattern in patterns():
        unknown = set(params_of(pattern)) - known
        assert not unknown, (
            f"URL「{pattern.pattern}」有新的参数 {unknown}，请在隔离测试中为其指定他人对象"
        )
        assert pattern.name, f"URL「{pattern.pattern}」没有名称"


@dataclass
class Target:
    """The objects one role must not reach (ids filled into URL parameters)."""

    label: str
    ids: dict[str, int]
    markers: list[str]  # text that must not appear on pages without an object parameter
    requires: frozenset[str] = frozenset()  # only patterns with one of these parameters


def targets(world: World, role: str) -> list[Target]:
    foreign = world.evaluations["foreign"]
    foreign_ids = {
        "evaluation_pk": foreign.pk,
        "round_pk": world.rounds["foreign"].pk,
        "framework_pk": world.foreign_framework.pk,
        "evidence_pk": world.foreign_evidence.pk,
        "user_pk": world.foreign_profile.pk,
        "number": 1,
    }
    markers = ["另一县应急管理局", "另一市2021年度评价", f"/evaluations/{foreign.pk}/"]
    found = [Target("另一财政局的对象", foreign_ids, markers)]
    neighbour = {
        "unit_filler": ("kunming", "2019"),
        "unit_leader": ("kunming", "2019"),
        "dept_reviewer": ("neighbour", "foreign"),
        "third_party": ("kunming", "2020"),
    }.get(role)
    if neighbour:
        evaluation = world.evaluations[neighbour[0]]
        ids = {
            **foreign_ids,
            "evaluation_pk": evaluation.pk,
            "round_pk": world.rounds[neighbour[1]].pk,
        }
        found.append(
            Target("同一财政局中不属于本角色的单位/任务", ids, [f"/evaluations/{evaluation.pk}/"])
        )
    # the role's own evaluation with a foreign sub-object (evidence of another evaluation)
    own = {
        "unit_filler": "liucheng",
        "unit_leader": "liucheng",
        "dept_reviewer": "liucheng",
        "third_party": "liucheng",
        "finance_reviewer": "liucheng",
        "admin": "liucheng",
    }[role]
    found.append(
        Target(
            "本角色可见的评价 + 他人的佐证材料",
            {**foreign_ids, "evaluation_pk": world.evaluations[own].pk},
            [],
            frozenset({"evidence_pk"}),
        )
    )
    return found


def payload() -> dict[str, Any]:
    """A plausible form: what an attacker would post to change something."""
    return {
        "reason": "越权测试",
        "budget.initial": "1",
        "budget.actual": "2",
        "given[input.goals.indicator_clarity].score": "1",
        "__revision": "0",
        "__version": "1",
        "indicator": "process.execution.completion_rate",
        "score": "0",
        "deadline": "2031-01-01T00:00",
        "third_party": "",
        "target": "budget.actual",
        "username": "intruder",
        "full_name": "越权",
        "role": "admin",
        "password": "Intruder-pass-2025",
        "name": "越权组织",
        "kind": "unit",
        "yaml_text": "id: intruder\ntitle: x\nkind: unit_overall\nindicators: []\n",
        "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x", content_type="application/pdf"),
        "workbook": SimpleUploadedFile(
            "x.xlsx", b"PK\x03\x04 not really", content_type="application/octet-stream"
        ),
    }


def urls_for(pattern: URLPattern, ids: dict[str, int]) -> list[str]:
    names = params_of(pattern)
    variants: list[dict[str, Any]] = [{}]
    for name in names:
        values = VALUE_PARAMS.get(name, [ids.get(name)])
        variants = [{**v, name: value} for v in variants for value in values]
    return [reverse(pattern.name, kwargs=v) for v in variants]


def probe(
    client: Client, user: Any, url: str, has_object: bool, target: Target, role: str
) -> tuple[list[str], bool, Client]:
    """GET and POST one URL; the failures found, whether any method reached the view."""
    failures: list[str] = []
    reached = False
    before = fingerprint()
    for method in ("get", "post"):
        kwargs = {"data": payload()} if method == "post" else {}
        response = getattr(client, method)(url, **kwargs)
        if url == reverse("logout"):
            client = Client()  # logging out ends the session: continue with a fresh one
            client.force_login(user)
        if response.status_code == 405:
            continue
        reached = True
        where = f"{role} {method.upper()} {url}（{target.label}）"
        if has_object and response.status_code not in (403, 404):
            failures.append(f"{where}：状态 {response.status_code}，应为 403/404")
        if not has_object:
            body = response.content.decode("utf-8", "replace")
            leaked = [m for m in target.markers if m in body]
            if leaked:
                failures.append(f"{where}：页面泄露了 {leaked}")
        if fingerprint() != before:
            failures.append(f"{where}：数据被修改")
            before = fingerprint()
    return failures, reached, client


@pytest.mark.parametrize("role", list(ROLE_USERS))
def test_isolation_matrix(world: World, role: str) -> None:
    user = world.users[ROLE_USERS[role]]
    start = fingerprint()
    failures: list[str] = []
    checked = 0
    client = Client()
    client.force_login(user)
    for target in targets(world, role):
        for pattern in patterns():
            names = set(params_of(pattern))
            if target.requires and not target.requires & names:
                continue
            for url in urls_for(pattern, target.ids):
                found, reached, client = probe(
                    client, user, url, bool(names & OBJECT_PARAMS), target, role
                )
                failures += found
                checked += 1
                assert reached, f"{url} 对 GET 和 POST 都返回 405"
    assert checked >= 40
    assert not failures, "\n".join(failures)
    assert fingerprint() == start


def test_anonymous_is_sent_to_login(world: World) -> None:
    before = fingerprint()
    ids = targets(world, "admin")[0].ids
    for pattern in patterns():
        if pattern.name == "login":
            continue
        for url in urls_for(pattern, ids):
            for method in ("get", "post"):
                response = getattr(Client(), method)(url)
                assert response.status_code == 302, url
                assert response["Location"].startswith("/login/"), url
    assert fingerprint() == before
