"""The pages of two-factor login: the code after the password, enrolment (QR code), the user's own account page,
and the administrators' list of users where a lost phone's device is reset."""

from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from antoan.accounts import selectors
from antoan.accounts.forms import OtpForm
from antoan.accounts.two_factor import (
    device_qr_data_uri,
    device_secret,
    two_factor_annotate,
    two_factor_device,
    two_factor_enrol_confirm,
    two_factor_enrol_start,
    two_factor_history,
    two_factor_reset,
    two_factor_state,
    two_factor_verify,
)
from antoan.core.errors import DomainError
from antoan.core.filters import status_of
from antoan.core.forms import add_domain_errors

USERS_PER_PAGE = 50


def _next_url(request) -> str:
    """Where to go once the code is accepted: the page first asked for, if it is one of ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    own = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    stops = (reverse("two-factor-verify"), reverse("two-factor-enrol"), reverse("logout"))
    if not own or not target.startswith("/") or target.split("?")[0] in stops:
        return reverse("home")
    return target


def _with_next(name: str, next_url: str) -> str:
    return reverse(name) + "?" + urlencode({"next": next_url})


def _verified(request, device) -> None:
    """The session has passed the second step: a new session key (the old one was only half logged in), then
    django-otp's login, which marks the session with the device."""
    request.session.cycle_key()
    otp_login(request, device)


def _locked_out(request, credentials):
    """django-axes' lockout (the same as for wrong passwords): the half-logged-in session ends."""
    logout(request)
    return get_lockout_response(request, None, credentials)


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify_view(request):
    """The second step of login: the 6-digit code. A wrong code counts as a failed login for django-axes (five lock
    the username and address for the cool-off time), and django-otp makes the device wait longer after each."""
    user, next_url = request.user, _next_url(request)
    if user.is_verified():
        return redirect(next_url)
    state = two_factor_state(user=user)
    if not state.enrolled:
        return redirect(_with_next("two-factor-enrol", next_url) if state.required else next_url)
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return _locked_out(request, credentials)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor_verify(user=user, code=form.cleaned_data["otp_token"])
        except DomainError as exc:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if getattr(request, "axes_locked_out", False):
                return _locked_out(request, credentials)
            add_domain_errors(form, exc)
        else:
            _verified(request, device)
            return redirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol_view(request):
    """Enrolment: the QR code and the secret in text for the authenticator app, confirmed by a first code."""
    user, next_url = request.user, _next_url(request)
    if two_factor_device(user=user) is not None:
        return redirect(next_url if user.is_verified() else _with_next("two-factor-verify", next_url))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor_enrol_confirm(user=user, code=form.cleaned_data["otp_token"])
        except DomainError as exc:
            add_domain_errors(form, exc)
        else:
            _verified(request, device)
            messages.success(request, _("Two-factor login is on: from now on, the code is asked after the password."))
            return redirect(next_url)
    device = two_factor_enrol_start(user=user)
    context = {
        "form": form,
        "next": next_url,
        "required": two_factor_state(user=user).required,
        "qr": device_qr_data_uri(device),
        "secret": device_secret(device),
    }
    return render(request, "accounts/two_factor_enrol.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The user's own account: units and roles, two-factor login (turn on; turn off when optional), API tokens."""
    user = request.user
    if request.method == "POST" and "two_factor_off" in request.POST:
        try:
            two_factor_reset(actor=user, user=user)
        except DomainError as exc:
            messages.error(request, str(next(iter(exc.errors.values()))))
        else:
            messages.success(request, _("Two-factor login is off."))
        return redirect("account")
    context = {
        "memberships": selectors.user_memberships(user=user),
        "state": two_factor_state(user=user),
        "device": two_factor_device(user=user),
        "is_admin": selectors.user_is_admin(user=user),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_http_methods(["GET"])
def users_two_factor(request):
    """Administrators: every user with their two-factor state, to find whose device to reset."""
    if not selectors.user_is_admin(user=request.user):
        raise Http404
    error = None
    try:
        filters = selectors.UserFilters.from_params(request.GET)
    except DomainError as exc:  # NUL in ?q= was a 500 on PostgreSQL
        error, filters = exc, None
    users = selectors.user_search(user=request.user, filters=filters)
    if filters is None:
        users = users.none()  # a list that silently ignored a filter would mislead
    users = two_factor_annotate(users).prefetch_related("memberships__unit")
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "q": filters.q if filters else "", "error": error}
    return render(request, "accounts/users_two_factor.html", context, status=status_of(error))


@login_required
@require_http_methods(["GET", "POST"])
def user_two_factor(request, user_pk):
    """Administrators: one user's two-factor state and its audit trail; POST resets it (a lost or changed phone)."""
    target = get_object_or_404(selectors.user_list(user=request.user), pk=user_pk)
    if request.method == "POST":
        try:
            removed = two_factor_reset(actor=request.user, user=target)
        except DomainError as exc:
            messages.error(request, str(next(iter(exc.errors.values()))))
        else:
            if removed:
                messages.success(request, _("Two-factor login reset for %(user)s.") % {"user": target.username})
            else:
                messages.info(request, _("%(user)s had no two-factor device.") % {"user": target.username})
        return redirect("user-two-factor", user_pk=target.pk)
    context = {
        "target": target,
        "state": two_factor_state(user=target),
        "device": two_factor_device(user=target),
        "history": two_factor_history(user=target)[:50],
    }
    return render(request, "accounts/user_two_factor.html", context)
