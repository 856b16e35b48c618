"""Self-service sign-up; login, logout and passwords are Django's own views."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from planner.forms import SignupForm
from planner.login_throttle import login_failures_clear


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Creates an account and logs it in; 404 where the operator turned sign-up off."""
    if not settings.SIGNUP_ENABLED:
        raise Http404("Sign-up is turned off on this site.")
    next_url = safe_next_path(request)
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url or reverse("home"))
    form = SignupForm(request.POST or None)
    context = {"form": form, "next": next_url}
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.get_username()}. Your account is ready.")
            return HttpResponseRedirect(next_url or reverse("home"))
        return render(request, "registration/signup.html", context, status=422)
    return render(request, "registration/signup.html", context)


def safe_next_path(request: HttpRequest) -> str:
    """The ``next`` page (an invitation link, say) if it is a path on this site, else "".

    Only ever a URL: never resolved as a view name, as ``redirect()`` would do with a bare word.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if not candidate.startswith("/") or not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    return candidate


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's own; a new password set from the emailed link also lifts a login pause on
    that username, as the lockout page promises (a pause on the address stays)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        login_failures_clear(username=form.user.get_username())
        return response
