"""Reads of users, their memberships and tokens. What a user may see and change — their scope over the units — is
units.scope's: it is a matter of units and their subtrees across the 2025 reorganisation."""

import math
from dataclasses import dataclass
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum

from antoan.accounts.models import ApiToken, Membership, Role, User
from antoan.core import clock
from antoan.core.errors import NotFound
from antoan.core.filters import Filters, Text, param
from antoan.core.memo import memoized


def user_memberships(*, user: User):
    return (
        Membership.objects.filter(user=user)
        .select_related("unit", "unit__parent", "unit__parent__parent")
        .order_by("unit__path", "role")
    )


@memoized
def user_is_admin(*, user: User) -> bool:
    """A superuser, or a member in the administrator role: they reach every unit (units.scope)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or Membership.objects.filter(user=user, role=Role.ADMIN).exists()


def user_list(*, user: User):
    """Users an administrator manages; others see none."""
    if not user_is_admin(user=user):
        return User.objects.none()
    return User.objects.order_by("username")


def api_token_list(*, user: User, owner: User):
    """`owner`'s tokens, for the owner or an administrator; nobody else sees them."""
    if user.pk != owner.pk and not user_is_admin(user=user):
        raise NotFound.single("user", "Không tìm thấy tài khoản", "User not found")
    return ApiToken.objects.filter(user=owner).order_by("revoked_at", "-created_at")


@dataclass(frozen=True)
class UserFilters(Filters):
    """What the administrators' list of users is narrowed to (core.filters)."""

    q: str = param(Text(), default="")  # in the username or the full name


def user_search(*, user: User, filters: UserFilters | None = None):
    """The users an administrator manages, narrowed by username or full name."""
    filters = filters or UserFilters()
    users = user_list(user=user)
    if filters.q:
        users = users.filter(Q(username__icontains=filters.q) | Q(full_name__icontains=filters.q))
    return users


def login_wait_seconds(*, username: str) -> int:
    """How many seconds a login as `username` must still wait, counting its failures from every address together
    (django-axes locks a username on one address; a client with many addresses would guess without limit, #27).
    Past ANTOAN_LOGIN_FREE_FAILURES failures within the cool-off, each attempt must come 2, 4, 8 … seconds after the
    last failure, at most ANTOAN_LOGIN_MAX_WAIT_SECONDS: a delay that slows guessing, never a lock that anyone who
    knows a username could put on its owner."""
    now = clock.now()
    since = now - timedelta(hours=settings.AXES_COOLOFF_TIME)
    recent = AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
    found = recent.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    over = (found["failures"] or 0) - settings.ANTOAN_LOGIN_FREE_FAILURES
    if over < 0:
        return 0
    wait = min(2 ** min(over + 1, 30), settings.ANTOAN_LOGIN_MAX_WAIT_SECONDS)
    return max(0, math.ceil((found["last"] + timedelta(seconds=wait) - now).total_seconds()))
