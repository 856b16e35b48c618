"""Requests refused before any view, or Django's CSRF check, reads them."""

import codecs
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import translation
from django.utils.http import parse_header_parameters

FORM = "application/x-www-form-urlencoded"


def _unreadable_charset(content_type: str) -> str:
    """The declared charset if this site cannot decode the request with it, else ""."""
    media_type, params = parse_header_parameters(content_type)
    charset = params.get("charset")
    if charset is None:
        return ""
    try:
        codec = codecs.lookup(charset)
    except LookupError:
        return charset or '""'
    if media_type == FORM and charset.lower() != "utf-8":
        return charset  # Django reads form posts as UTF-8 only, spelt so
    try:
        # Form and query syntax is ASCII: "=", "&", "%", "-" must mean themselves.
        ascii_compatible = "a=1&b-%;".encode(codec.name) == b"a=1&b-%;"
    except (UnicodeError, LookupError, TypeError):
        ascii_compatible = False
    return "" if ascii_compatible else charset


class RequestCharsetMiddleware:
    """400 for a body in a character set the site cannot read, such as charset=utf-16.

    Without it, the CSRF check reads the form, fails to decode it, and Django's own failure
    page reads it again: a 500 anyone with a CSRF cookie could trigger.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        charset = _unreadable_charset(request.META.get("CONTENT_TYPE", ""))
        if charset:
            return HttpResponseBadRequest(
                f"This site cannot read a request sent as {charset!r}: send forms as UTF-8.",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


# Where a signed-in user's language is kept for the length of their session: read from
# UserPreferences once at login (planner.languages), so that no request pays a query for it.
SESSION_LANGUAGE_KEY = "planner_language"


class UserLanguageMiddleware:
    """A signed-in user's own language, over the cookie and the browser's: after
    LocaleMiddleware, which has already chosen one for an anonymous visitor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get(SESSION_LANGUAGE_KEY)
        if not (language and translation.check_for_language(language)):
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            # The browser keeps the user's language after they log out.
            set_language_cookie(response, language)
        return response


def set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
