"""The interface's language: a signed-in user's choice, kept in UserPreferences.

A visitor who is not signed in is served by the language cookie the switcher sets (or the
browser's Accept-Language); a user's own choice follows them from browser to browser: it
is read once at login into the session, where UserLanguageMiddleware finds it.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import translation

from planner.middleware import SESSION_LANGUAGE_KEY
from planner.models import UserPreferences

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def user_language(user) -> str:
    """The language ``user`` chose, or "" if they never chose one."""
    preferences = UserPreferences.objects.filter(user=user).first()
    return preferences.language if preferences else ""


def remember_for_session(request: HttpRequest, language: str) -> None:
    request.session[SESSION_LANGUAGE_KEY] = language
    translation.activate(language)
    request.LANGUAGE_CODE = language


@receiver(user_logged_in, dispatch_uid="planner.languages.apply_at_login")
def _apply_at_login(sender, request, user, **kwargs) -> None:
    """A user who chose a language gets it at once; one who never did keeps the language
    they were reading when they signed in, and it becomes theirs."""
    if request is None:
        return
    language = user_language(user)
    if not language:
        language = translation.get_language_from_request(request)
        if language not in LANGUAGE_CODES:
            language = settings.LANGUAGE_CODE
        UserPreferences.objects.get_or_create(user=user, defaults={"language": language})
    remember_for_session(request, language)
