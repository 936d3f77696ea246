"""Shared fixtures: the seed reports live beside the repository (``../shared/seeds``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.checks.audit import AuditReport, audit_file

REPO = Path(__file__).resolve().parents[2]
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_FILES = {
    "000": "000_c7ae8539256aae5c.txt",  # 西双版纳州应急管理局 2019
    "001": "001_8bdce8ab2f208192.txt",  # 红谷滩区应急管理局 2022
    "002": "002_e4778c0eebec3d0d.txt",  # 昆明市应急管理局 2020
    "003": "003_632cb97bc495d933.txt",  # 深圳市龙岗区应急管理局 2020
    "004": "004_826b062fad30f437.txt",  # 柳城县应急管理局 2021（再评价）
}
_cache: dict[str, AuditReport] = {}


def seed_path(key: str) -> Path:
    path = SEEDS / SEED_FILES[key]
    if not path.exists():
        pytest.skip(f"种子报告不在 {SEEDS}（CI 中 shared/ 应与仓库并列克隆）")
    return path


def seed_audit(key: str) -> AuditReport:
    if key not in _cache:
        _cache[key] = audit_file(seed_path(key))
    return _cache[key]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"种子报告目录不存在：{SEEDS}（CI 中 shared/ 应与仓库并列克隆）")
    return SEEDS
