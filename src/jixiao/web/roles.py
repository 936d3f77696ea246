"""Organisation kinds and user roles (pure data; no Django imports)."""

from __future__ import annotations

from enum import StrEnum


class OrgKind(StrEnum):
    BUREAU = "bureau"  # 财政局
    DEPARTMENT = "department"  # 主管部门
    UNIT = "unit"  # 预算单位
    THIRD_PARTY = "third_party"  # 第三方评价机构

    @property
    def label(self) -> str:
        return ORG_KIND_LABELS[self]


ORG_KIND_LABELS = {
    OrgKind.BUREAU: "财政局",
    OrgKind.DEPARTMENT: "主管部门",
    OrgKind.UNIT: "预算单位",
    OrgKind.THIRD_PARTY: "第三方评价机构",
}

# Which kind of parent each kind of organisation sits under.
PARENT_KIND = {
    OrgKind.BUREAU: None,
    OrgKind.DEPARTMENT: OrgKind.BUREAU,
    OrgKind.UNIT: OrgKind.DEPARTMENT,
    OrgKind.THIRD_PARTY: OrgKind.BUREAU,
}


class Role(StrEnum):
    UNIT_FILLER = "unit_filler"  # 单位填报人
    UNIT_LEADER = "unit_leader"  # 单位负责人
    DEPT_REVIEWER = "dept_reviewer"  # 主管部门审核人
    FINANCE_REVIEWER = "finance_reviewer"  # 财政绩效审核人
    THIRD_PARTY = "third_party"  # 第三方评价人
    ADMIN = "admin"  # 系统管理员

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.UNIT_FILLER: "单位填报人",
    Role.UNIT_LEADER: "单位负责人",
    Role.DEPT_REVIEWER: "主管部门审核人",
    Role.FINANCE_REVIEWER: "财政绩效审核人",
    Role.THIRD_PARTY: "第三方评价人",
    Role.ADMIN: "系统管理员",
}

# The kind of organisation a holder of each role belongs to.
ROLE_ORG_KIND = {
    Role.UNIT_FILLER: OrgKind.UNIT,
    Role.UNIT_LEADER: OrgKind.UNIT,
    Role.DEPT_REVIEWER: OrgKind.DEPARTMENT,
    Role.FINANCE_REVIEWER: OrgKind.BUREAU,
    Role.THIRD_PARTY: OrgKind.THIRD_PARTY,
    Role.ADMIN: OrgKind.BUREAU,
}

REVIEWER_ROLES = frozenset({Role.DEPT_REVIEWER, Role.FINANCE_REVIEWER, Role.THIRD_PARTY})
BUREAU_ROLES = frozenset({Role.FINANCE_REVIEWER, Role.ADMIN})
