"""The approval workflow as an explicit table: states → allowed actions → roles.

草稿 → 单位已提交 → 主管部门审核 → 财政审核 → 已通过 → 已公开, with 退回 from any review step to the
unit (a reason is required) and 重新打开 of an approved or published evaluation.  Each action that
sends an evaluation back to the unit opens a new version; submission freezes the current one.

Pure Python (no Django): the web layer asks ``allowed_actions`` and ``transition`` and checks the
organisational relation (is this the user's unit, department, bureau?) itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from jixiao.web.roles import Role


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    DEPT_REVIEW = "dept_review"
    FINANCE_REVIEW = "finance_review"
    APPROVED = "approved"
    PUBLISHED = "published"
    RETURNED = "returned"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.DRAFT: "草稿",
    State.SUBMITTED: "单位已提交",
    State.DEPT_REVIEW: "主管部门审核",
    State.FINANCE_REVIEW: "财政审核",
    State.APPROVED: "已通过",
    State.PUBLISHED: "已公开",
    State.RETURNED: "已退回",
}

# States in which the unit may edit its facts; every other state is locked.
EDITABLE_STATES = frozenset({State.DRAFT, State.RETURNED})
# States in which reviewers may record review scores (复核).
REVIEW_STATES = frozenset(
    {State.SUBMITTED, State.DEPT_REVIEW, State.FINANCE_REVIEW, State.APPROVED, State.PUBLISHED}
)

# Why a state locks data entry, shown on the page (DHIS2: "locks that say why").
LOCK_REASONS = {
    State.SUBMITTED: "单位已提交，等待单位负责人审批；提交后填报内容已锁定，如需修改须由单位负责人退回。",
    State.DEPT_REVIEW: "已报主管部门审核，填报内容已锁定；如需修改须由审核人退回。",
    State.FINANCE_REVIEW: "已报财政审核，填报内容已锁定；如需修改须由财政审核人退回。",
    State.APPROVED: "评价已审核通过，内容已锁定；如需修改须由财政审核人重新打开（将生成新版本）。",
    State.PUBLISHED: "评价结果已公开，内容已锁定；如需修改须由财政审核人重新打开（将生成新版本）。",
}


@dataclass(frozen=True, slots=True)
class Action:
    key: str
    label: str
    sources: frozenset[State]
    target: State
    roles: frozenset[Role]
    needs_reason: bool = False
    freezes: bool = False  # submission: freeze a snapshot of facts + framework + results
    new_version: bool = False  # back to the unit: open a new editable version
    approval: bool = False  # counts as an approval (the change counter restarts here)
    style: str = "primary"


ACTIONS: tuple[Action, ...] = (
    Action(
        "submit",
        "提交",
        frozenset({State.DRAFT, State.RETURNED}),
        State.SUBMITTED,
        frozenset({Role.UNIT_FILLER}),
        freezes=True,
    ),
    Action(
        "unit_approve",
        "单位负责人审批通过，报主管部门",
        frozenset({State.SUBMITTED}),
        State.DEPT_REVIEW,
        frozenset({Role.UNIT_LEADER}),
        approval=True,
    ),
    Action(
        "unit_return",
        "退回填报人",
        frozenset({State.SUBMITTED}),
        State.RETURNED,
        frozenset({Role.UNIT_LEADER}),
        needs_reason=True,
        new_version=True,
        style="danger",
    ),
    Action(
        "dept_approve",
        "主管部门审核通过，报财政",
        frozenset({State.DEPT_REVIEW}),
        State.FINANCE_REVIEW,
        frozenset({Role.DEPT_REVIEWER}),
        approval=True,
    ),
    Action(
        "dept_return",
        "退回单位",
        frozenset({State.DEPT_REVIEW}),
        State.RETURNED,
        frozenset({Role.DEPT_REVIEWER}),
        needs_reason=True,
        new_version=True,
        style="danger",
    ),
    Action(
        "finance_approve",
        "财政审核通过",
        frozenset({State.FINANCE_REVIEW}),
        State.APPROVED,
        frozenset({Role.FINANCE_REVIEWER}),
        approval=True,
    ),
    Action(
        "finance_return",
        "退回单位",
        frozenset({State.FINANCE_REVIEW}),
        State.RETURNED,
        frozenset({Role.FINANCE_REVIEWER}),
        needs_reason=True,
        new_version=True,
        style="danger",
    ),
    Action(
        "publish",
        "公开评价结果",
        frozenset({State.APPROVED}),
        State.PUBLISHED,
        frozenset({Role.FINANCE_REVIEWER}),
    ),
    Action(
        "reopen",
        "重新打开（生成新版本）",
        frozenset({State.APPROVED, State.PUBLISHED}),
        State.RETURNED,
        frozenset({Role.FINANCE_REVIEWER}),
        needs_reason=True,
        new_version=True,
        style="danger",
    ),
)
ACTIONS_BY_KEY = {action.key: action for action in ACTIONS}


class WorkflowError(Exception):
    """An action refused by the workflow; ``message`` says why in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StateDoesNotAllow(WorkflowError):
    """The evaluation's state does not allow the action (DHIS2: data may not be approved)."""


class RoleMayNot(WorkflowError):
    """The user's role may not take the action (DHIS2: user may not approve)."""


class ReasonRequired(WorkflowError):
    pass


def actions_in(state: State) -> list[Action]:
    """Every action the state allows, whoever takes it."""
    return [a for a in ACTIONS if state in a.sources]


def allowed_actions(state: State, role: Role) -> list[Action]:
    """The actions a holder of ``role`` may take in ``state``."""
    return [a for a in actions_in(state) if role in a.roles]


def transition(state: State, key: str, role: Role, reason: str = "") -> tuple[Action, State]:
    """Check that ``role`` may take action ``key`` in ``state``; return the action and new state."""
    action = ACTIONS_BY_KEY.get(key)
    if action is None:
        raise WorkflowError(f"未知的操作「{key}」")
    if state not in action.sources:
        allowed = "、".join(a.label for a in actions_in(state)) or "无"
        raise StateDoesNotAllow(
            f"当前状态「{state.label}」不允许「{action.label}」（此状态可进行的操作：{allowed}）"
        )
    if role not in action.roles:
        who = "、".join(r.label for r in action.roles)
        raise RoleMayNot(f"「{action.label}」须由{who}操作，您的角色是{role.label}")
    if action.needs_reason and not reason.strip():
        raise ReasonRequired(f"「{action.label}」须填写理由")
    return action, action.target


def is_editable(state: State) -> bool:
    return state in EDITABLE_STATES


def lock_reason(state: State) -> str | None:
    return None if is_editable(state) else LOCK_REASONS.get(state, "当前状态不允许修改")
