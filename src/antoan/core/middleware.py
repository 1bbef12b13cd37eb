from django.conf import settings
from django.utils import translation

from antoan.core.memo import memoized


class CookieLanguageMiddleware:
    """Vietnamese unless the user chose English with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which on office machines
    is often English; the officials' working language is Vietnamese, so only the explicit choice counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ReadMemoMiddleware:
    """A request that only reads (GET, HEAD) answers each memoised read (core/memo.py: the user's scope and the
    units it reaches, period locks) once: a page asked for them up to seven times. A request that writes reads
    them fresh each time, since what it changes may change them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        with memoized.scope():
            return self.get_response(request)
