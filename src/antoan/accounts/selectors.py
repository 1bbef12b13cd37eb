"""Reads of users, their memberships and tokens. What a user may see and change — their scope over the units — is
units.scope's: it is a matter of units and their subtrees across the 2025 reorganisation."""

from dataclasses import dataclass

from django.db.models import Q

from antoan.accounts.models import ApiToken, Membership, Role, User
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
