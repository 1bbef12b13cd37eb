"""The public pages: the tip form and the tracking page (no login; every other page needs one).

Every POST first passes `_public_post`: the per-source limit (429), the size of what was sent (413) and
whether it could be read at all (400) are answered with a clear bilingual page before anything else, and
only then is the CSRF token checked (Django's CSRF middleware would otherwise read the body first and turn
an oversized one into a bare "Bad Request"). Then the view parses the form, calls one service or selector
and renders.
"""

import time
from functools import wraps

from django.conf import settings
from django.core import signing
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from antoan.core import clock
from antoan.core.errors import DomainError
from antoan.core.forms import add_domain_errors
from antoan.core.maps import map_settings
from antoan.portal import limits, selectors, services
from antoan.portal.forms import USED, TipForm, TrackForm, stamp_claim, stamp_new, stamp_release

# A lookup takes at least this long whatever its answer, so timing does not tell a real code from a
# wrong one (tests set it to 0).
TRACK_MIN_SECONDS = 0.25
SENT_MAX_AGE = 3600  # seconds during which the thank-you link shows the code
_SENT_SALT = "antoan.portal.tip-sent"
_TEXT_ALLOWANCE = 1024 * 1024  # the text fields and the multipart framing, on top of the photos
_TRACK_MAX_BYTES = 64 * 1024


def _tip_max_bytes() -> int:
    return settings.ANTOAN_TIP_PHOTO_MAX_COUNT * settings.ANTOAN_TIP_PHOTO_MAX_BYTES + _TEXT_ALLOWANCE


def _size_context() -> dict:
    return {
        "max_photos": settings.ANTOAN_TIP_PHOTO_MAX_COUNT,
        "photo_mb": settings.ANTOAN_TIP_PHOTO_MAX_BYTES // (1024 * 1024),
    }


def _refusal(request, *, action: str, per_hour: int, max_bytes: int):
    """The page answering a POST that is not even read (None when it may go on)."""
    if limits.limit_reached(request, action=action, per_hour=per_hour):
        wait = limits.WINDOW_SECONDS - int(clock.timestamp()) % limits.WINDOW_SECONDS
        response = render(request, "portal/public_limit.html", {"action": action, "per_hour": per_hour}, status=429)
        response["Retry-After"] = str(wait)
        return response
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    status = 413 if length > max_bytes else None
    if status is None:
        try:
            request.POST, request.FILES  # noqa: B018 -- read now, so that a refusal is our page
        except RequestDataTooBig:
            status = 413
        except (TooManyFieldsSent, TooManyFilesSent, MultiPartParserError, BadRequest, UnreadablePostError):
            status = 400
    if status is None:
        return None
    context = {"too_large": status == 413, "action": action, **_size_context()}
    return render(request, "portal/public_too_large.html", context, status=status)


def _public_post(*, action: str, per_hour_setting: str, max_bytes):
    """Refuse an over-limit, oversized or unreadable POST with a clear page, then check CSRF as usual."""

    def decorate(view):
        protected = csrf_protect(view)

        @csrf_exempt  # checked by `protected`, once the body is known to be readable
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                per_hour = getattr(settings, per_hour_setting)
                refused = _refusal(request, action=action, per_hour=per_hour, max_bytes=max_bytes())
                if refused is not None:
                    return refused
            return protected(request, *args, **kwargs)

        return wrapper

    return decorate



def _tip_form_page(request, form: TipForm, *, status: int = 200):
    context = {
        "form": form,
        "map": map_settings(),
        "photos_lost": request.method == "POST" and bool(request.FILES),  # a file input never keeps them
        **_size_context(),
    }
    return render(request, "portal/public_tip_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@_public_post(action="tip", per_hour_setting="ANTOAN_TIPS_PER_HOUR", max_bytes=_tip_max_bytes)
def tip_submit(request):
    if request.method == "GET":
        return _tip_form_page(request, TipForm())
    if "show_communes" in request.POST:  # the province step of a browser without JavaScript
        form = TipForm(initial=request.POST.dict(), stamp=request.POST.get("started"))
        return _tip_form_page(request, form)
    form = TipForm(request.POST, request.FILES)
    if form.is_valid():
        if not stamp_claim(form.stamp):  # this form (its stamp) already sent a tip
            form.add_error(None, str(USED))
            form.stamp = stamp_new()
            return _tip_form_page(request, form, status=400)
        try:
            tip = services.tip_submit(**form.submission())
        except DomainError as exc:
            stamp_release(form.stamp)
            add_domain_errors(form, exc)
        else:
            return redirect("tip-sent", token=signing.dumps(tip.tracking_code, salt=_SENT_SALT))
    return _tip_form_page(request, form, status=400)


@require_GET
def tip_communes(request):
    """The <option>s of the chosen province's communes, for the commune select."""
    communes = selectors.tip_communes(request.GET.get("tinh"))
    return render(request, "portal/public_communes.html", {"communes": communes})


def grouped(code: str) -> str:
    """ABCDEFGHJKMN → ABCD-EFGH-JKMN: easier to read aloud and to copy by hand."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@never_cache
@require_GET
def tip_sent(request, token):
    try:
        code = signing.loads(token, salt=_SENT_SALT, max_age=SENT_MAX_AGE)
    except signing.BadSignature:
        code = None
    if not isinstance(code, str):
        return render(request, "portal/public_tip_sent.html", {"code": None}, status=404)
    return render(
        request, "portal/public_tip_sent.html", {"code": grouped(code), "max_age_minutes": SENT_MAX_AGE // 60}
    )


@never_cache
@require_http_methods(["GET", "POST"])
@_public_post(action="track", per_hour_setting="ANTOAN_TIP_LOOKUPS_PER_HOUR", max_bytes=lambda: _TRACK_MAX_BYTES)
def tip_track(request):
    """The code is posted, never put in the address: it is the only key to the tip."""
    form = TrackForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        started = time.monotonic()
        result = selectors.tip_track(code=form.cleaned_data["code"])
        time.sleep(max(0.0, TRACK_MIN_SECONDS - (time.monotonic() - started)))
    context = {"form": form, "looked_up": form.is_bound, "result": result}
    return render(request, "portal/public_track.html", context)


urlpatterns = [
    path("tin-bao/", tip_submit, name="tip-submit"),
    path("tin-bao/xa/", tip_communes, name="tip-communes"),
    path("tin-bao/da-gui/<str:token>/", tip_sent, name="tip-sent"),
    path("tin-bao/tra-cuu/", tip_track, name="tip-track"),
]
