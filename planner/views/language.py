"""The language switcher in every page's header: a plain form POST, remembered for the
user when signed in and in a cookie for everyone."""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planner import services
from planner.languages import LANGUAGE_CODES, remember_for_session
from planner.middleware import set_language_cookie


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    language = request.POST.get("language", "")
    if language not in LANGUAGE_CODES:
        return HttpResponseBadRequest(
            _("Choose a language the interface is written in."),
            content_type="text/plain; charset=utf-8",
        )
    if request.user.is_authenticated:
        services.user_language_set(user=request.user, language=language)
        remember_for_session(request, language)
    response = redirect(_safe_next(request))
    set_language_cookie(response, language)
    return response
