"""The workflow table: every state lists its actions, roles are enforced, returns need reasons."""

from __future__ import annotations

import pytest

from jixiao.web.roles import Role
from jixiao.web.workflow import (
    ACTIONS,
    EDITABLE_STATES,
    LOCK_REASONS,
    ReasonRequired,
    RoleMayNot,
    State,
    StateDoesNotAllow,
    actions_in,
    allowed_actions,
    is_editable,
    lock_reason,
    transition,
)

HAPPY_PATH = [
    (State.DRAFT, "submit", Role.UNIT_FILLER, State.SUBMITTED),
    (State.SUBMITTED, "unit_approve", Role.UNIT_LEADER, State.DEPT_REVIEW),
    (State.DEPT_REVIEW, "dept_approve", Role.DEPT_REVIEWER, State.FINANCE_REVIEW),
    (State.FINANCE_REVIEW, "finance_approve", Role.FINANCE_REVIEWER, State.APPROVED),
    (State.APPROVED, "publish", Role.FINANCE_REVIEWER, State.PUBLISHED),
]


@pytest.mark.parametrize(("state", "key", "role", "after"), HAPPY_PATH)
def test_happy_path(state: State, key: str, role: Role, after: State) -> None:
    action, new_state = transition(state, key, role)
    assert new_state is after
    assert action.key == key


@pytest.mark.parametrize(
    ("state", "key", "role"),
    [
        (State.SUBMITTED, "unit_return", Role.UNIT_LEADER),
        (State.DEPT_REVIEW, "dept_return", Role.DEPT_REVIEWER),
        (State.FINANCE_REVIEW, "finance_return", Role.FINANCE_REVIEWER),
        (State.APPROVED, "reopen", Role.FINANCE_REVIEWER),
        (State.PUBLISHED, "reopen", Role.FINANCE_REVIEWER),
    ],
)
def test_every_review_step_can_send_back_with_a_reason(state: State, key: str, role: Role) -> None:
    with pytest.raises(ReasonRequired):
        transition(state, key, role, "  ")
    action, after = transition(state, key, role, "数字不符")
    assert after is State.RETURNED
    assert action.new_version and action.needs_reason


def test_returned_evaluation_can_be_resubmitted() -> None:
    assert transition(State.RETURNED, "submit", Role.UNIT_FILLER)[1] is State.SUBMITTED


def test_wrong_role_is_refused_with_who_may() -> None:
    with pytest.raises(RoleMayNot, match="财政绩效审核人"):
        transition(State.FINANCE_REVIEW, "finance_approve", Role.DEPT_REVIEWER)
    with pytest.raises(RoleMayNot):
        transition(State.DRAFT, "submit", Role.ADMIN)


def test_wrong_state_is_refused_with_what_is_allowed() -> None:
    with pytest.raises(StateDoesNotAllow, match="此状态可进行的操作：单位负责人审批通过"):
        transition(State.SUBMITTED, "finance_approve", Role.FINANCE_REVIEWER)


def test_every_state_lists_its_actions() -> None:
    for state in State:
        listed = actions_in(state)
        assert all(state in a.sources for a in listed)
    assert [a.key for a in actions_in(State.PUBLISHED)] == ["reopen"]
    assert {a.key for a in allowed_actions(State.DRAFT, Role.UNIT_FILLER)} == {"submit"}
    assert allowed_actions(State.DRAFT, Role.UNIT_LEADER) == []


def test_every_action_is_reachable_and_targets_a_state() -> None:
    for action in ACTIONS:
        assert action.sources and action.roles
        assert action.target in State


def test_only_draft_and_returned_are_editable_and_locks_say_why() -> None:
    assert frozenset({State.DRAFT, State.RETURNED}) == EDITABLE_STATES
    for state in State:
        if is_editable(state):
            assert lock_reason(state) is None
        else:
            assert lock_reason(state) == LOCK_REASONS[state]
            assert "锁定" in LOCK_REASONS[state]


def test_submission_freezes_and_returns_open_new_versions() -> None:
    by_key = {a.key: a for a in ACTIONS}
    assert by_key["submit"].freezes
    assert all(
        by_key[k].new_version for k in ("unit_return", "dept_return", "finance_return", "reopen")
    )
    assert {k for k, a in by_key.items() if a.approval} == {
        "unit_approve",
        "dept_approve",
        "finance_approve",
    }
