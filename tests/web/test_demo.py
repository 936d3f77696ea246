"""`jixiao demo` on a fresh data directory: migrates, loads, prints accounts that log in, serves."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from jixiao.web import demo
from tests.web.conftest import World

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_data_is_idempotent_and_complete(world: World) -> None:
    from jixiao.web.evaluations.models import Evaluation, Round
    from jixiao.web.orgs.models import Organisation, Profile

    before = (Organisation.objects.count(), Profile.objects.count(), Evaluation.objects.count())
    demo.load()
    assert (
        Organisation.objects.count(),
        Profile.objects.count(),
        Evaluation.objects.count(),
    ) == before
    bureau = Organisation.objects.get(name=demo.BUREAU)
    assert Organisation.objects.filter(bureau=bureau, kind="unit").count() >= 5
    assert sorted(Round.objects.filter(bureau=bureau).values_list("year", flat=True)) == [
        2019,
        2020,
        2021,
        2022,
    ]
    roles = set(Profile.objects.filter(org__bureau=bureau).values_list("role", flat=True))
    assert roles == {
        "unit_filler",
        "unit_leader",
        "dept_reviewer",
        "finance_reviewer",
        "third_party",
        "admin",
    }
    liucheng = world.evaluation("liucheng")
    assert (
        liucheng.current.facts["staffing"]["in_post"] == "38"
    )  # from examples/liucheng-2021-reeval


@pytest.mark.slow
def test_jixiao_demo_serves_and_the_printed_accounts_log_in(tmp_path: Path) -> None:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "JIXIAO_", "DATABASE_URL"))
    }
    env.update({"JIXIAO_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "jixiao.web.settings"})
    jixiao = Path(sys.executable).with_name("jixiao")
    process = subprocess.Popen(
        [str(jixiao), "demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    try:
        deadline = time.monotonic() + 240
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if "网页应用已启动" in line:
                break
        text = "".join(output)
        assert "网页应用已启动" in text, text
        accounts = re.findall(r"^\s+(\w+)\s+(\S+)\s+(\S+)$", text, re.M)
        password = re.search(r"密码均为 (\S+)）", text).group(1)  # type: ignore[union-attr]
        assert len(accounts) == 14 and password == demo.DEMO_PASSWORD
        for username in ("liucheng_filler", "finance", "admin", "thirdparty"):
            assert username in text
            home = log_in(port, username, password)
            assert "首页" in home and "jixiao 预算绩效评价" in home
    finally:
        process.terminate()
        process.wait(timeout=30)


def log_in(port: int, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token, "next": "/"}
    ).encode()
    request = urllib.request.Request(
        f"{base}/login/", data=data, headers={"Referer": f"{base}/login/"}
    )
    response: Any = opener.open(request, timeout=30)
    assert response.geturl().rstrip("/") == base, response.geturl()
    return str(response.read().decode())
