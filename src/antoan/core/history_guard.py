"""Audit history is never deleted through the application (issue #8, "keep data").

A receiver on every history model refuses the deletion of its rows: django-simple-history's own commands
(`clean_old_history`, `clean_duplicate_history`) and any code path that would delete them through the ORM stop
with an error instead. (A restore from a backup empties tables with SQL, not through the ORM.) Tests that must
clean up history rows do it inside `history_deletion_allowed()`.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db.models.signals import pre_delete
from simple_history.models import HistoricalChanges

from antoan.core.errors import DomainError

_allowed: ContextVar[bool] = ContextVar("antoan_history_deletion_allowed", default=False)


class HistoryDeletionRefused(DomainError):
    pass


def _refuse(sender, instance, **kwargs) -> None:
    if not _allowed.get():
        raise HistoryDeletionRefused.single(
            "history",
            f"Không được xóa lịch sử thay đổi ({sender._meta.db_table})",
            f"Audit history is never deleted ({sender._meta.db_table})",
        )


@contextmanager
def history_deletion_allowed():
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


def connect() -> None:
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges):
            pre_delete.connect(_refuse, sender=model, dispatch_uid=f"antoan-history-guard-{model._meta.label}")
