"""Frameworks in the app: browse as a tree, upload or edit YAML (engine-validated), publish."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from jixiao.engine import FrameworkError
from jixiao.web import access
from jixiao.web.evaluations import catalog
from jixiao.web.frameworks import services
from jixiao.web.frameworks.models import FrameworkVersion
from jixiao.web.roles import Role


class FrameworkForm(forms.Form):
    yaml_file = forms.FileField(label="上传 YAML 文件", required=False)
    yaml_text = forms.CharField(
        label="或直接编辑 YAML",
        required=False,
        widget=forms.Textarea(attrs={"rows": 28, "spellcheck": "false", "class": "code"}),
    )
    note = forms.CharField(label="修改说明", max_length=300, required=False)

    def text(self) -> str:
        upload = self.cleaned_data.get("yaml_file")
        if upload:
            if upload.size > settings.FRAMEWORK_MAX_BYTES:
                raise forms.ValidationError("文件过大（指标体系 YAML 不超过 1 MB）")
            try:
                return str(upload.read().decode("utf-8"))
            except UnicodeDecodeError:
                raise forms.ValidationError("文件不是 UTF-8 编码的文本") from None
        return str(self.cleaned_data.get("yaml_text") or "")


def framework_list(request: HttpRequest) -> HttpResponse:
    access.require_profile(request)
    versions = access.frameworks_for(request.user).order_by("framework_id", "-version")
    return render(request, "frameworks/list.html", {"versions": versions})


def framework_detail(request: HttpRequest, framework_pk: int) -> HttpResponse:
    version = access.framework_or_404(request.user, framework_pk)
    rows = services.tree_rows(version.resolved)
    for row in rows:
        row.facts = [f"{catalog.label_for(name, {}, None)}（{name}）" for name in row.facts]
    others = access.frameworks_for(request.user).filter(framework_id=version.framework_id)
    return render(
        request,
        "frameworks/detail.html",
        {
            "version": version,
            "rows": rows,
            "others": others.order_by("-version"),
            "can_edit": access.role_of(request.user) is Role.ADMIN,
            "can_publish": access.can_edit_framework(request.user, version)
            and not version.is_published,
            "resolved": version.resolved,
        },
    )


@require_http_methods(["GET", "POST"])
def framework_new(request: HttpRequest) -> HttpResponse:
    profile = access.require_admin(request.user)
    form = FrameworkForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            text = form.text()
            version = services.create_version(
                text, owner_id=profile.org_id, user=request.user, note=form.cleaned_data["note"]
            )
        except forms.ValidationError as exc:
            form.add_error(None, exc)
        except FrameworkError as exc:
            problems = [_problem(p) for p in exc.problems]
        else:
            messages.success(request, f"已保存为草稿：{version}")
            return redirect("framework_detail", framework_pk=version.pk)
    return render(
        request, "frameworks/edit.html", {"form": form, "problems": problems, "version": None}
    )


@require_http_methods(["GET", "POST"])
def framework_edit(request: HttpRequest, framework_pk: int) -> HttpResponse:
    """Edit a draft in place; editing a published version creates a new draft version."""
    profile = access.require_admin(request.user)
    version = access.framework_or_404(request.user, framework_pk)
    initial = {"yaml_text": version.yaml_text}
    form = FrameworkForm(request.POST or None, request.FILES or None, initial=initial)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            text = form.text() or version.yaml_text
            note = form.cleaned_data["note"]
            if version.is_published or not access.can_edit_framework(request.user, version):
                saved = services.create_version(
                    text, owner_id=profile.org_id, user=request.user, note=note
                )
            else:
                saved = services.update_draft(version, text, note)
        except forms.ValidationError as exc:
            form.add_error(None, exc)
        except FrameworkError as exc:
            problems = [_problem(p) for p in exc.problems]
        else:
            messages.success(request, f"已保存草稿：{saved}")
            return redirect("framework_detail", framework_pk=saved.pk)
    return render(
        request, "frameworks/edit.html", {"form": form, "problems": problems, "version": version}
    )


@require_POST
def framework_publish(request: HttpRequest, framework_pk: int) -> HttpResponse:
    access.require_admin(request.user)
    version = access.framework_or_404(request.user, framework_pk)
    if not access.can_edit_framework(request.user, version):
        raise PermissionDenied("只能发布本财政局的指标体系草稿")
    if version.is_published:
        messages.info(request, "该版本已发布")
        return redirect("framework_detail", framework_pk=version.pk)
    try:
        services.publish(version, request.user)
    except FrameworkError as exc:
        for problem in exc.problems:
            messages.error(request, _problem(problem))
    else:
        messages.success(request, f"已发布：{version}；评价任务可以选用此版本")
    return redirect("framework_detail", framework_pk=version.pk)


def _problem(problem: object) -> str:
    place = getattr(problem, "place", None)
    message = getattr(problem, "message", str(problem))
    if place is not None and getattr(place, "line", None):
        where = place.file if place.file != services.UPLOAD_NAME else ""
        return f"{where + ' ' if where else ''}第{place.line}行：{message}"
    return str(message)


__all__ = ["FrameworkVersion"]
