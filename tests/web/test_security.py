"""Security: CSP without inline scripts, CSRF, login throttling, passwords, uploads, check --deploy."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from jixiao.web.orgs.models import LoginFailure
from tests.web.conftest import World
from tests.web.test_entry import form_data

WEB_DIR = Path(__file__).resolve().parents[2] / "src" / "jixiao" / "web"


def pages(world: World) -> list[str]:
    liucheng = world.evaluation("liucheng")
    return [
        "/",
        "/rounds/",
        f"/rounds/{liucheng.round_id}/",
        "/frameworks/",
        f"/frameworks/{liucheng.framework_id}/",
        f"/evaluations/{liucheng.pk}/",
        f"/evaluations/{liucheng.pk}/facts/staffing/",
        f"/evaluations/{liucheng.pk}/facts/given/",
        f"/evaluations/{liucheng.pk}/history/",
        f"/evaluations/{liucheng.pk}/evidence/",
        f"/evaluations/{liucheng.pk}/import/",
        "/manage/users/",
    ]


def test_csp_and_no_inline_script_or_style(world: World, login: Any) -> None:
    for username in ("liucheng_filler", "admin", "finance"):
        client = login(username)
        for url in pages(world):
            response = client.get(url)
            if response.status_code != 200:
                continue
            policy = response["Content-Security-Policy"]
            assert "default-src 'self'" in policy and "script-src 'self'" in policy
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
            html = response.content.decode()
            for tag, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
                assert 'src="/static/' in tag or 'type="application/json"' in tag, (url, tag)
                if 'src="' in tag:
                    assert not body.strip(), url
            assert not re.search(r"\sstyle=", html), url
            assert not re.search(r"\son[a-z]+=", html), url
            assert "//cdn" not in html and "https://" not in html, url
    login_page = Client().get("/login/")
    assert "default-src 'self'" in login_page["Content-Security-Policy"]


def test_vendored_scripts_are_served_locally(world: World, login: Any) -> None:
    for path in ("vendor/htmx/htmx.min.js", "vendor/echarts/echarts.min.js", "js/app.js"):
        assert (WEB_DIR / "static" / path).exists()
    for licence in ("vendor/htmx/LICENSE", "vendor/echarts/LICENSE", "vendor/echarts/NOTICE"):
        assert (WEB_DIR / "static" / licence).exists()
    assert 'version:"2.0.11"' in (WEB_DIR / "static/vendor/htmx/htmx.min.js").read_text()


def test_csrf_is_enforced_on_forms(world: World) -> None:
    evaluation = world.evaluation("liucheng")
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["liucheng_filler"])
    url = f"/evaluations/{evaluation.pk}/facts/staffing/"
    html = client.get(url).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    data = form_data(html)
    data.pop("csrfmiddlewaretoken")
    data["staffing.in_post"] = "1"
    assert client.post(url, data).status_code == 403
    assert client.post(f"/evaluations/{evaluation.pk}/action/submit/").status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.current.facts["staffing"]["in_post"] == "38" and evaluation.state == "draft"


def test_login_is_throttled(world: World) -> None:
    from jixiao.web.demo import DEMO_PASSWORD

    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post(
            "/login/", {"username": "liucheng_filler", "password": "wrong-guess"}
        )
        assert response.status_code == 200
    refused = client.post("/login/", {"username": "liucheng_filler", "password": DEMO_PASSWORD})
    assert refused.status_code == 200
    assert "登录失败次数过多" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    LoginFailure.objects.update(at=LoginFailure.objects.first().at - timedelta(hours=1))
    accepted = client.post("/login/", {"username": "liucheng_filler", "password": DEMO_PASSWORD})
    assert accepted.status_code == 302


def test_passwords_are_validated(world: World, login: Any) -> None:
    from jixiao.web.demo import DEMO_PASSWORD

    client = login("liucheng_filler")
    response = client.post(
        "/account/password/",
        {"old_password": DEMO_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "密码太短，至少需要10个字符" in html and "密码只包含数字" in html
    admin = login("admin")
    unit = world.evaluation("liucheng").unit
    response = admin.post(
        "/manage/users/",
        {
            "username": "new_user",
            "full_name": "新用户",
            "org": unit.pk,
            "role": "unit_filler",
            "password": "password",
        },
    )
    assert "密码" in response.content.decode() and response.status_code == 200
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="new_user").exists()


def evidence_post(client: Client, evaluation: Any, name: str, content: bytes) -> Any:
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(
        f"/evaluations/{evaluation.pk}/evidence/", {"target": "budget.actual", "file": upload}
    )


def test_uploads_are_checked_and_never_rendered(world: World, login: Any) -> None:
    evaluation = world.evaluation("liucheng")
    client = login("liucheng_filler")
    assert (
        "不支持的文件类型"
        in evidence_post(client, evaluation, "x.html", b"<script>").content.decode()
    )
    assert (
        "不支持的文件类型" in evidence_post(client, evaluation, "x.svg", b"<svg/>").content.decode()
    )
    disguised = evidence_post(client, evaluation, "x.pdf", b"<html><script>alert(1)</script>")
    assert disguised.status_code == 422 and "与扩展名" in disguised.content.decode()
    with override_settings(EVIDENCE_MAX_BYTES=10):
        assert (
            "文件过大"
            in evidence_post(client, evaluation, "big.pdf", b"%PDF-" + b"0" * 20).content.decode()
        )
    assert evidence_post(client, evaluation, "报表.pdf", b"%PDF-1.4 ok").status_code == 302
    evidence = evaluation.evidence.get(original_name="报表.pdf")
    stored = Path(settings.EVIDENCE_DIR) / evidence.stored_name
    assert stored.exists() and stored.suffix == ""  # random name, no extension
    assert not str(stored).startswith(str(WEB_DIR / "static")) and not str(stored).startswith(
        str(settings.STATIC_ROOT)
    )
    download = client.get(f"/evaluations/{evaluation.pk}/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert b"".join(download.streaming_content) == b"%PDF-1.4 ok"
    assert Client().get(f"/static/{evidence.stored_name}").status_code in (302, 404)


def test_user_text_is_escaped(world: World, login: Any) -> None:
    evaluation = world.evaluation("liucheng")
    client = login("liucheng_filler")
    url = f"/evaluations/{evaluation.pk}/facts/key_tasks/"
    data = form_data(client.get(url).content.decode())
    data["key_tasks[0].name"] = "<script>alert(1)</script>"
    assert client.post(url, data).status_code == 302
    html = client.get(url).content.decode()
    assert (
        "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    )


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "JIXIAO_", "DATABASE_URL"))
    }
    env.update(
        {
            "JIXIAO_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "jixiao.web.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "jixiao.example.gov.cn",
            "JIXIAO_DATA_DIR": str(tmp_path),
        }
    )
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jixiao.web.manage", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    settings_dump = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django;django.setup();from django.conf import settings as s;"
            "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT)",
        ],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert settings_dump.stdout.split() == ["False", "True", "True", "31536000", "True"]


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    env.pop("DJANGO_SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "-m", "jixiao.web.manage", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("url", ["/login/", "/"])
def test_security_headers(world: World, url: str) -> None:
    response = Client().get(url)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
