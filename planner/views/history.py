"""The change history of an organization: who changed what, when, with before and after."""

import calendar
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.vary import vary_on_headers

from planner import rules
from planner.models import Change, Entity, Membership, Organization, PlannedHire
from planner.page_cache import render_page
from planner.views.access import READ, org_context, organization_view

PAGE_SIZE = 50
FORMER_USER = _("someone no longer here")

# The ?entity= filter: its value, its label, and the entities it covers. Creating the
# organization records its first settings, so it belongs with later settings changes.
ENTITY_FILTERS: dict[str, tuple[str, tuple[Entity, ...]]] = {
    Entity.HEADCOUNT: ("Headcount", (Entity.HEADCOUNT,)),
    Entity.TEAM_MEMBER: (_("Team members"), (Entity.TEAM_MEMBER,)),
    Entity.PLANNED_HIRE: (_("Planned hires"), (Entity.PLANNED_HIRE,)),
    Entity.SEGMENT: ("Segments", (Entity.SEGMENT,)),
    Entity.SETTINGS: (
        _("Settings and costs"),
        (Entity.SETTINGS, Entity.ORGANIZATION, Entity.ROLE_COST),
    ),
    Entity.SCENARIO: (_("Scenarios"), (Entity.SCENARIO,)),
    Entity.MEMBER: (
        _("Members and sharing"),
        (Entity.MEMBER, Entity.INVITATION, Entity.SHARE_LINK),
    ),
}

FIELD_NAMES = {
    "name": pgettext_lazy("a field of any row", "Name"),
    "role": _("Role"),
    "status": _("Status"),
    "notes": _("Notes"),
    "email": _("Email"),
    "sales": _("Sales"),
    "customer_success": _("Customer success"),
    "target_quarter": _("Target quarter"),
    "start_quarter": _("Start quarter"),
    "end_quarter": _("End quarter"),
    "target_ratio": _("Target ratio"),
    "reports_to": _("Enablement reports to"),
    "currency": _("Currency"),
    "opened": _("Opened"),
    "revoked_at": _("Revoked"),
    "other": _("Other customer-facing"),
    "fiscal_year_start_month": _("Fiscal year starts in"),
    "leader_has_adult_learning": _("Leader has adult-learning expertise"),
    "leader_strategic_share": _("Leader's time on strategy"),
    "hiring_lead_time": _("Hiring lead time (quarters)"),
    "stage_one_focus": _("Focus of a team of one"),
    "is_manager": _("Manages others in the role"),
    "count": _("Hires planned at once"),
    "annual_cost": _("Annual cost"),
    "manager_annual_cost": _("A manager's annual cost"),
    "hint": _("Link"),
    "expires_at": _("Expires"),
    "verticals": _("Verticals"),
}

VALUE_NAMES: dict[str, dict[Any, str]] = {
    "opened": {"by someone with the link": _("by someone with the link")},
    "role": dict(rules.ROLE_NAMES),
    "status": dict(PlannedHire.Status.choices),
    "reports_to": dict(Organization.ReportsTo.choices),
    "stage_one_focus": dict(Organization.Focus.choices),
    "fiscal_year_start_month": dict(enumerate(calendar.month_name)),
}


@dataclass(frozen=True)
class FieldChange:
    name: str
    before: str
    after: str


@dataclass(frozen=True)
class Entry:
    change: Change
    who: str
    what: str
    fields: list[FieldChange]


def field_name(field: str) -> str:
    """``customer_success`` → ``Customer success``."""
    return FIELD_NAMES.get(field) or capfirst(field.replace("_", " "))


def field_value(field: str, value: Any) -> str:
    """A stored value in plain words; ``""`` for no value."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field in VALUE_NAMES:
        return VALUE_NAMES[field].get(value, str(value))
    if field == "leader_strategic_share":
        return f"{value}%"
    if field in ("annual_cost", "manager_annual_cost"):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        places = 0 if amount == amount.to_integral_value() else 2
        return number_format(amount, decimal_pos=places, force_grouping=True)
    return str(value)


def _nobody(change: Change) -> str:
    """Who made a change with no account: a share link is opened by whoever holds it."""
    if change.entity == Entity.SHARE_LINK and "opened" in change.diff:
        return _("Someone with the link")
    return FORMER_USER


def describe(change: Change) -> Entry:
    fields = []
    for field, pair in change.diff.items():
        before, after = (field_value(field, value) for value in pair)
        # A new or removed row lists only the values it had.
        if change.action != Change.Action.UPDATED and not (before or after):
            continue
        fields.append(FieldChange(field_name(field), before, after))
    return Entry(
        change=change,
        who=change.actor.get_username() if change.actor else _nobody(change),
        what=(
            gettext("%(action)s %(entity)s %(label)s")
            % {
                "action": change.get_action_display(),
                "entity": change.get_entity_display(),
                "label": change.label,
            }
        ).strip(),
        fields=fields,
    )


@organization_view(get=READ)
@vary_on_headers("HX-Request")
def history(request: HttpRequest, membership: Membership) -> HttpResponse:
    def content() -> dict:
        entity = request.GET.get("entity", "")
        if entity not in ENTITY_FILTERS:
            entity = ""
        changes = Change.objects.filter(organization=membership.organization).select_related(
            "actor"
        )
        if entity:
            changes = changes.filter(entity__in=ENTITY_FILTERS[entity][1])
        page = Paginator(changes.order_by("-at", "-pk"), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        return org_context(
            membership,
            "history",
            page=page,
            entries=[describe(change) for change in page],
            entity=entity,
            entity_label=ENTITY_FILTERS[entity][0] if entity else "",
            entity_choices=[(value, label) for value, (label, _entities) in ENTITY_FILTERS.items()],
        )

    # A history restore wants the whole page back, not the list.
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "planner/history.html#history-list", content())
    # Every change moves the revision the kept page is named by; people are never renamed.
    return render_page(request, membership, "planner/history.html", "history", content)
