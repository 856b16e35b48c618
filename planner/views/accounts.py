"""Self-service sign-up; login, logout and passwords are Django's own views."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from planner.forms import SignupForm
from planner.login_throttle import login_failures_clear


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Creates an account and logs it in; 404 where the operator turned sign-up off."""
    if not settings.SIGNUP_ENABLED:
        raise Http404("Sign-up is turned off on this site.")
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = SignupForm(request.POST or None)
    context = {"form": form, "next": next_url}
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.get_username()}. Your account is ready.")
            return redirect(next_url or "home")
        return render(request, "registration/signup.html", context, status=422)
    return render(request, "registration/signup.html", context)


def _safe_next(request: HttpRequest) -> str:
    """Where to go after sign-up (an invitation link, say), if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's own; a new password set from the emailed link also lifts a login pause on
    that username, as the lockout page promises (a pause on the address stays)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        login_failures_clear(username=form.user.get_username())
        return response
