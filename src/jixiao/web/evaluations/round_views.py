"""Home page and rounds (评价任务): create, per-unit status, deadline extension, third parties."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.facts import UnitYear
from jixiao.web import access
from jixiao.web.evaluations import documents, services
from jixiao.web.evaluations.models import ROUND_KINDS, Change, Evaluation, FactVersion, Round
from jixiao.web.frameworks.models import FrameworkVersion
from jixiao.web.orgs.models import Organisation
from jixiao.web.roles import OrgKind, Role
from jixiao.web.workflow import STATE_LABELS, State


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    profile = access.profile_of(request.user)
    evaluations = access.evaluations_for(request.user).select_related("round", "unit", "framework")
    todo: list[Evaluation] = []
    if profile is not None:
        waiting = {
            Role.UNIT_FILLER: (State.DRAFT, State.RETURNED),
            Role.UNIT_LEADER: (State.SUBMITTED,),
            Role.DEPT_REVIEWER: (State.DEPT_REVIEW,),
            Role.FINANCE_REVIEWER: (State.FINANCE_REVIEW,),
            Role.THIRD_PARTY: (State.DEPT_REVIEW, State.FINANCE_REVIEW),
        }.get(profile.user_role, ())
        todo = [e for e in evaluations if e.workflow_state in waiting]
    return render(
        request,
        "evaluations/home.html",
        {
            "todo": todo,
            "evaluations": evaluations.order_by("-round__year", "round__title", "unit__name"),
            "rounds": access.rounds_for(request.user).order_by("-year")[:20],
            "can_manage_rounds": access.can_manage_rounds(request.user),
        },
    )


@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    access.require_profile(request)
    rounds = access.rounds_for(request.user).select_related("framework").order_by("-year", "title")
    return render(
        request,
        "evaluations/rounds.html",
        {"rounds": rounds, "can_manage_rounds": access.can_manage_rounds(request.user)},
    )


class RoundForm(forms.Form):
    title = forms.CharField(label="任务名称", max_length=200)
    year = forms.IntegerField(label="评价年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="评价类型", choices=ROUND_KINDS)
    framework = forms.ModelChoiceField(
        label="指标体系（发布版本）", queryset=FrameworkVersion.objects.none()
    )
    deadline = forms.DateTimeField(
        label="截止时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    instructions = forms.CharField(
        label="填报说明", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    units = forms.ModelMultipleChoiceField(
        label="参与单位", queryset=Organisation.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, user: Any, bureau: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework"].queryset = access.frameworks_for(user).filter(  # type: ignore[attr-defined]
            status=FrameworkVersion.PUBLISHED
        )
        self.fields["units"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            bureau=bureau, kind=OrgKind.UNIT
        ).order_by("parent__name", "name")


def create_round(data: dict[str, Any], bureau: Organisation, user: Any) -> Round:
    with transaction.atomic():
        round_ = Round.objects.create(
            bureau=bureau,
            year=data["year"],
            kind=data["kind"],
            title=data["title"],
            framework=data["framework"],
            deadline=data["deadline"],
            instructions=data.get("instructions", ""),
            created_by=user,
        )
        for unit in data["units"]:
            add_unit(round_, unit, user)
    return round_


def add_unit(
    round_: Round, unit: Organisation, user: Any, facts: dict[str, Any] | None = None
) -> Evaluation:
    evaluation = Evaluation.objects.create(
        round=round_, unit=unit, framework=round_.framework, deadline=round_.deadline
    )
    first = facts or documents.dump_facts(
        UnitYear.model_validate(
            {
                "unit": {
                    "name": unit.name,
                    **({"department": unit.parent.name} if unit.parent else {}),
                },
                "year": round_.year,
                "amount_unit": "万元",
            }
        )
    )
    version = FactVersion.objects.create(
        evaluation=evaluation, number=1, facts=first, created_by=user, created_reason="评价任务下达"
    )
    evaluation.current = version
    evaluation.save(update_fields=["current"])
    return evaluation


@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    profile = access.require_round_manager(request.user)
    form = RoundForm(request.POST or None, user=request.user, bureau=profile.org)
    if request.method == "POST" and form.is_valid():
        round_ = create_round(form.cleaned_data, profile.org, request.user)
        messages.success(
            request, f"已下达评价任务「{round_.title}」，共{round_.evaluations.count()}个单位"
        )
        return redirect("round_detail", round_pk=round_.pk)
    return render(request, "evaluations/round_new.html", {"form": form})


@require_GET
def round_detail(request: HttpRequest, round_pk: int) -> HttpResponse:
    round_ = access.round_or_404(request.user, round_pk)
    evaluations = (
        access.evaluations_for(request.user)
        .filter(round=round_)
        .select_related("unit", "unit__parent", "third_party", "framework", "current")
        .order_by("unit__parent__name", "unit__name")
    )
    manager = (
        access.can_manage_rounds(request.user) and round_.bureau_id == request.user.profile.org_id
    )
    rows = []
    for evaluation in evaluations:
        count, _ = services.changes_since_approval(evaluation)
        rows.append({"evaluation": evaluation, "changes": count})
    counts = Counter(e.state for e in evaluations)
    chart = [
        {"name": STATE_LABELS[s], "value": counts.get(s.value, 0)}
        for s in State
        if counts.get(s.value)
    ]
    third_parties = (
        Organisation.objects.filter(bureau=round_.bureau, kind=OrgKind.THIRD_PARTY)
        if manager
        else []
    )
    return render(
        request,
        "evaluations/round_detail.html",
        {
            "round": round_,
            "rows": rows,
            "manager": manager,
            "chart": chart,
            "third_parties": third_parties,
            "now": timezone.now(),
        },
    )


class DeadlineForm(forms.Form):
    deadline = forms.DateTimeField(
        label="新的截止时间", input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
    )
    reason = forms.CharField(label="延期理由", max_length=200)


@require_POST
def evaluation_deadline(request: HttpRequest, evaluation_pk: int) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    access.require_round_manager(request.user, evaluation.round)
    form = DeadlineForm(request.POST)
    if form.is_valid():
        services.extend_deadline(
            evaluation.pk, request.user, form.cleaned_data["deadline"], form.cleaned_data["reason"]
        )
        messages.success(request, f"已调整「{evaluation.unit.name}」的截止时间")
    else:
        for errors in form.errors.values():
            messages.error(request, f"未调整截止时间：{'；'.join(errors)}")
    return redirect("round_detail", round_pk=evaluation.round_id)


@require_POST
def evaluation_third_party(request: HttpRequest, evaluation_pk: int) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    access.require_round_manager(request.user, evaluation.round)
    raw = request.POST.get("third_party", "")
    third_party = None
    if raw:
        third_party = Organisation.objects.filter(
            pk=raw if raw.isdigit() else 0, bureau=evaluation.round.bureau, kind=OrgKind.THIRD_PARTY
        ).first()
        if third_party is None:
            messages.error(request, "没有这一第三方机构")
            return redirect("round_detail", round_pk=evaluation.round_id)
    with transaction.atomic():
        old = evaluation.third_party.name if evaluation.third_party else None
        evaluation.third_party = third_party
        evaluation.save(update_fields=["third_party"])
        Change.objects.create(
            evaluation=evaluation,
            version=evaluation.current.number if evaluation.current else 0,
            kind="assignment",
            section="round",
            field="third_party",
            label="第三方评价机构",
            old=old,
            new=third_party.name if third_party else None,
            user=request.user,
            role=services.role_value(request.user),
        )
    messages.success(request, f"已为「{evaluation.unit.name}」指定第三方：{third_party or '无'}")
    return redirect("round_detail", round_pk=evaluation.round_id)
