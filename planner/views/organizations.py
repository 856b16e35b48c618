"""The user's organizations, creating one, its settings and its role costs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from planner import services
from planner.forms import OrganizationForm, add_service_errors
from planner.models import Membership
from planner.settings_page import (
    SETTINGS_TEMPLATE,
    differences,
    role_costs_form,
    settings_context,
    settings_form,
)
from planner.views.access import READ, WRITE, organization_view


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.of_user(request.user)
    return render(request, "planner/home.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.ORGANIZATION_FIELDS}
        try:
            organization = services.organization_create(owner=request.user, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Created %(name)s. Start with your customer-facing headcount:"
                    " pick a quarter and fill it in."
                )
                % {"name": organization.name},
            )
            return redirect("headcount", organization.slug)
    status = 422 if form.errors else 200
    return render(request, "planner/organization_form.html", {"form": form}, status=status)


# --- settings ------------------------------------------------------------------------------


@organization_view(get=READ, post=WRITE)
def organization_settings(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Everyone in the organization sees the settings; editors and owners change them."""
    organization = membership.organization
    if request.method == "GET":
        return render(request, SETTINGS_TEMPLATE, settings_context(membership))
    form = OrganizationForm(request.POST, instance=organization)
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.ORGANIZATION_FIELDS}
        try:
            services.organization_update(
                organization=organization,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **fields,
            )
        except services.StaleEdit as error:
            current = error.current
            membership.organization = current
            context = settings_context(
                membership,
                form=settings_form(current, membership),
                stale=True,
                differences=differences(form, current),
            )
            return render(request, SETTINGS_TEMPLATE, context, status=409)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Settings saved. The gap and roadmap use them from now on.")
            )
            return redirect("organization_settings", membership.organization.slug)
    # Validation wrote the typed values onto the organization; the page shows the stored ones.
    organization.refresh_from_db()
    return render(request, SETTINGS_TEMPLATE, settings_context(membership, form=form), status=422)


# --- role costs ----------------------------------------------------------------------------


@organization_view(post=WRITE)
def role_costs(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Saves every role's default annual cost at once; the form is on the settings page."""
    organization = membership.organization
    form = role_costs_form(membership, request.POST)
    if form.is_valid():
        try:
            services.role_costs_update(
                organization=organization, actor=request.user, costs=form.costs()
            )
        except (services.StaleEdit, services.RowGone):
            context = settings_context(membership, costs_stale=True)
            return render(request, SETTINGS_TEMPLATE, context, status=409)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Costs saved, in %(currency)s. The roadmap, gap and team "
                    "pages show them from now on."
                )
                % {"currency": organization.currency},
            )
            return redirect(reverse("organization_settings", args=[organization.slug]) + "#costs")
    context = settings_context(membership, costs_form=form)
    return render(request, SETTINGS_TEMPLATE, context, status=422)
