"""Evaluation pages: overview, data entry with the live panel, workflow, review, audit, files.

Thin views: every object is fetched through ``jixiao.web.access`` (404 outside the user's view,
403 for a forbidden action), every change goes through ``services``, every score comes from the
engine through ``scoring``.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jixiao.engine.numbers import format_number
from jixiao.web import access
from jixiao.web.evaluations import catalog, documents, integrations, scoring, services
from jixiao.web.evaluations.models import Evaluation, Evidence, FactVersion, ReviewScore
from jixiao.web.workflow import WorkflowError


def _result_dict(evaluation: Evaluation, version: FactVersion) -> tuple[dict[str, Any] | None, Any]:
    """The result to show: the frozen snapshot of a submitted version, else computed now."""
    if version.frozen and version.snapshot:
        return version.snapshot["result"], None
    scored = scoring.score_document(evaluation.framework, services.current_document(version))
    return (scored.result.to_dict() if scored.result else None), scored


def _chart(result: dict[str, Any] | None) -> list[dict[str, str]]:
    if not result:
        return []
    return [
        {"name": i["name"], "score": i["score"], "max": i["max"]}
        for i in result["indicators"]
        if i["level"] == 1
    ]


def _common(request: HttpRequest, evaluation: Evaluation, tab: str) -> dict[str, Any]:
    version = evaluation.current
    assert version is not None
    count, last_approval = services.changes_since_approval(evaluation)
    return {
        "evaluation": evaluation,
        "version": version,
        "tab": tab,
        "edit_lock": access.edit_lock(request.user, evaluation),
        "actions": access.actions_for(request.user, evaluation),
        "can_review": access.can_review(request.user, evaluation),
        "is_reviewer": access.is_reviewer_of(request.user, evaluation),
        "changes_since_approval": count,
        "last_approval": last_approval,
        "last_return": evaluation.events.filter(action__endswith="return").order_by("-at").first()
        or evaluation.events.filter(action="reopen").order_by("-at").first(),
    }


@require_GET
def evaluation_detail(request: HttpRequest, evaluation_pk: int) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    context = _common(request, evaluation, "overview")
    result, scored = _result_dict(evaluation, context["version"])
    reviews = ReviewScore.objects.filter(evaluation=evaluation).select_related("reviewer")
    by_code: dict[str, list[ReviewScore]] = {}
    for review in reviews:
        by_code.setdefault(review.indicator_code, []).append(review)
    context.update(
        {
            "result": result,
            "errors": scored.errors if scored else {},
            "chart": _chart(result),
            "reviews_by_code": by_code,
            "sections": _sections(evaluation, context["version"]),
            "downloads": integrations.downloads(),
        }
    )
    return render(request, "evaluations/detail.html", context)


def _sections(evaluation: Evaluation, version: FactVersion) -> list[catalog.Section]:
    compiled = scoring.compiled(evaluation.framework)
    return catalog.sections_for(compiled, services.current_document(version))


def _section_or_404(evaluation: Evaluation, version: FactVersion, key: str) -> catalog.Section:
    for section in _sections(evaluation, version):
        if section.key == key:
            return section
    raise Http404("没有这一填报部分")


def _panel(
    evaluation: Evaluation,
    doc: dict[str, Any],
    errors: dict[str, str],
    warnings: dict[str, str],
) -> dict[str, Any]:
    started = time.perf_counter()
    scored = scoring.score_document(evaluation.framework, doc)
    compiled = scoring.compiled(evaluation.framework)
    notes, unavailable = integrations.field_notes(scored.result, compiled, scored.unit_year)
    return {
        "result": scored.result.to_dict() if scored.result else None,
        "panel_errors": {**scored.errors, **errors},
        "panel_warnings": warnings,
        "notes": notes,
        "unavailable_checks": unavailable,
        "elapsed_ms": f"{(time.perf_counter() - started) * 1000:.0f}",
    }


def _section_context(
    request: HttpRequest,
    evaluation: Evaluation,
    section: catalog.Section,
    doc: dict[str, Any],
    overlay: Any = None,
    errors: dict[str, str] | None = None,
    warnings: dict[str, str] | None = None,
) -> dict[str, Any]:
    context = _common(request, evaluation, "facts")
    version = context["version"]
    panel = _panel(evaluation, doc, {}, {})
    paths = [p for block in section.blocks for p in block.paths(doc)]
    evidence = Evidence.objects.filter(
        evaluation=evaluation, removed_at__isnull=True
    ).select_related("uploaded_by")
    context.update(panel)
    context.update(
        {
            "section": section,
            "blocks": [
                {"block": b, "template": b.template, "data": b.view(doc, overlay)}
                for b in _with_blank_rows(section.blocks, request)
            ],
            "sections": _sections(evaluation, version),
            "doc": doc,
            "overlay": overlay,
            "errors": errors or {},
            "warnings": warnings or {},
            "section_notes": integrations.notes_under(panel["notes"], paths),
            "revision": services.section_revision(version, section.key),
            "evidence": [e for e in evidence if _under(e.target, paths)],
            "evidence_targets": _evidence_targets(
                section, doc, scoring.compiled(evaluation.framework)
            ),
            "used_facts": catalog.fact_names(scoring.compiled(evaluation.framework)),
        }
    )
    return context


def _with_blank_rows(blocks: list[catalog.Block], request: HttpRequest) -> list[catalog.Block]:
    """``?blank=20`` shows more blank rows in row tables (entering many targets at once)."""
    wanted = min(max(_int(request.GET.get("blank")), 0), 100)
    if not wanted:
        return blocks
    import dataclasses

    return [
        dataclasses.replace(b, blanks=wanted) if isinstance(b, catalog.RowsBlock) else b
        for b in blocks
    ]


def _under(target: str, paths: list[str]) -> bool:
    return any(target == p or target.startswith((p + ".", p + "[")) for p in paths)


def _evidence_targets(
    section: catalog.Section, doc: dict[str, Any], compiled: Any
) -> list[tuple[str, str]]:
    targets: list[tuple[str, str]] = []
    for block in section.blocks:
        for path in block.paths(doc):
            label = catalog.label_for(path, doc, compiled)
            if (path, label) not in targets:
                targets.append((path, label if label != path else block.title))
    return targets


@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, evaluation_pk: int, section: str) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    version = evaluation.current
    assert version is not None
    spec = _section_or_404(evaluation, version, section)
    doc = services.current_document(version)
    if request.method == "GET":
        return render(
            request, "evaluations/section.html", _section_context(request, evaluation, spec, doc)
        )
    access.require_edit(request.user, evaluation)
    outcome = services.save_section(
        evaluation.pk,
        request.user,
        section,
        request.POST,
        _int(request.POST.get("__revision")),
        _int(request.POST.get("__version")),
    )
    if outcome.saved:
        messages.success(request, outcome.message)
        for name, text in outcome.warnings.items():
            messages.warning(request, f"{catalog.label_for(name, doc)}：{text}")
        return redirect("section_edit", evaluation_pk=evaluation.pk, section=section)
    evaluation.refresh_from_db()
    version = evaluation.current
    assert version is not None
    current = services.current_document(version)
    context = _section_context(
        request, evaluation, spec, current, request.POST, outcome.errors, outcome.warnings
    )
    context["conflict"] = outcome.conflict
    context["conflict_message"] = outcome.message
    if outcome.conflict is not None:
        context["revision"] = outcome.revision  # a deliberate second save is then accepted
    elif outcome.errors:
        messages.error(
            request, f"有{len(outcome.errors)}处输入需要更正，未保存；您填写的内容已保留"
        )
    status = 409 if outcome.conflict is not None else 422
    return render(request, "evaluations/section.html", context, status=status)


@require_POST
def section_preview(request: HttpRequest, evaluation_pk: int, section: str) -> HttpResponse:
    """The live panel: the posted form applied to the stored facts, scored, not saved."""
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    version = evaluation.current
    assert version is not None
    spec = _section_or_404(evaluation, version, section)
    doc = services.current_document(version)
    parsed = spec.parse(request.POST, doc)
    candidate = spec.apply(doc, parsed)
    candidate["year"] = evaluation.round.year
    context = _panel(evaluation, candidate, parsed.errors, parsed.warnings)
    context.update({"evaluation": evaluation, "preview": True})
    return render(request, "evaluations/partials/panel.html", context)


def _int(raw: str | None) -> int:
    try:
        return int(raw or 0)
    except ValueError:
        return -1


@require_POST
def evaluation_action(request: HttpRequest, evaluation_pk: int, action: str) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    access.require_action(request.user, evaluation, action)
    try:
        _, message = services.perform(
            evaluation.pk, request.user, action, request.POST.get("reason", "")
        )
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect("evaluation_detail", evaluation_pk=evaluation.pk)


@require_http_methods(["GET", "POST"])
def evaluation_reviews(request: HttpRequest, evaluation_pk: int) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    if not access.is_reviewer_of(request.user, evaluation) and not access.can_review(
        request.user, evaluation
    ):
        # units see the reviewers' scores on the overview once they exist; this page is for reviewers
        raise PermissionDenied("复核评分页面仅供审核人和第三方评价人使用")
    context = _common(request, evaluation, "reviews")
    kept: dict[str, dict[str, str]] = {}
    status = 200
    if request.method == "POST":
        if not access.can_review(request.user, evaluation):
            raise PermissionDenied("当前状态下您不能录入复核评分")
        code = request.POST.get("indicator", "")
        saved, problem = services.save_review_score(
            evaluation.pk,
            request.user,
            code,
            request.POST.get("score", ""),
            request.POST.get("reason", ""),
            _int(request.POST.get("__revision")),
        )
        if problem:
            messages.error(request, problem)
            kept[code] = {
                "score": request.POST.get("score", ""),
                "reason": request.POST.get("reason", ""),
            }
            status = 409 if "保存被拒绝" in problem else 422
        else:
            assert saved is not None
            messages.success(request, f"已保存「{saved.indicator_name}」的复核评分")
            return redirect(reverse("evaluation_reviews", args=[evaluation.pk]) + f"#r-{code}")
    result, _ = _result_dict(evaluation, context["version"])
    mine = {
        r.indicator_code: r
        for r in ReviewScore.objects.filter(evaluation=evaluation, reviewer=request.user)
    }
    others: dict[str, list[ReviewScore]] = {}
    for r in ReviewScore.objects.filter(evaluation=evaluation).exclude(reviewer=request.user):
        others.setdefault(r.indicator_code, []).append(r)
    rows = []
    for item in (result or {}).get("indicators", []):
        code = item["code"]
        mine_row = mine.get(code)
        rows.append(
            {
                "item": item,
                "mine": mine_row,
                "others": others.get(code, []),
                "kept": kept.get(code),
                "revision": mine_row.revision if mine_row else 0,
                "diff": (format_number(mine_row.score - _dec(item["score"])) if mine_row else ""),
            }
        )
    context.update({"rows": rows, "result": result})
    return render(request, "evaluations/reviews.html", context, status=status)


def _dec(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)


@require_GET
def evaluation_history(request: HttpRequest, evaluation_pk: int) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    field = request.GET.get("field", "").strip()
    context = _common(request, evaluation, "history")
    changes = services.history(evaluation, field or None)
    context.update(
        {
            "field": field,
            "field_label": catalog.label_for(
                field,
                services.current_document(context["version"]),
                scoring.compiled(evaluation.framework),
            )
            if field
            else "",
            "changes": changes[:1000],
            "events": evaluation.events.select_related("user").order_by("-at", "-id"),
        }
    )
    template = (
        "evaluations/partials/history_table.html" if request.htmx else "evaluations/history.html"
    )
    return render(request, template, context)


@require_GET
def evaluation_versions(request: HttpRequest, evaluation_pk: int) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    context = _common(request, evaluation, "versions")
    context["versions"] = evaluation.versions.select_related("created_by", "frozen_by").order_by(
        "-number"
    )
    return render(request, "evaluations/versions.html", context)


@require_GET
def evaluation_version(request: HttpRequest, evaluation_pk: int, number: int) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    version = evaluation.versions.filter(number=number).first()
    if version is None:
        raise Http404("没有这一版本")
    context = _common(request, evaluation, "versions")
    if version.frozen and version.snapshot:
        result = version.snapshot["result"]
        facts = version.snapshot["facts"]
    else:
        result, _ = _result_dict(evaluation, version)
        facts = version.facts
    context.update(
        {
            "shown": version,
            "result": result,
            "facts_rows": [
                (path, catalog.label_for(path, facts), value)
                for path, value in documents.flatten(facts).items()
            ],
            "chart": _chart(result),
        }
    )
    return render(request, "evaluations/version.html", context)


# --- evidence ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evidence_list(request: HttpRequest, evaluation_pk: int) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    context = _common(request, evaluation, "evidence")
    status = 200
    if request.method == "POST":
        access.require_edit(request.user, evaluation)
        upload = request.FILES.get("file")
        target = request.POST.get("target", "").strip() or "evaluation"
        back = request.POST.get("next", "")
        if upload is None:
            messages.error(request, "请选择要上传的文件")
            status = 422
        else:
            label = _target_label(evaluation, target)
            try:
                services.add_evidence(evaluation.pk, request.user, target, label, upload)
            except services.EvidenceRejected as exc:
                messages.error(request, f"未上传「{upload.name}」：{exc}")
                status = 422
            else:
                messages.success(request, f"已上传佐证材料「{upload.name}」（{label}）")
                if back.startswith("/evaluations/"):
                    return redirect(back)
                return redirect("evidence_list", evaluation_pk=evaluation.pk)
    context["evidence"] = evaluation.evidence.select_related("uploaded_by", "removed_by").order_by(
        "target", "uploaded_at"
    )
    compiled = scoring.compiled(evaluation.framework)
    context["indicator_targets"] = [
        (documents.join(["indicator", n.code]), f"指标「{n.name}」")
        for n in compiled.walk()
        if not n.children
    ]
    return render(request, "evaluations/evidence.html", context, status=status)


def _target_label(evaluation: Evaluation, target: str) -> str:
    parts = documents.tokens(target)
    if parts and parts[0] == "indicator" and len(parts) > 1:
        node = scoring.compiled(evaluation.framework).node(str(parts[1]))
        if node is None:
            raise Http404("没有这一指标")
        return f"指标「{node.name}」"
    if target == "evaluation":
        return "本评价"
    assert evaluation.current is not None
    return catalog.label_for(
        target,
        services.current_document(evaluation.current),
        scoring.compiled(evaluation.framework),
    )


@require_GET
def evidence_download(request: HttpRequest, evaluation_pk: int, evidence_pk: int) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    evidence = Evidence.objects.filter(pk=evidence_pk, evaluation=evaluation).first()
    if evidence is None:
        raise Http404("没有这一佐证材料")
    path = services.evidence_path(evidence)
    if not path.exists():
        raise Http404("文件已不存在")
    # Always a download, never rendered: generic type, nosniff, and a sandboxing CSP.
    response = FileResponse(path.open("rb"), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, evidence.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def evidence_remove(request: HttpRequest, evaluation_pk: int, evidence_pk: int) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    if not Evidence.objects.filter(pk=evidence_pk, evaluation=evaluation).exists():
        raise Http404("没有这一佐证材料")
    access.require_edit(request.user, evaluation)
    evidence = services.remove_evidence(evaluation.pk, request.user, evidence_pk)
    messages.success(request, f"已移除佐证材料「{evidence.original_name}」（记录保留在修改记录中）")
    return redirect("evidence_list", evaluation_pk=evaluation.pk)


# --- Excel import and downloads -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def evaluation_import(request: HttpRequest, evaluation_pk: int) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    context = _common(request, evaluation, "import")
    context["importer_available"] = integrations.excel_importer() is not None
    context["template_available"] = integrations.excel_template() is not None
    status = 200
    if request.method == "POST":
        access.require_edit(request.user, evaluation)
        upload = request.FILES.get("workbook")
        errors: list[str] = []
        if upload is None:
            errors = ["请选择要导入的 Excel 工作簿（.xlsx）"]
        elif upload.size > settings.EXCEL_MAX_BYTES:
            errors = ["工作簿过大（不超过 10 MB）"]
        else:
            version = context["version"]
            outcome = integrations.import_workbook(
                upload.read(),
                upload.name,
                version.facts,
                evaluation.framework.framework_id,
                evaluation.round.year,
                scoring.compiled(evaluation.framework),
            )
            context["import_warnings"] = outcome.warnings
            if outcome.errors or outcome.facts is None:
                errors = outcome.errors
            else:
                saved = services.replace_facts(
                    evaluation.pk,
                    request.user,
                    outcome.facts,
                    version.number,
                    upload.name,
                    given=outcome.given,
                    not_applicable=outcome.not_applicable,
                )
                if saved.saved:
                    messages.success(request, f"{saved.message}（{upload.name}）")
                    for warning in outcome.warnings:
                        messages.warning(request, warning)
                    return redirect("evaluation_detail", evaluation_pk=evaluation.pk)
                errors = [f"{k}：{v}" for k, v in saved.errors.items()] or [saved.message]
        context["import_errors"] = errors
        status = 422
    return render(request, "evaluations/import.html", context, status=status)


def _case_and_result(evaluation: Evaluation) -> tuple[Any, Any, Any]:
    """The evaluation as a library ``Case`` with its engine result and framework.

    A frozen (submitted) version is taken from its snapshot, so downloads match what was
    submitted; the result is recomputed by the engine from those same facts.
    """
    from jixiao.facts.case import Case

    version = evaluation.current
    assert version is not None
    source = version.snapshot if version.frozen and version.snapshot else None
    doc = (
        documents.compose(source["facts"], source["given"], source["not_applicable"])
        if source
        else services.current_document(version)
    )
    scored = scoring.score_document(evaluation.framework, doc)
    if scored.result is None or scored.unit_year is None:
        raise Http404("事实数据未通过校验，无法生成")
    _, given, not_applicable = documents.split(doc)
    entries, _ = scoring.given_entries(given)
    case = Case(
        case=f"{evaluation.framework.framework_id}-{evaluation.unit_id}-{evaluation.round.year}",
        title=f"{evaluation.unit.name}{evaluation.round.year}年度{evaluation.round.kind_label}",
        framework=evaluation.framework.framework_id,
        facts=scored.unit_year,
        given=entries,
        not_applicable={k: str(v) for k, v in not_applicable.items()},
    )
    return case, scored.result, scoring.compiled(evaluation.framework).framework


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def evaluation_template(request: HttpRequest, evaluation_pk: int) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    if integrations.excel_template() is None:
        raise Http404("Excel 填报表尚不可用")
    case, _, _ = _case_and_result(evaluation)
    data = integrations.write_facts_workbook(case)
    name = f"{evaluation.unit.name}{evaluation.round.year}年度事实工作簿.xlsx"
    return _attachment(data, integrations.XLSX, name)


@require_GET
def evaluation_download(request: HttpRequest, evaluation_pk: int, kind: str) -> HttpResponse:
    evaluation = access.evaluation_or_404(request.user, evaluation_pk)
    known = {d.key: d for d in integrations.downloads()}
    download = known.get(kind)
    if download is None:
        raise Http404("没有这种下载格式")
    if not download.available:
        raise Http404(f"「{download.label}」尚不可用：{download.why_not}")
    case, result, framework = _case_and_result(evaluation)
    data = integrations.render_download(kind, case, result, framework)
    label = download.label.split("（")[0]
    name = f"{evaluation.unit.name}{evaluation.round.year}年度{label}.{download.suffix}"
    return _attachment(data, download.content_type, name)
