"""Currencies: which ISO 4217 codes an organization may choose, and their names.

The list comes from babel, which ships the Unicode CLDR data: it is maintained upstream
and follows ISO 4217 amendments (new codes such as ZWG or XCG arrive with a babel
upgrade), so the project keeps no hand-written copy of the standard. A stored code stays
valid when its currency is withdrawn; a new choice is offered only among currencies that
are legal tender today.
"""

import datetime
import functools
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import get_currency_name, get_territory_currencies, list_currencies
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

DEFAULT_CURRENCY = "USD"


@functools.cache
def known_codes() -> frozenset[str]:
    """Every ISO 4217 code CLDR knows, withdrawn ones included."""
    return frozenset(list_currencies())


@functools.cache
def tender_codes(today: datetime.date) -> tuple[str, ...]:
    """Codes legal tender somewhere on ``today``, sorted."""
    codes: set[str] = set()
    for territory in Locale("en").territories:
        codes.update(get_territory_currencies(territory, start_date=today, tender=True))
    return tuple(sorted(codes & known_codes()))


def currency_name(code: str) -> str:
    """The currency's name in the reader's language: "Euro", "euro"."""
    return get_currency_name(code, locale=translation.to_locale(translation.get_language() or "en"))


def currency_choices(today: datetime.date, keep: str = "") -> list[tuple[str, str]]:
    """The select's options, "EUR — Euro"; ``keep`` (the stored code) is always offered."""
    codes = set(tender_codes(today)) | ({keep} if keep in known_codes() else set())
    return [(code, f"{code} — {currency_name(code)}") for code in sorted(codes)]


def validate_currency(value: str) -> None:
    if value not in known_codes():
        raise ValidationError(
            _("Choose a currency by its three-letter ISO 4217 code, like EUR, USD or PLN."),
            code="unknown_currency",
        )


def format_amount(amount: Decimal, currency: str, *, cents: bool = False) -> str:
    """An amount grouped as the reader's language writes numbers, with its currency code:
    "1,270,000 USD" in English, "1 270 000 PLN" in Polish. Whole units unless ``cents``,
    and then cents only where there are any ("88,000.50 USD", "95,000 USD")."""
    places = 2 if cents and Decimal(amount) % 1 else 0
    rounded = Decimal(amount).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = number_format(rounded, decimal_pos=places, force_grouping=True)
    return f"{text}\N{NO-BREAK SPACE}{currency}"
