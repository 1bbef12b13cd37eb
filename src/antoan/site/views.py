from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from antoan.accounts.selectors import user_memberships
from antoan.movement.selectors import models_overdue
from antoan.portal.selectors import tip_overdue_count
from antoan.units.selectors import unit_children

HOME_CHILDREN_SHOWN = 60


@login_required
def home(request):
    cards = []
    for membership in user_memberships(user=request.user):
        children = unit_children(user=request.user, unit=membership.unit)
        cards.append(
            {
                "membership": membership,
                "children": children[:HOME_CHILDREN_SHOWN],
                "child_count": children.count(),
                "overdue_models": models_overdue(user=request.user, unit=membership.unit).count(),
            }
        )
    context = {"cards": cards}
    if cards:
        context["overdue_tips"] = tip_overdue_count(user=request.user)
        hours = settings.ANTOAN_TIP_OVERDUE_HOURS
        context["overdue_hours"] = int(hours) if float(hours).is_integer() else hours
    return render(request, "site/home.html", context)
