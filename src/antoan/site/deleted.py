"""The administrators' page "Bản ghi đã xóa / Deleted records": every deleted record of every kind (incidents,
the movement's records, assessments, ratings) in the administrator's scope, newest first, with who deleted it,
when and why, and a Restore button. Restoring goes through each kind's restore service (core.softdelete)."""

import heapq
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from antoan.accounts.models import User
from antoan.accounts.selectors import user_is_admin
from antoan.core.errors import DomainError, Forbidden, NotFound
from antoan.core.filters import Choice, Filters, param, status_of
from antoan.core.softdelete import DeletedKind, deleted_kind, deleted_kinds
from antoan.units.scope import user_scope

PAGE_SIZE = 50


@dataclass(frozen=True)
class DeletedFilters(Filters):
    """What the deleted records' page is narrowed to (core.filters)."""

    kind: str = param(Choice(lambda: [k.key for k in deleted_kinds()]), default="")


@dataclass(frozen=True)
class DeletedRow:
    kind: DeletedKind
    record: object

    @property
    def deleted_at(self) -> datetime:
        return self.record.deleted_at

    @property
    def unit(self):
        return getattr(self.record, self.kind.unit_field)

    @property
    def url(self) -> str:
        return self.kind.detail_url(self.record)


class _Merged:
    """The deleted records of several kinds as one sequence, newest first, for the Paginator: a page reads the
    first `stop` rows of each kind and merges them (a page deep in the list reads more; deleted records are few)."""

    def __init__(self, sources: list[tuple[DeletedKind, object]]):
        self.sources = sources

    def count(self) -> int:
        return sum(rows.count() for _, rows in self.sources)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, part: slice) -> list[DeletedRow]:
        stop = part.stop
        streams = [[DeletedRow(kind, r) for r in rows[:stop]] for kind, rows in self.sources]
        merged = heapq.merge(*streams, key=lambda row: (row.deleted_at, row.record.pk), reverse=True)
        return list(merged)[part]


def deleted_records(*, user: User, kind: str = "") -> _Merged:
    """Deleted records the administrator may restore (their scope), of one kind or all, newest first."""
    if not user_is_admin(user=user):
        raise Forbidden.single(
            "__all__", "Chỉ quản trị viên mới xem được bản ghi đã xóa", "Only administrators see deleted records"
        )
    scope = user_scope(user=user)
    sources = []
    for k in deleted_kinds():
        if kind and k.key != kind:
            continue
        rows = (
            k.model.all_objects.filter(scope.q(k.unit_field), deleted_at__isnull=False)
            .select_related(k.unit_field, "deleted_by")
            .order_by("-deleted_at", "-pk")
        )
        sources.append((k, rows))
    return _Merged(sources)


@login_required
@require_GET
def deleted_list(request):
    error = None
    try:
        filters = DeletedFilters.from_params(request.GET)
    except DomainError as exc:  # an unknown kind was read as "all kinds" before #25
        error, filters = exc, None
    try:
        rows = deleted_records(user=request.user, kind=filters.kind if filters else "")
    except Forbidden:
        raise PermissionDenied from None
    page = Paginator(rows if filters else [], PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "kinds": deleted_kinds(), "kind": filters.kind if filters else "", "error": error}
    return render(request, "site/deleted.html", context, status=status_of(error))


@login_required
@require_POST
def deleted_restore(request, kind, pk):
    found = deleted_kind(kind)
    if found is None:
        raise Http404
    try:
        restored = found.restore(user=request.user, instance=found.model(pk=pk))
    except NotFound:
        raise Http404 from None
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        for message in exc.errors.values():
            messages.error(request, str(message))
        target = request.POST.get("next", "")
        safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
        return redirect(target if safe and target.startswith("/") else "deleted-list")
    messages.success(request, _("Restored: %(what)s") % {"what": restored})
    return redirect(found.detail_url(restored))


urlpatterns = [
    path("ban-ghi-da-xoa/", deleted_list, name="deleted-list"),
    path("ban-ghi-da-xoa/<str:kind>/<int:pk>/khoi-phuc/", deleted_restore, name="deleted-restore"),
]
