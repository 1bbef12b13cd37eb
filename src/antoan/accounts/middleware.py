"""The second step of login: until a session has given its 6-digit code (django-otp's `user.is_verified()`), a user
who needs it — an administrator or leader (required), or anyone who enrolled — gets no page but the code page, the
enrolment page (for a required user without a device yet), logging out and the language switch.

The API refuses such a session with a 401 in its usual bilingual JSON. API tokens are not sessions: a request that
sends `Authorization: Bearer …` is judged by its token alone, the half-logged-in session beside it is ignored.

The check runs once the URL is resolved (process_view), like the views' own reads of the session: every query it
makes belongs to the request's route in the logs.
"""

from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from antoan.accounts.two_factor import two_factor_state
from antoan.core.errors import Message
from antoan.core.unavailable import DATABASE_DOWN, database_unavailable

API_PREFIX = "/api/"
# What a half-logged-in user may still open (URL names).
OPEN_VIEWS = frozenset({"two-factor-verify", "two-factor-enrol", "logout", "set_language"})
PENDING_API_MESSAGE = Message(
    "Phiên đăng nhập chưa qua bước xác thực hai bước: nhập mã trên trang web, hoặc dùng khóa API",
    "This session has not passed two-factor login: enter the code on the web page, or use an API token",
)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.two_factor_pending = False  # (the header's menu is hidden while it is True)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            user = request.user  # (the first read of the session and the user, for most requests)
            if not user.is_authenticated or user.is_verified():
                return None
            state = two_factor_state(user=user)
        except DATABASE_DOWN as exc:
            # As from a view (core.unavailable): a bilingual 503, not the 500 of an error raised by a middleware.
            return database_unavailable(request, exc)
        if not state.needed:
            return None
        request.two_factor_pending = True
        if request.resolver_match.view_name in OPEN_VIEWS:
            return None
        if request.path_info.startswith(API_PREFIX):
            if "HTTP_AUTHORIZATION" in request.META:
                request.user = AnonymousUser()  # the token decides (core.api.ApiTokenAuth), not the session
                return None
            return JsonResponse({"errors": {"__all__": PENDING_API_MESSAGE.as_dict()}}, status=401)
        target = reverse("two-factor-verify" if state.enrolled else "two-factor-enrol")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
