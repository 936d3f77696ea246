"""Template context: the current user's profile (organisation and role) on every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from jixiao.web import access
from jixiao.web.roles import BUREAU_ROLES, Role


def current_profile(request: HttpRequest) -> dict[str, Any]:
    profile = access.profile_of(getattr(request, "user", None))
    role = profile.user_role if profile else None
    return {
        "profile": profile,
        "is_admin": role is Role.ADMIN,
        "is_bureau": role in BUREAU_ROLES,
    }
