"""Writes of users and memberships. Only administrators (or the system, from the CLI) manage them."""

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import translation

from antoan.accounts.models import ApiToken, Membership, Role, User
from antoan.accounts.selectors import user_is_admin
from antoan.core import clock
from antoan.core.errors import DomainError, Forbidden, Message

if TYPE_CHECKING:  # the units are above the accounts: a unit is only passed through here
    from antoan.units.models import Unit


def _require_admin(actor: User | None) -> None:
    # actor None is the system itself: the CLI run by the server's operator, or the demo seed.
    if actor is not None and not user_is_admin(user=actor):
        raise DomainError.single(
            "__all__", "Chỉ quản trị viên được quản lý tài khoản", "Only administrators manage user accounts"
        )


def _password_problem(password: str, user: User) -> Message | None:
    """What the password validators (settings.AUTH_PASSWORD_VALIDATORS) say against `password`, in both languages:
    they phrase their messages in the active language when they raise, so they are asked once in each."""
    said = {}
    for language in ("vi", "en"):
        with translation.override(language):
            try:
                validate_password(password, user)
            except DjangoValidationError as exc:
                said[language] = " ".join(exc.messages)
            else:
                return None
    return Message("Mật khẩu chưa đủ mạnh: " + said["vi"], "The password is too weak: " + said["en"])


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str = "",
    job_title: str = "",
    email: str = "",
) -> User:
    _require_admin(actor)
    username = (username or "").strip()
    errors: dict[str, Message] = {}
    if not username:
        errors["username"] = Message("Tên đăng nhập không được để trống", "The username is required")
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = Message(
            f"Tên đăng nhập '{username}' đã có người dùng", f"The username '{username}' is already taken"
        )
    user = User(username=username, full_name=full_name.strip(), job_title=job_title.strip(), email=email.strip())
    problem = _password_problem(password, user)
    if problem:
        errors["password"] = problem
    if errors:
        raise DomainError(errors)
    user.set_password(password)
    user._history_user = actor
    user.save()
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> User:
    if actor is None or actor.pk != user.pk:
        _require_admin(actor)
    problem = _password_problem(password, user)
    if problem:
        raise DomainError({"password": problem})
    user.set_password(password)
    user._history_user = actor
    user.save()
    return user


@transaction.atomic
def role_check(role: str) -> None:
    """Refuse a role that is none of Role's, in both languages."""
    if role not in Role.values:
        raise DomainError.single(
            "role",
            f"Vai trò không hợp lệ: '{role}' (chọn một trong: {', '.join(Role.values)})",
            f"Unknown role '{role}' (one of: {', '.join(Role.values)})",
        )


def membership_grant(*, actor: User | None, user: User, unit: "Unit", role: str) -> Membership:
    """Give `user` the `role` on `unit` (and so its subtree). Granting twice returns the same membership."""
    _require_admin(actor)
    role_check(role)
    if unit is None or unit.pk is None:
        raise DomainError.single("unit", "Đơn vị không tồn tại", "The unit does not exist")
    existing = Membership.objects.filter(user=user, unit=unit, role=role).first()
    if existing is not None:
        return existing
    membership = Membership(user=user, unit=unit, role=role)
    membership._history_user = actor
    membership.save()
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> None:
    _require_admin(actor)
    membership._history_user = actor
    membership.delete()


# API tokens --------------------------------------------------------------------------------------

TOKEN_PREFIX = "at_"


def _token_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _require_self_or_admin(actor: User, owner: User) -> None:
    if actor.pk != owner.pk and not user_is_admin(user=actor):
        raise Forbidden.single(
            "__all__",
            "Chỉ chủ tài khoản hoặc quản trị viên được quản lý khóa API",
            "Only the account's owner or an administrator manages its API tokens",
        )


@transaction.atomic
def api_token_create(*, user: User, owner: User, name: str) -> tuple[ApiToken, str]:
    """A new key for `owner`; returns the token and the key, which is shown this once and never stored."""
    _require_self_or_admin(user, owner)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError.single("name", "Đặt tên cho khóa (ví dụ: tên phần mềm dùng nó)", "Name the token")
    if len(name) > 100:
        raise DomainError.single("name", "Tên dài quá 100 ký tự", "The name is longer than 100 characters")
    raw_key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=owner, name=name, prefix=raw_key[:10], key_hash=_token_hash(raw_key), created_by=user)
    token._history_user = user
    token.save()
    return token, raw_key


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    _require_self_or_admin(user, token.user)
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token._history_user = user
        token.save()
    return token


def api_token_authenticate(raw_key: str) -> User | None:
    """The active user a key belongs to, or None; notes when the key was last used (at most once a minute)."""
    if not raw_key or not raw_key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.filter(key_hash=_token_hash(raw_key), revoked_at__isnull=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


SYSTEM_USERNAME = "antoan-system"


def system_user() -> User:
    """The account that server-side commands (imports run by the operator) act as, so the audit trail
    names them. It cannot log in: its password is unusable."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"full_name": "Hệ thống (dòng lệnh) / system (command line)", "is_superuser": True},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
