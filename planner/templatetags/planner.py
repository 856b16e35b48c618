from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from planner import rules
from planner.money import format_amount
from planner.quarters import Quarter

register = template.Library()


@register.filter
def quarter(ordinal: int | None) -> str:
    """``FY2027 Q1`` from a stored quarter ordinal."""
    if ordinal is None or ordinal == "":
        return ""
    return Quarter.from_ordinal(int(ordinal)).label


@register.simple_tag
def quarter_options(ordinals, selected: int | None) -> SafeString:
    """The ``<option>`` of each quarter in ``ordinals``, ``selected`` chosen. Quarter labels
    do not depend on the fiscal calendar, so the options of a range are drawn once: the gap
    panel beside the headcount grid draws forty of them after every saved cell."""
    return _quarter_options(tuple(ordinals), selected)


@lru_cache(maxsize=1024)
def _quarter_options(ordinals: tuple[int, ...], selected: int | None) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((quarter_key(q), " selected" if q == selected else "", quarter(q)) for q in ordinals),
    )


@register.filter
def quarter_start(ordinal: int, organization) -> str:
    """The quarter's first day, "1 Jan 2027" (in Polish "1 sty 2027")."""
    return date_format(organization.quarter_start(int(ordinal)), "j M Y")


@register.filter
def quarter_key(ordinal: int) -> str:
    """The compact form used in URLs: ``FY2027Q1``."""
    if ordinal is None or ordinal == "":
        return ""
    q = Quarter.from_ordinal(int(ordinal))
    return f"FY{q.fiscal_year}Q{q.number}"


@register.filter
def role_name(role: str) -> str:
    return rules.ROLE_NAMES.get(role, role)


@register.filter
def gap_class(gap: int) -> str:
    if gap > 0:
        return "gap-short"
    if gap < 0:
        return "gap-over"
    return "gap-ok"


@register.filter
def signed(number: int) -> str:
    return f"+{number}" if number > 0 else str(number)


@register.simple_tag
def signup_enabled() -> bool:
    """Whether self-service sign-up is on; read at render time, so tests can switch it."""
    return settings.SIGNUP_ENABLED


@register.filter
def minutes(duration) -> int:
    """Whole minutes of a timedelta, rounded up: "try again in 15 minutes"."""
    return -(-int(duration.total_seconds()) // 60)


@register.filter
def citation_url(citation: str) -> str:
    """Where a cited rule is explained: "A.4" → "/rules/#a-4"."""
    return f"{reverse('rules')}#{rules.citation_anchor(citation)}"


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """An amount in whole units with its currency: "1,270,000 USD"."""
    if amount is None or amount == "":
        return ""
    return format_amount(amount, currency)


@register.filter
def money_exact(amount: Decimal | None, currency: str) -> str:
    """An amount with its cents, as typed in a form, with its currency code."""
    if amount is None or amount == "":
        return ""
    return format_amount(amount, currency, cents=True)


@register.filter
def times(amount: Decimal, factor: int) -> Decimal:
    """``amount`` × ``factor``, exactly: a quarter's cost as a year's."""
    return Decimal(amount) * int(factor)


@register.simple_tag(takes_context=True)
def plan_url(context, name: str, *args, **query) -> str:
    """``{% url %}`` for a page of the plan, in the scenario the page shows (if any).

    Every link, form action and htmx request of a page that can show a scenario goes
    through here, so that what a person does lands in the scenario they are looking at.
    Keyword arguments become the query string (``quarter=...``); empty ones are left out.
    """
    url = reverse(name, args=args)
    scenario = context.get("scenario")
    params = {key: value for key, value in query.items() if value not in (None, "")}
    if scenario is not None:
        params["scenario"] = scenario.pk
    return f"{url}?{urlencode(params)}" if params else url


@register.filter
def yesno_or_value(value):
    """A yes/no for a boolean planning input, the value itself otherwise."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return value


@register.filter
def index(sequence, position: int):
    """``sequence[position]``, for lists walked in step with another in a template."""
    return sequence[position]


@register.filter
def hire_status_name(status: str) -> str:
    """A hire's status as the reader's language names it: "approved" → "Approved"."""
    from planner.models import PlannedHire

    try:
        return PlannedHire.Status(status).label
    except ValueError:
        return status
