"""Settings for the test suite: SQLite by default, a real PostgreSQL with ``JIXIAO_TEST_DB=postgres``.

``JIXIAO_TEST_DB=postgres`` takes the server from ``JIXIAO_TEST_POSTGRES_URL`` (or ``DATABASE_URL``).
When no server answers, the database falls back to SQLite so that collection works, and
``POSTGRES_UNAVAILABLE`` says why: ``tests/web/conftest.py`` then skips every web test with that
reason, so ``make test`` says plainly that the PostgreSQL run did not happen.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-" + "x" * 60)
os.environ["JIXIAO_ENV"] = "development"
# One data directory (evidence files) per test process: xdist workers must not share it.
_DATA = tempfile.mkdtemp(prefix="jixiao-test-")
os.environ["JIXIAO_DATA_DIR"] = _DATA
atexit.register(shutil.rmtree, _DATA, True)

from jixiao.web.settings import *  # noqa: E402,F403  (the environment above must come first)
from jixiao.web.settings import DATA_DIR, database_from_url  # noqa: E402

TEST_DB = os.environ.get("JIXIAO_TEST_DB", "sqlite").strip().lower()
POSTGRES_UNAVAILABLE = ""
POSTGRES_VERSION = ""


def _postgres() -> dict[str, object] | None:
    global POSTGRES_UNAVAILABLE, POSTGRES_VERSION
    url = os.environ.get("JIXIAO_TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        POSTGRES_UNAVAILABLE = (
            "PostgreSQL 不可用：未设置 JIXIAO_TEST_POSTGRES_URL（.ci/run 会安装并在 127.0.0.1 启动"
            " PostgreSQL 并设置它）"
        )
        return None
    config = database_from_url(url, DATA_DIR)
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=3) as connection:
            version = connection.execute("show server_version").fetchone()
    except Exception as exc:
        POSTGRES_UNAVAILABLE = (
            f"PostgreSQL 不可用：无法连接 {config['HOST']}:{config['PORT']}（{exc}）"
        )
        return None
    POSTGRES_VERSION = str(version[0]) if version else "?"
    config["TEST"] = {"NAME": f"test_{config['NAME']}"}
    return config


_database = _postgres() if TEST_DB == "postgres" else None
DATABASES = {"default": _database or {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher"
]  # speed only; never in production
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DEBUG = False
WHITENOISE_AUTOREFRESH = True
# 403/404 answers are the point of the isolation tests: do not log each one as a warning.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
