"""URL patterns.  Parameter names are fixed (``evaluation_pk``, ``round_pk`` …): the isolation
test in ``tests/web/test_isolation.py`` enumerates every pattern and fills them in."""

from __future__ import annotations

from django.urls import path

from jixiao.web.evaluations import round_views, views
from jixiao.web.frameworks import views as framework_views
from jixiao.web.orgs import views as org_views

urlpatterns = [
    path("", round_views.home, name="home"),
    path("login/", org_views.LoginView.as_view(), name="login"),
    path("logout/", org_views.LogoutView.as_view(), name="logout"),
    path("account/password/", org_views.PasswordChangeView.as_view(), name="password_change"),
    # administration (系统管理员)
    path("manage/users/", org_views.users, name="users"),
    path("manage/users/<int:user_pk>/", org_views.user_edit, name="user_edit"),
    path("manage/orgs/", org_views.orgs, name="orgs"),
    # frameworks (指标体系)
    path("frameworks/", framework_views.framework_list, name="framework_list"),
    path("frameworks/new/", framework_views.framework_new, name="framework_new"),
    path(
        "frameworks/<int:framework_pk>/", framework_views.framework_detail, name="framework_detail"
    ),
    path(
        "frameworks/<int:framework_pk>/edit/", framework_views.framework_edit, name="framework_edit"
    ),
    path(
        "frameworks/<int:framework_pk>/publish/",
        framework_views.framework_publish,
        name="framework_publish",
    ),
    # rounds (评价任务)
    path("rounds/", round_views.round_list, name="round_list"),
    path("rounds/new/", round_views.round_new, name="round_new"),
    path("rounds/<int:round_pk>/", round_views.round_detail, name="round_detail"),
    path(
        "evaluations/<int:evaluation_pk>/deadline/",
        round_views.evaluation_deadline,
        name="evaluation_deadline",
    ),
    path(
        "evaluations/<int:evaluation_pk>/third-party/",
        round_views.evaluation_third_party,
        name="evaluation_third_party",
    ),
    # evaluations (单位评价)
    path("evaluations/<int:evaluation_pk>/", views.evaluation_detail, name="evaluation_detail"),
    path(
        "evaluations/<int:evaluation_pk>/facts/<slug:section>/",
        views.section_edit,
        name="section_edit",
    ),
    path(
        "evaluations/<int:evaluation_pk>/facts/<slug:section>/preview/",
        views.section_preview,
        name="section_preview",
    ),
    path(
        "evaluations/<int:evaluation_pk>/action/<slug:action>/",
        views.evaluation_action,
        name="evaluation_action",
    ),
    path(
        "evaluations/<int:evaluation_pk>/reviews/",
        views.evaluation_reviews,
        name="evaluation_reviews",
    ),
    path(
        "evaluations/<int:evaluation_pk>/history/",
        views.evaluation_history,
        name="evaluation_history",
    ),
    path(
        "evaluations/<int:evaluation_pk>/versions/",
        views.evaluation_versions,
        name="evaluation_versions",
    ),
    path(
        "evaluations/<int:evaluation_pk>/versions/<int:number>/",
        views.evaluation_version,
        name="evaluation_version",
    ),
    path("evaluations/<int:evaluation_pk>/evidence/", views.evidence_list, name="evidence_list"),
    path(
        "evaluations/<int:evaluation_pk>/evidence/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "evaluations/<int:evaluation_pk>/evidence/<int:evidence_pk>/remove/",
        views.evidence_remove,
        name="evidence_remove",
    ),
    path(
        "evaluations/<int:evaluation_pk>/import/", views.evaluation_import, name="evaluation_import"
    ),
    path(
        "evaluations/<int:evaluation_pk>/import/template/",
        views.evaluation_template,
        name="evaluation_template",
    ),
    path(
        "evaluations/<int:evaluation_pk>/download/<slug:kind>/",
        views.evaluation_download,
        name="evaluation_download",
    ),
]
