from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from antoan.accounts.selectors import user_memberships
from antoan.units.selectors import unit_children


@login_required
def home(request):
    memberships = list(user_memberships(user=request.user))
    cards = [
        {"membership": m, "children": list(unit_children(user=request.user, unit=m.unit)[:60])} for m in memberships
    ]
    return render(request, "core/home.html", {"cards": cards})
