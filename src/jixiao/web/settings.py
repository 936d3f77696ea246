"""Django settings for the jixiao web application, all taken from the environment.

``JIXIAO_ENV``         ``development`` (default) or ``production``.
``DJANGO_SECRET_KEY``  required in production; in development a key is generated into the data dir.
``DJANGO_DEBUG``       ``1``/``0``; defaults to on in development, off in production.
``DJANGO_ALLOWED_HOSTS`` comma-separated host names (production: required).
``DATABASE_URL``       ``postgres://user:pass@host:5432/db``; unset → SQLite file in the data dir.
``JIXIAO_DATA_DIR``    where the SQLite file, the secret key and evidence files live
                       (default ``./out/web``); never under the web root.
``JIXIAO_HTTPS``       ``1`` when served over HTTPS (default in production): secure cookies, HSTS,
                       redirect to HTTPS.  ``JIXIAO_PROXY_SSL_HEADER=1`` trusts X-Forwarded-Proto.
``JIXIAO_STATIC_ROOT`` where ``collectstatic`` puts files (default ``<data dir>/static``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

WEB_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def database_from_url(url: str | None, data_dir: Path) -> dict[str, Any]:
    """``DATABASE_URL`` → a Django ``DATABASES['default']`` entry (SQLite when unset)."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(data_dir / "jixiao.sqlite3")}
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "ATOMIC_REQUESTS": False,
        }
    if parsed.scheme == "sqlite":
        name = unquote(url.removeprefix("sqlite://").removeprefix("/")) or ":memory:"
        if url.startswith("sqlite:////"):
            name = "/" + name.lstrip("/")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name}
    raise ImproperlyConfigured(
        f"DATABASE_URL 的协议「{parsed.scheme}」不受支持（应为 postgres 或 sqlite）"
    )


JIXIAO_ENV = os.environ.get("JIXIAO_ENV", "development").strip().lower()
PRODUCTION = JIXIAO_ENV == "production"
DATA_DIR = Path(os.environ.get("JIXIAO_DATA_DIR") or Path.cwd() / "out" / "web").resolve()
EVIDENCE_DIR = DATA_DIR / "evidence"


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("生产环境须设置环境变量 DJANGO_SECRET_KEY（至少50个随机字符）")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    stored = DATA_DIR / "secret_key"
    if not stored.exists():
        stored.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        stored.chmod(0o600)
    return stored.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("生产环境须设置 DJANGO_ALLOWED_HOSTS（逗号分隔的主机名）")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "jixiao.web.orgs",
    "jixiao.web.frameworks",
    "jixiao.web.evaluations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "jixiao.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
]

ROOT_URLCONF = "jixiao.web.urls"
WSGI_APPLICATION = "jixiao.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jixiao.web.orgs.context.current_profile",
            ],
        },
    }
]

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL"), DATA_DIR)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "jixiao.web.orgs.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Login throttling: this many failures within the window lock the account name (and, at
# IP_FACTOR times as many, the client address) until the window has passed.
LOGIN_FAILURE_LIMIT = int(os.environ.get("JIXIAO_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = int(os.environ.get("JIXIAO_LOGIN_FAILURE_WINDOW", "900"))
LOGIN_FAILURE_IP_FACTOR = 4

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("JIXIAO_STATIC_ROOT") or DATA_DIR / "static")
STATICFILES_DIRS = [WEB_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from the package; collectstatic is optional
WHITENOISE_AUTOREFRESH = DEBUG

# Evidence (佐证材料): stored under EVIDENCE_DIR, served only by a permission-checked view.
EVIDENCE_MAX_BYTES = int(os.environ.get("JIXIAO_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)))
EXCEL_MAX_BYTES = 10 * 1024 * 1024
FRAMEWORK_MAX_BYTES = 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600

# Security headers.  CSP is set by jixiao.web.middleware (no inline scripts anywhere).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token travels in a header from the page
CSRF_COOKIE_SAMESITE = "Lax"
HTTPS = env_bool("JIXIAO_HTTPS", PRODUCTION)
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("JIXIAO_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("JIXIAO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("JIXIAO_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("JIXIAO_HSTS_PRELOAD", True)
if env_bool("JIXIAO_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JIXIAO_LOG_LEVEL", "WARNING")},
}
