from django import template

from antoan.accounts.selectors import user_is_admin

register = template.Library()


@register.filter
def restores_deleted(user) -> bool:
    """Whether the user is an administrator, who sees and restores deleted records (core.softdelete)."""
    return bool(user.is_authenticated and user_is_admin(user=user))
