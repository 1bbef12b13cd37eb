"""Nothing in the application deletes audit history (core/history_guard.py)."""

import pytest
from django.core.management import call_command
from django.db import transaction

from antoan.accounts.models import User
from antoan.core.history_guard import HistoryDeletionRefused


@pytest.fixture
def history_rows(db):
    user = User.objects.create(username="an", full_name="Nguyễn Văn An")
    user.save()  # unchanged: a duplicate row, what clean_duplicate_history deletes
    user.full_name = "Nguyễn Văn Ân"
    user.save()
    return User.history.count()


@pytest.mark.parametrize(
    "command, options",
    [("clean_old_history", {"auto": True, "days": 0}), ("clean_duplicate_history", {"auto": True})],
)
def test_the_history_cleaning_commands_are_refused(history_rows, command, options):
    assert history_rows == 3
    with pytest.raises(HistoryDeletionRefused) as refused, transaction.atomic():  # rolled back, as it would be
        call_command(command, **options)
    assert "lịch sử" in refused.value.errors["history"].vi
    assert User.history.count() == history_rows


def test_no_orm_delete_removes_history(history_rows):
    with pytest.raises(HistoryDeletionRefused), transaction.atomic():
        User.history.all().delete()
    assert User.history.count() == history_rows
