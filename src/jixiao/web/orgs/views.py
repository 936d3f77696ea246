"""Login (throttled), logout, password change, and the administrator's users and organisations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods

from jixiao.web import access
from jixiao.web.orgs.models import LoginFailure, Organisation, Profile
from jixiao.web.roles import PARENT_KIND, ROLE_LABELS, ROLE_ORG_KIND, OrgKind, Role


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def throttled(username: str, ip: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    limit = settings.LOGIN_FAILURE_LIMIT
    if username and recent.filter(username=username).count() >= limit:
        return True
    return bool(ip) and recent.filter(ip=ip).count() >= limit * settings.LOGIN_FAILURE_IP_FACTOR


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses to check any password once an account name or address has failed too often."""

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "").strip()
        ip = client_ip(self.request) if self.request else ""
        if throttled(username, ip):
            minutes = settings.LOGIN_FAILURE_WINDOW_SECONDS // 60
            raise ValidationError(
                f"登录失败次数过多，已暂时锁定，请{minutes}分钟后再试。", code="throttled"
            )
        try:
            return super().clean()
        except ValidationError:
            LoginFailure.objects.create(username=username[:150], ip=ip)
            raise


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "orgs/login.html"
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        LoginFailure.objects.filter(username=form.get_user().get_username()).delete()
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "orgs/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, "密码已修改")
        return super().form_valid(form)


# --- administrator: users and organisations ---------------------------------------------------


class UserForm(forms.Form):
    username = forms.CharField(label="登录名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=150)
    org = forms.ModelChoiceField(label="所属组织", queryset=Organisation.objects.none())
    role = forms.ChoiceField(
        label="角色", choices=[(r.value, lbl) for r, lbl in ROLE_LABELS.items()]
    )
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput,
        required=False,
        help_text="修改已有用户时留空表示不改",
    )
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(
        self, *args: Any, bureau: Organisation, editing: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["org"].queryset = Organisation.objects.filter(bureau=bureau)  # type: ignore[attr-defined]
        if editing is None:
            self.fields["password"].required = True

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        clash = get_user_model().objects.filter(username=username)
        if self.editing is not None:
            clash = clash.exclude(pk=self.editing.pk)
        if clash.exists():
            raise ValidationError("该登录名已存在")
        return username

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        org, role = data.get("org"), data.get("role")
        if org and role:
            expected = ROLE_ORG_KIND[Role(role)]
            if OrgKind(org.kind) is not expected:
                self.add_error("org", f"{ROLE_LABELS[Role(role)]}应属于{expected.label}")
        password = data.get("password")
        if password:
            user = self.editing or get_user_model()(username=data.get("username", ""))
            try:
                validate_password(password, user)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


@require_http_methods(["GET", "POST"])
def users(request: HttpRequest) -> HttpResponse:
    profile = access.require_admin(request.user)
    bureau = profile.org
    form = UserForm(request.POST or None, bureau=bureau)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username=data["username"], password=data["password"], first_name=data["full_name"]
            )
            user.is_active = data["is_active"]
            user.save()
            Profile.objects.create(user=user, org=data["org"], role=data["role"])
        messages.success(request, f"已创建用户 {user.username}")
        return redirect("users")
    people = Profile.objects.filter(org__bureau=bureau).select_related("user", "org")
    return render(
        request,
        "orgs/users.html",
        {"form": form, "people": people.order_by("org__kind", "org__name", "user__username")},
    )


@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, user_pk: int) -> HttpResponse:
    profile = access.require_admin(request.user)
    bureau = profile.org
    target = Profile.objects.filter(pk=user_pk, org__bureau=bureau).select_related("user").first()
    if target is None:
        raise Http404("没有找到该用户")
    initial = {
        "username": target.user.username,
        "full_name": target.user.first_name,
        "org": target.org,
        "role": target.role,
        "is_active": target.user.is_active,
    }
    form = UserForm(request.POST or None, bureau=bureau, editing=target.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            user = target.user
            user.username, user.first_name = data["username"], data["full_name"]
            user.is_active = data["is_active"]
            if data["password"]:
                user.set_password(data["password"])
            user.save()
            target.org, target.role = data["org"], data["role"]
            target.save()
        messages.success(request, f"已更新用户 {user.username}")
        return redirect("users")
    return render(request, "orgs/user_edit.html", {"form": form, "target": target})


class OrgForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    code = forms.CharField(label="单位编码", max_length=40, required=False)
    kind = forms.ChoiceField(
        label="类型",
        choices=[(k.value, k.label) for k in OrgKind if k is not OrgKind.BUREAU],
    )
    parent = forms.ModelChoiceField(label="上级", queryset=Organisation.objects.none())

    def __init__(self, *args: Any, bureau: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Organisation.objects.filter(bureau=bureau).exclude(  # type: ignore[attr-defined]
            kind__in=[OrgKind.UNIT, OrgKind.THIRD_PARTY]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, parent = data.get("kind"), data.get("parent")
        if kind and parent:
            expected = PARENT_KIND[OrgKind(kind)]
            if expected is not None and OrgKind(parent.kind) is not expected:
                self.add_error("parent", f"{OrgKind(kind).label}的上级应为{expected.label}")
            elif Organisation.objects.filter(parent=parent, name=data.get("name", "")).exists():
                self.add_error("name", "同一上级下已有同名组织")
        return data


@require_http_methods(["GET", "POST"])
def orgs(request: HttpRequest) -> HttpResponse:
    profile = access.require_admin(request.user)
    bureau = profile.org
    form = OrgForm(request.POST or None, bureau=bureau)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = Organisation(
            name=data["name"], code=data["code"], kind=data["kind"], parent=data["parent"]
        )
        org.full_clean()
        org.save()
        messages.success(request, f"已创建{org.kind_label}「{org.name}」")
        return redirect("orgs")
    tree = _tree(bureau)
    return render(request, "orgs/orgs.html", {"form": form, "tree": tree})


def _tree(root: Organisation) -> list[tuple[int, Organisation]]:
    out: list[tuple[int, Organisation]] = []

    def visit(org: Organisation, depth: int) -> None:
        out.append((depth, org))
        for child in org.children.order_by("kind", "name"):
            visit(child, depth + 1)

    visit(root, 0)
    return out
