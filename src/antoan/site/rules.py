"""The administrators' page "Quy định áp dụng / Rules applied": every legal rule in force on a day (core.rules), with
its source, the days it governs, whether it was checked against the published text and what is still unread. The
warning belongs here, beside the figures, never in a document a chairman signs."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from antoan.accounts.selectors import user_is_admin
from antoan.core import clock
from antoan.core.errors import DomainError
from antoan.core.rules import all_versions, rules_on
from antoan.core.values import to_date


@login_required
@require_GET
def rules_page(request):
    if not user_is_admin(user=request.user):
        raise PermissionDenied
    error, day = None, clock.today()
    if request.GET.get("on"):
        try:
            day = to_date(request.GET["on"], field="on")
        except DomainError as exc:
            error = exc
    english = (get_language() or "").startswith("en")
    versions = [
        {"version": v, "title": v.title_en if english else v.title_vi,
         "unverified": v.unverified_en if english else v.unverified_vi,
         "details": [en if english else vi for vi, en in v.details if vi],
         "in_force": v.in_force_on(day)}
        for v in all_versions()
    ]  # fmt: skip
    context = {
        "day": day,
        "error": error,
        "in_force": [row for row in versions if row["in_force"]],
        "history": versions,
        "unverified_count": sum(1 for v in rules_on(day) if not v.verified),
    }
    return render(request, "site/rules.html", context, status=400 if error else 200)


urlpatterns = [path("quy-dinh/", rules_page, name="rules")]
