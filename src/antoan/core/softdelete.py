"""Soft delete (issue #8, "keep data"): deleting a record marks it deleted — when, by whom, why — and saves it,
so that its audit history gains a "deleted" entry and keeps every earlier one; an administrator can restore it.

`SoftDeleteModel` is the one place of the concept:
- `objects`, the default manager, reads live rows only: every selector, list, export, indicator and report that
  starts from it leaves deleted records out without knowing about them (and so do related managers);
- `all_objects` reads every row: only the deleted-records page, restore and tests use it;
- Django's `_base_manager` stays plain (the backup dumps every row, deleted ones included, through it; a foreign
  key to a deleted record still resolves).

A unique constraint of such a model holds among live rows only (`UniqueConstraint(condition=Q(deleted_at__isnull
=True))`), so a deleted record releases its external id (a re-import creates the record again); restoring it is
refused, naming the field, when a live record took the value meanwhile (`restore_clash_check`).

Each kind of deletable record registers a `DeletedKind` (its model, title, unit field, restore service and detail
page) so that the administrators' page "Bản ghi đã xóa / Deleted records" lists and restores every kind.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from antoan.core import clock
from antoan.core.errors import DomainError, Message, NotFound

REASON_MAX = 200
HISTORY_REASON_MAX = 100  # django-simple-history's history_change_reason
ONLY_ADMINS = Message(
    "Chỉ quản trị viên mới được khôi phục bản ghi đã xóa", "Only an administrator can restore a deleted record"
)


class LiveManager(models.Manager):
    """Rows not deleted."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("deleted by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    delete_reason = models.CharField(_("reason for deletion"), max_length=REASON_MAX, blank=True)

    objects = LiveManager()
    all_objects = models.Manager()  # noqa: DJ012 -- a manager, not a field

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


def mark_deleted(instance: SoftDeleteModel, *, user, reason: str = "", when=None, extra_reason: str = ""):
    """Mark `instance` deleted and save it (one audited "~" row carrying who, when and why). The caller has
    checked scope and locks, inside its transaction."""
    reason = (reason or "").strip()[:REASON_MAX]
    instance.deleted_at = when or clock.now()
    instance.deleted_by = user
    instance.delete_reason = reason
    instance._history_user = user
    instance._change_reason = (extra_reason or reason)[:HISTORY_REASON_MAX]
    instance.save()
    return instance


def mark_restored(instance: SoftDeleteModel, *, user, reason: str = ""):
    instance.deleted_at = None
    instance.deleted_by = None
    instance.delete_reason = ""
    instance._history_user = user
    instance._change_reason = (reason or "Khôi phục / restored")[:HISTORY_REASON_MAX]
    instance.save()
    return instance


def deleted_get(model: type[SoftDeleteModel], pk) -> SoftDeleteModel:
    """A deleted row, locked for the restore; NotFound when there is none (or it is live)."""
    found = model.all_objects.select_for_update().filter(pk=pk, deleted_at__isnull=False).first()
    if found is None:
        raise NotFound.single("record", "Không tìm thấy bản ghi đã xóa", "Deleted record not found")
    return found


def restore_clash_check(instance: SoftDeleteModel, fields: tuple[str, ...], *, label: str | None = None) -> None:
    """Refuse a restore when a live record now holds the values of a unique constraint (`fields`)."""
    values = {f: getattr(instance, f"{f}_id" if instance._meta.get_field(f).is_relation else f) for f in fields}
    lookup = {f"{f}_id" if instance._meta.get_field(f).is_relation else f: v for f, v in values.items()}
    if type(instance).objects.filter(**lookup).exclude(pk=instance.pk).exists():
        field = fields[-1]
        value = values[field]
        name = label or str(instance._meta.get_field(field).verbose_name)
        raise DomainError.single(
            field,
            f"Không khôi phục được: một bản ghi khác đang dùng {name} '{value}'; sửa hoặc xóa bản ghi đó trước",
            f"Cannot restore: another record now uses {name} '{value}'; change or delete that record first",
        )


# The kinds of deletable records, for the administrators' page ----------------------------------------------------


@dataclass(frozen=True, eq=False)
class DeletedKind:
    key: str  # "incidents", "models", "assessments", …
    model: type[SoftDeleteModel]
    title: str  # lazy
    unit_field: str
    restore: Callable  # (user=, instance=) -> instance
    detail_url: Callable[[object], str]  # the record's page
    order: int = 100


_KINDS: dict[str, DeletedKind] = {}


def deleted_kind_register(kind: DeletedKind) -> DeletedKind:
    _KINDS[kind.key] = kind
    return kind


def deleted_kinds() -> list[DeletedKind]:
    return sorted(_KINDS.values(), key=lambda k: (k.order, k.key))


def deleted_kind(key: str) -> DeletedKind | None:
    return _KINDS.get(key)
