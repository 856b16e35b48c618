"""The user's own account: sign-up, confirming an e-mail address, changing it.

Login, logout and passwords are Django's own views.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from planner import services
from planner.forms import EmailChangeForm, SignupForm, add_service_errors
from planner.login_throttle import login_failures_clear
from planner.models import Membership, has_verified_email

mail_log = logging.getLogger("planner.mail")

CONFIRMATION_DAYS = services.EMAIL_CONFIRMATION_VALID_FOR.days


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


def send_email_confirmation(request: HttpRequest, user) -> bool:
    """Mails ``user``'s address a confirmation link; False (and logged) if the mail failed.

    An address another account already uses gets a notice saying so instead of a link, so
    that the page shown here is the same either way: sign-up reveals nothing about who is
    registered.
    """
    context = {"user": user, "valid_days": CONFIRMATION_DAYS}
    if services.email_in_use_elsewhere(user=user, email=user.email):
        template = "registration/email_in_use"
        context["reset_link"] = request.build_absolute_uri(reverse("password_reset"))
    else:
        template = "registration/email_confirmation"
        token = services.email_confirmation_token(user)
        context["link"] = request.build_absolute_uri(reverse("email_confirm", args=[token]))
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}_body.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (smtplib.SMTPException, OSError):
        mail_log.exception("Could not send the address confirmation to %s", user.email)
        return False
    return True


def _confirmation_notice(request: HttpRequest, user, sent: bool) -> None:
    if sent:
        messages.info(
            request,
            _(
                "We sent a message to %(email)s: follow its link within "
                "%(confirmation_days)s days to confirm the address. You need a "
                "confirmed address to accept invitations."
            )
            % {"email": user.email, "confirmation_days": CONFIRMATION_DAYS},
        )
    else:
        messages.error(
            request,
            _(
                "The confirmation message to %(email)s could not be sent. Try "
                "again later from “Your account”."
            )
            % {"email": user.email},
        )


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Creates an account, logs it in and mails the address a confirmation link.

    404 where the operator turned sign-up off.
    """
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
            messages.success(
                request,
                _("Welcome, %(username)s. Your account is ready.")
                % {"username": user.get_username()},
            )
            _confirmation_notice(request, user, send_email_confirmation(request, user))
            return HttpResponseRedirect(next_url or reverse("home"))
        return render(request, "registration/signup.html", context, status=422)
    return render(request, "registration/signup.html", context)


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows which address the link confirms; POST confirms it.

    No login needed: the signed link is the proof of receiving mail at the address.
    """
    template = "registration/email_confirm.html"
    try:
        user, email = services.email_confirmation_from_token(token)
    except services.EmailConfirmationUnusable as error:
        # A link that never was one is a bad request; one that was valid once is gone.
        status = 400 if isinstance(error, services.EmailConfirmationInvalid) else 410
        context = {"error": error, "valid_days": CONFIRMATION_DAYS}
        return render(request, template, context, status=status)
    context = {"confirm_user": user, "email": email}
    if request.method == "GET":
        return render(request, template, context)
    try:
        services.verified_email_confirm(user=user, email=email)
    except ValidationError as error:
        context["refused"] = " ".join(error.messages)
        return render(request, template, context, status=409)
    messages.success(
        request,
        _("Thank you: %(email)s is confirmed for %(username)s.")
        % {"email": email, "username": user.get_username()},
    )
    if request.user.is_authenticated and request.user.pk == user.pk:
        return HttpResponseRedirect(reverse("account"))
    return HttpResponseRedirect(reverse("login"))


@login_required
@require_POST
def email_confirmation_send(request: HttpRequest) -> HttpResponse:
    """(Re)sends the confirmation link for the signed-in user's current address."""
    user = request.user
    next_url = safe_next_path(request) or reverse("account")
    if not user.email:
        messages.error(request, _("Your account has no e-mail address yet: add one first."))
        return HttpResponseRedirect(reverse("account"))
    if has_verified_email(user):
        messages.info(request, _("%(email)s is already confirmed.") % {"email": user.email})
        return HttpResponseRedirect(next_url)
    _confirmation_notice(request, user, send_email_confirmation(request, user))
    return HttpResponseRedirect(next_url)


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's address, whether it is confirmed, and a form to change it."""
    user = request.user
    form = EmailChangeForm(request.POST or None, user=user, request=request)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.user_email_change(user=user, email=form.cleaned_data["email"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Your address is now %(email)s.") % {"email": user.email}
                )
                _confirmation_notice(request, user, send_email_confirmation(request, user))
                return HttpResponseRedirect(reverse("account"))
        status = 422
    context = {"form": form, "verified": has_verified_email(user)}
    return render(request, "registration/account.html", context, status=status)


class LoginView(auth_views.LoginView):
    """Django's login; someone in exactly one organization lands in it, not on a list of one."""

    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        memberships = list(Membership.objects.of_user(self.request.user)[:2])
        if len(memberships) == 1:
            return reverse("gap", args=[memberships[0].organization.slug])
        return super().get_default_redirect_url()


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's own; a new password set from the emailed link also lifts a login pause on
    that username, as the lockout page promises (a pause on the address stays)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        login_failures_clear(username=form.user.get_username())
        return response
