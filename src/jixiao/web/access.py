"""Who may see and do what, checked on every view and every object, server-side.

Visibility follows the organisation tree: a unit's own people see its evaluations, a department's
reviewers those of its units, the finance bureau those of its rounds, a third party only the
evaluations assigned to it.  Objects outside a user's view are answered with 404 (their
existence is not revealed); visible objects the user may not act on are answered with 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from jixiao.web.roles import BUREAU_ROLES, Role
from jixiao.web.workflow import ACTIONS_BY_KEY, REVIEW_STATES, Action, State, lock_reason

if TYPE_CHECKING:
    from jixiao.web.evaluations.models import Evaluation, Round
    from jixiao.web.frameworks.models import FrameworkVersion
    from jixiao.web.orgs.models import Profile


def profile_of(user: Any) -> Profile | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.profile  # type: ignore[no-any-return]
    except Exception:  # RelatedObjectDoesNotExist: a user without a role sees nothing
        return None


def require_profile(request: HttpRequest) -> Profile:
    profile = profile_of(request.user)
    if profile is None:
        raise PermissionDenied("您的账号尚未分配组织和角色，请联系系统管理员")
    return profile


def role_of(user: Any) -> Role | None:
    profile = profile_of(user)
    return profile.user_role if profile else None


# --- evaluations -----------------------------------------------------------------------------


def evaluation_scope(profile: Profile) -> Q:
    role, org = profile.user_role, profile.org_id
    if role in (Role.UNIT_FILLER, Role.UNIT_LEADER):
        return Q(unit_id=org)
    if role is Role.DEPT_REVIEWER:
        return Q(unit__parent_id=org)
    if role in BUREAU_ROLES:
        return Q(round__bureau_id=org)
    if role is Role.THIRD_PARTY:
        return Q(third_party_id=org)
    return Q(pk__in=[])


def evaluations_for(user: Any) -> QuerySet[Evaluation]:
    from jixiao.web.evaluations.models import Evaluation

    profile = profile_of(user)
    if profile is None:
        return Evaluation.objects.none()
    return Evaluation.objects.filter(evaluation_scope(profile))


def evaluation_or_404(user: Any, pk: int, *, for_update: bool = False) -> Evaluation:
    queryset = (
        evaluations_for(user)
        .select_related("round", "unit", "unit__parent", "framework", "current", "third_party")
        # large JSON/text columns are loaded only when used (the framework is compiled once)
        .defer("framework__yaml_text", "framework__resolved", "current__snapshot")
    )
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    found = queryset.filter(pk=pk).order_by().first()  # no default ordering: no extra joins
    if found is None:
        raise Http404("没有找到该评价，或您无权查看")
    return found


def can_view(user: Any, evaluation: Evaluation) -> bool:
    profile = profile_of(user)
    return profile is not None and evaluations_for(user).filter(pk=evaluation.pk).exists()


def edit_lock(user: Any, evaluation: Evaluation) -> str | None:
    """Why this user may not edit the facts now (``None`` when they may)."""
    role = role_of(user)
    if role is not Role.UNIT_FILLER or evaluation.unit_id != user.profile.org_id:
        label = role.label if role else "无角色"
        return f"您的角色（{label}）只能查看本评价，填报由本单位填报人进行。"
    reason = lock_reason(evaluation.workflow_state)
    if reason:
        return reason
    if evaluation.deadline_passed:
        deadline = evaluation.deadline.astimezone().strftime("%Y-%m-%d %H:%M")
        return f"填报截止时间（{deadline}）已过，填报已结束；如需延期请联系财政局。"
    return None


def require_edit(user: Any, evaluation: Evaluation) -> None:
    reason = edit_lock(user, evaluation)
    if reason:
        raise PermissionDenied(reason)


def relation_allows(profile: Profile, evaluation: Evaluation, action: Action) -> bool:
    """Does the user stand in the right relation to the evaluation for ``action``?"""
    role = profile.user_role
    if role not in action.roles:
        return False
    if role in (Role.UNIT_FILLER, Role.UNIT_LEADER):
        return evaluation.unit_id == profile.org_id
    if role is Role.DEPT_REVIEWER:
        return evaluation.unit.parent_id == profile.org_id
    if role is Role.FINANCE_REVIEWER:
        return evaluation.round.bureau_id == profile.org_id
    return False


def actions_for(user: Any, evaluation: Evaluation) -> list[Action]:
    from jixiao.web.workflow import allowed_actions

    profile = profile_of(user)
    if profile is None:
        return []
    return [
        a
        for a in allowed_actions(evaluation.workflow_state, profile.user_role)
        if relation_allows(profile, evaluation, a)
    ]


def require_action(user: Any, evaluation: Evaluation, key: str) -> Action:
    action = ACTIONS_BY_KEY.get(key)
    if action is None:
        raise Http404("未知的操作")
    profile = profile_of(user)
    if profile is None or not relation_allows(profile, evaluation, action):
        raise PermissionDenied(f"您无权对本评价进行「{action.label}」")
    return action


def can_review(user: Any, evaluation: Evaluation) -> bool:
    """May record review scores (复核): reviewers in their relation, in a review state."""
    profile = profile_of(user)
    if profile is None or evaluation.workflow_state not in REVIEW_STATES:
        return False
    if evaluation.workflow_state is State.PUBLISHED:
        return False
    role = profile.user_role
    if role is Role.DEPT_REVIEWER:
        return evaluation.unit.parent_id == profile.org_id
    if role is Role.FINANCE_REVIEWER:
        return evaluation.round.bureau_id == profile.org_id
    if role is Role.THIRD_PARTY:
        return evaluation.third_party_id == profile.org_id
    return False


def is_reviewer_of(user: Any, evaluation: Evaluation) -> bool:
    role = role_of(user)
    return role in (Role.DEPT_REVIEWER, Role.FINANCE_REVIEWER, Role.THIRD_PARTY, Role.ADMIN)


# --- rounds ----------------------------------------------------------------------------------


def rounds_for(user: Any) -> QuerySet[Round]:
    from jixiao.web.evaluations.models import Round

    profile = profile_of(user)
    if profile is None:
        return Round.objects.none()
    if profile.user_role in BUREAU_ROLES:
        return Round.objects.filter(bureau_id=profile.org_id)
    visible = evaluations_for(user).values("round_id")
    return Round.objects.filter(pk__in=visible)


def round_or_404(user: Any, pk: int) -> Round:
    found = rounds_for(user).select_related("framework", "bureau").filter(pk=pk).first()
    if found is None:
        raise Http404("没有找到该评价任务，或您无权查看")
    return found


def can_manage_rounds(user: Any) -> bool:
    return role_of(user) in BUREAU_ROLES


def require_round_manager(user: Any, round_: Round | None = None) -> Profile:
    profile = profile_of(user)
    if profile is None or profile.user_role not in BUREAU_ROLES:
        raise PermissionDenied("只有财政局的财政绩效审核人或系统管理员可以管理评价任务")
    if round_ is not None and round_.bureau_id != profile.org_id:
        raise Http404("没有找到该评价任务")
    return profile


# --- frameworks ------------------------------------------------------------------------------


def frameworks_for(user: Any) -> QuerySet[FrameworkVersion]:
    """Published versions of shipped frameworks and of the user's bureau; drafts for its admins."""
    from jixiao.web.frameworks.models import FrameworkVersion

    profile = profile_of(user)
    if profile is None:
        return FrameworkVersion.objects.none()
    bureau = profile.org.bureau_id
    mine = Q(owner__isnull=True) | Q(owner_id=bureau)
    published = Q(status=FrameworkVersion.PUBLISHED)
    if profile.user_role is Role.ADMIN:
        return FrameworkVersion.objects.filter(mine)
    return FrameworkVersion.objects.filter(mine & published)


def framework_or_404(user: Any, pk: int) -> FrameworkVersion:
    found = frameworks_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("没有找到该指标体系版本，或您无权查看")
    return found


def require_admin(user: Any) -> Profile:
    profile = profile_of(user)
    if profile is None or profile.user_role is not Role.ADMIN:
        raise PermissionDenied("只有系统管理员可以进行此操作")
    return profile


def can_edit_framework(user: Any, version: FrameworkVersion) -> bool:
    profile = profile_of(user)
    return (
        profile is not None
        and profile.user_role is Role.ADMIN
        and version.owner_id is not None
        and version.owner_id == profile.org_id
    )
