"""Input validation and error messages for every form of the planner."""

import calendar
import re
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from planner import forecast, rules, services
from planner.models import (
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    RoleCost,
    Scenario,
    Segment,
    ShareLink,
    TeamMember,
)
from planner.money import DEFAULT_CURRENCY, currency_choices
from planner.quarters import MAX_ORDINAL, MIN_ORDINAL, Quarter
from planner.services import ORGANIZATION_FIELDS, RoleCostInput
from planner.validators import validate_plain_text

MAX_HEADCOUNT = 1_000_000


def _lazy_format(message, **values) -> str:
    """A message with numbers in it, put together when shown, in the reader's language:
    the numbers are grouped as that language writes them ("1,000,000", "1 000 000")."""

    def put_together() -> str:
        return message % {
            key: number_format(value, force_grouping=True) if isinstance(value, int) else value
            for key, value in values.items()
        }

    return lazy(put_together, str)()


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A rule the service enforces beyond the form: beside its field, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


MISSING_VERSION = _(
    "This form does not say which version of the row it changes, so it could overwrite "
    "someone else's edit. Reload the page and try again."
)


def require_version(cleaned_data: dict) -> dict:
    """An edit must name the version it was made from, or the stale-edit check is skipped."""
    if cleaned_data.get("version") is None:
        raise forms.ValidationError(MISSING_VERSION, code="missing_version")
    return cleaned_data


class VersionedForm(forms.ModelForm):
    """Carries the version of the row as the editor saw it, for the stale-edit check.

    Optional when creating a row, required when editing one.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            require_version(cleaned_data)
        return cleaned_data


def headcount_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=MAX_HEADCOUNT,
        error_messages={
            "required": _("Enter a number (0 if none)."),
            "invalid": _("Enter a whole number of people, like 42."),
            "min_value": _("Headcount cannot be negative."),
            "max_value": _lazy_format(
                _("That is more than %(max)s people; check the number."), max=MAX_HEADCOUNT
            ),
        },
    )


class SnapshotForm(forms.Form):
    """One row of the headcount grid. The service validates the row against the model."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    sales = headcount_field("Sales")
    customer_success = headcount_field(_("Customer success"))
    other = headcount_field(_("Other customer-facing"))

    def __init__(self, *args, snapshot: HeadcountSnapshot, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": snapshot.version,
                "sales": snapshot.sales,
                "customer_success": snapshot.customer_success,
                "other": snapshot.other,
            },
        )
        super().__init__(*args, **kwargs)
        self.snapshot = snapshot

    def clean(self):
        return require_version(super().clean())


PASTE_COLUMNS = (
    ("sales", "sales"),
    ("customer_success", _("customer success")),
    ("other", _("other customer-facing")),
)


def parse_pasted_rows(text: str) -> tuple[list[rules.Headcount], list[str]]:
    """Rows copied from a spreadsheet: sales, customer success and other customer-facing,
    separated by tabs (a spreadsheet's copy) or else by commas or semicolons.

    Blank lines are skipped, and so is a first line with no digit in it (a header). Inside
    a tab-separated cell, thousands separators (1,200 or 1 200) are allowed. Returns the
    rows and one message per refused cell or row, each saying which row and column.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and not re.search(r"\d", lines[0]):
        lines = lines[1:]
    tabbed = any("\t" in line for line in lines)
    rows: list[rules.Headcount] = []
    errors: list[str] = []
    for number, line in enumerate(lines, start=1):
        cells = [cell.strip() for cell in (line.split("\t") if tabbed else re.split(r"[,;]", line))]
        while len(cells) > len(PASTE_COLUMNS) and cells[-1] == "":
            cells.pop()  # a trailing separator
        if len(cells) != len(PASTE_COLUMNS):
            errors.append(
                ngettext(
                    "Row %(number)s has %(count)s value: paste three columns, sales, customer "
                    "success and other customer-facing.",
                    "Row %(number)s has %(count)s values: paste three columns, sales, customer "
                    "success and other customer-facing.",
                    len(cells),
                )
                % {"number": number, "count": len(cells)}
            )
            continue
        values = []
        for cell, (_key, column) in zip(cells, PASTE_COLUMNS, strict=True):
            raw = re.sub(r"[ \u00a0\u202f,']", "", cell) if tabbed else cell
            if raw == "":
                errors.append(
                    gettext("Row %(number)s, %(column)s: empty; enter 0 if none.")
                    % {"number": number, "column": column}
                )
            elif not raw.isascii() or not raw.isdigit():
                errors.append(
                    gettext(
                        "Row %(number)s, %(column)s: “%(value)s” is not a whole number of people."
                    )
                    % {"number": number, "column": column, "value": cell[:20]}
                )
            elif int(raw) > MAX_HEADCOUNT:
                errors.append(
                    gettext("Row %(number)s, %(column)s: %(value)s is more than %(max)s people.")
                    % {
                        "number": number,
                        "column": column,
                        "value": number_format(int(raw), force_grouping=True),
                        "max": number_format(MAX_HEADCOUNT, force_grouping=True),
                    }
                )
            else:
                values.append(int(raw))
        if len(values) == len(PASTE_COLUMNS):
            rows.append(rules.Headcount(*values))
    return rows, errors


class PasteForm(forms.Form):
    """Rows pasted from a spreadsheet into the headcount, from a first quarter on."""

    text = forms.CharField(
        label=_("Rows copied from a spreadsheet"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text=_(
            "One row per quarter, three columns: sales, customer success, other "
            "customer-facing. Tabs (as a spreadsheet copies them), commas or semicolons."
        ),
        error_messages={
            "required": _("Paste at least one row of three numbers."),
            "max_length": _("That is more than a paste of headcount; paste at most 40 rows."),
        },
    )
    # The versions of the quarters as the page showed them: "8108:2,8109:1".
    versions = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, ordinals: list[int], initial_quarter: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_quarter"] = QuarterChoiceField(
            ordinals=ordinals,
            initial=initial_quarter,
            label=_("Fill from quarter"),
            help_text=_("The first row fills this quarter, each next row the quarter after."),
        )
        self.order_fields(["first_quarter", "text"])

    def clean_text(self) -> list[rules.Headcount]:
        rows, errors = parse_pasted_rows(self.cleaned_data["text"])
        if errors:
            raise forms.ValidationError(errors)
        if not rows:
            raise forms.ValidationError(_("Paste at least one row of three numbers."))
        return rows

    def clean_versions(self) -> dict[int, int] | None:
        raw = self.cleaned_data["versions"].strip()
        if not raw:
            return {}
        versions = {}
        for pair in raw.split(","):
            quarter, _sep, version = pair.partition(":")
            if not (quarter.strip().isdigit() and version.strip().isdigit()):
                raise forms.ValidationError(MISSING_VERSION)
            versions[int(quarter)] = int(version)
        return versions


class QuarterChoiceField(forms.TypedChoiceField):
    """A select of fiscal quarters; the submitted value is the ordinal."""

    def __init__(self, *, ordinals: list[int], **kwargs):
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("Choose a quarter from the list.")}
        )
        super().__init__(
            choices=[(o, Quarter.from_ordinal(o).label) for o in ordinals],
            coerce=int,
            **kwargs,
        )


class FirstQuarterForm(forms.Form):
    """For an organization with no headcount yet: which quarter to start from."""

    def __init__(self, *args, ordinals: list[int], initial_quarter: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"] = QuarterChoiceField(
            ordinals=ordinals, initial=initial_quarter, label=_("First quarter")
        )


IMPORT_EMPTY = _(
    "The file is empty: download the template and write one quarter on each line under its header."
)


class HeadcountImportForm(forms.Form):
    """The file of a headcount import: there and small enough; ``planner.imports`` reads it."""

    file = forms.FileField(
        label=_("CSV or Excel file"),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": _("Choose a CSV or Excel file to import."),
            "missing": _("No file came with the form: choose it again."),
            "invalid": _("No file came with the form: choose it again."),
            "empty": IMPORT_EMPTY,
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        # Checked before a byte of the file is read.
        if upload.size > limit:
            raise ValidationError(
                _(
                    "This file is %(size)s; files up to %(limit)s can be "
                    "imported. Keep only the headcount's four columns, or import "
                    "the quarters in parts."
                )
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload


# --- growth forecast --------------------------------------------------------------------------

FORECAST_FUNCTIONS = (
    ("sales", gettext_lazy("Sales")),
    ("customer_success", gettext_lazy("Customer success")),
    ("other", gettext_lazy("Other customer-facing")),
)


def _rate_field(label: str) -> forms.DecimalField:
    limits = gettext_lazy(
        "A growth rate is from -100%% (everyone gone) to 100%% (doubling each quarter)."
    )
    return forms.DecimalField(
        label=label,
        required=False,
        initial=0,
        max_digits=5,
        decimal_places=2,
        min_value=forecast.MIN_RATE,
        max_value=forecast.MAX_RATE,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={
            "invalid": gettext_lazy("Write a percentage per quarter, like 15 or -5."),
            "min_value": limits,
            "max_value": limits,
            "max_digits": limits,
            "max_decimal_places": gettext_lazy("Two decimals at most, like 2.25."),
            "max_whole_digits": limits,
        },
    )


def _target_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_HEADCOUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": gettext_lazy("Write a whole number of people, 0 if none."),
            "min_value": gettext_lazy("Headcount cannot be below 0."),
            "max_value": gettext_lazy(
                "That is more than %(limit_value)s people; check the number."
            ),
        },
    )


class GrowthForecastForm(forms.Form):
    """Coming quarters from a growth rate per function, or from a target by the last quarter.

    Checked against the plan's headcount (``headcounts``, by quarter) and the current
    quarter ``now``: a forecast fills quarters from ``now`` on (earlier ones are actual),
    at most ``forecast.MAX_QUARTERS`` of them, from the headcount of a start quarter before
    them. ``cleaned_data["rows"]`` holds the quarters it would write.
    """

    RATE, TARGET = "rate", "target"

    method = forms.ChoiceField(
        label=gettext_lazy("Grow by"),
        choices=[
            (RATE, gettext_lazy("A growth rate per quarter, compounding")),
            (TARGET, gettext_lazy("A target headcount by the last quarter, in equal steps")),
        ],
        initial=RATE,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose how the headcount grows.")},
    )
    sales_rate = _rate_field(gettext_lazy("Sales, % per quarter"))
    customer_success_rate = _rate_field(gettext_lazy("Customer success, % per quarter"))
    other_rate = _rate_field(gettext_lazy("Other customer-facing, % per quarter"))
    sales_target = _target_field(gettext_lazy("Sales by the last quarter"))
    customer_success_target = _target_field(gettext_lazy("Customer success by the last quarter"))
    other_target = _target_field(gettext_lazy("Other customer-facing by the last quarter"))

    def __init__(self, *args, headcounts: dict[int, rules.Headcount], now: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.headcounts, self.now = headcounts, now
        stored = list(headcounts)
        first = min([*stored, now - 8])
        ordinals = list(range(first, now + 4 * 10))
        after_last = max([*stored, now - 1]) + 1
        start = max(after_last, now)
        self.fields["first"] = QuarterChoiceField(
            ordinals=ordinals, initial=start, label=gettext_lazy("First quarter to fill")
        )
        self.fields["last"] = QuarterChoiceField(
            ordinals=ordinals, initial=start + 5, label=gettext_lazy("Last quarter to fill")
        )
        start_field = QuarterChoiceField(
            ordinals=ordinals,
            required=False,
            label=gettext_lazy("Grow from"),
            help_text=gettext_lazy(
                "The quarter whose headcount the forecast starts from. Left empty: the last "
                "quarter with headcount before the first quarter to fill."
            ),
        )
        start_field.choices = [
            ("", gettext_lazy("The last quarter before the range")),
            *start_field.choices,
        ]
        start_field.empty_value = None
        self.fields["start"] = start_field
        self.order_fields(["method", "first", "last", "start"])

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first is None or last is None:
            return data
        label = {"first": _label(first), "last": _label(last), "now": _label(self.now)}
        if first < self.now:
            self.add_error(
                "first",
                gettext(
                    "%(first)s is past: quarters before %(now)s are actual, and a forecast "
                    "never changes them. Start in %(now)s or later."
                )
                % label,
            )
            return data
        if last < first:
            self.add_error(
                "last",
                gettext("The last quarter comes before the first: choose %(first)s or later.")
                % label,
            )
            return data
        if last - first + 1 > forecast.MAX_QUARTERS:
            self.add_error(
                "last",
                gettext(
                    "That is %(count)s quarters; a forecast fills at most %(most)s at once: "
                    "%(first)s to %(limit)s."
                )
                % {
                    **label,
                    "count": last - first + 1,
                    "most": forecast.MAX_QUARTERS,
                    "limit": _label(first + forecast.MAX_QUARTERS - 1),
                },
            )
            return data
        start = self._start(data.get("start"), first)
        if start is None:
            return data
        start_quarter, start_headcount = start
        data["start_quarter"], data["start_headcount"] = start_quarter, start_headcount
        quarters = list(range(first, last + 1))
        if data.get("method") == self.TARGET:
            data["rows"] = self._to_target(start_quarter, start_headcount, quarters)
        elif data.get("method") == self.RATE:
            data["rows"] = self._grown(start_quarter, start_headcount, quarters)
        if data.get("rows") is None:
            data.pop("rows", None)
        return data

    def _start(self, chosen: int | None, first: int) -> tuple[int, rules.Headcount] | None:
        """The start quarter and its headcount (carried forward from an earlier one)."""
        if chosen is not None and chosen >= first:
            self.add_error(
                "start",
                gettext("Grow from a quarter before %(first)s, the first quarter to fill.")
                % {"first": _label(first)},
            )
            return None
        quarter = chosen if chosen is not None else first - 1
        earlier = [q for q in self.headcounts if q <= quarter]
        if not earlier:
            field = "start" if chosen is not None else "first"
            self.add_error(
                field,
                gettext(
                    "There is no headcount on or before %(quarter)s to grow from: enter the "
                    "headcount of a quarter before the forecast first."
                )
                % {"quarter": _label(quarter)},
            )
            return None
        # Left empty, the start is the last quarter with headcount before the range.
        start = quarter if chosen is not None else earlier[-1]
        return start, self.headcounts[earlier[-1]]

    def _grown(self, start_quarter, start_headcount, quarters):
        rates = {}
        for function, _name in FORECAST_FUNCTIONS:
            if f"{function}_rate" in self.errors:
                return None
            rates[function] = self.cleaned_data.get(f"{function}_rate") or Decimal(0)
        rows = forecast.grow(start_headcount, start_quarter, rates, quarters)
        return self._within_limit(rows, "rate")

    def _to_target(self, start_quarter, start_headcount, quarters):
        target = {}
        for function, name in FORECAST_FUNCTIONS:
            field = f"{function}_target"
            if field in self.errors:
                return None
            value = self.cleaned_data.get(field)
            if value is None:
                self.add_error(
                    field,
                    gettext("Enter the %(function)s headcount to reach by %(last)s, 0 if none.")
                    % {"function": str(name).lower(), "last": _label(quarters[-1])},
                )
            target[function] = value
        if None in target.values():
            return None
        return forecast.interpolate(
            start_headcount, start_quarter, rules.Headcount(**target), quarters[-1], quarters
        )

    def _within_limit(self, rows, kind: str):
        for quarter, headcount in rows.items():
            for function, name in FORECAST_FUNCTIONS:
                value = getattr(headcount, function)
                if value > MAX_HEADCOUNT:
                    self.add_error(
                        f"{function}_{kind}",
                        gettext(
                            "At this rate %(function)s would reach %(value)s by %(quarter)s, "
                            "more than %(limit)s people: check the rate."
                        )
                        % {
                            "function": str(name).lower(),
                            "value": f"{value:,}",
                            "quarter": _label(quarter),
                            "limit": f"{MAX_HEADCOUNT:,}",
                        },
                    )
                    return None
        return rows


def _label(ordinal: int) -> str:
    return Quarter.from_ordinal(ordinal).label


# --- accounts and organizations --------------------------------------------------------------


class SignupForm(UserCreationForm):
    """Username, email and password twice; Django's password validators apply."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_(
            "We send a link to confirm it. It is how you accept invitations and reset "
            "your password; we send nothing else."
        ),
        error_messages={
            "required": _("Enter your email address; it is how you reset a forgotten password."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django's own username check says only "letters, digits and @/./+/-/_"; this one
        # names a control character or an invisible name plainly, before it.
        self.fields["username"].validators.insert(0, validate_plain_text)

    # No check that the address is free: saying so would tell anyone which addresses have an
    # account. The confirmation step mails the address instead (views.accounts).

    def validate_password_for_user(self, user, password_field_name="password1"):
        # The rules are about the password chosen: say so under it, not under its repetition.
        super().validate_password_for_user(user, password_field_name="password1")


class EmailChangeForm(forms.Form):
    """A new address for the signed-in user, with their password as proof it is them."""

    email = forms.EmailField(
        label=_("New email address"),
        max_length=254,
        help_text=_("We send a link to confirm it; until then it counts as unconfirmed."),
        error_messages={
            "required": _("Enter the new email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your current password to change the address.")},
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError(_("That is already your address."))
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # authenticate(), not check_password(): wrong guesses here count towards the login
        # throttle, so a borrowed session cannot be used to guess the password freely.
        checked = authenticate(self.request, username=self.user.get_username(), password=password)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(_("That is not your current password."))
        return password


MONTH_CHOICES = [(number, calendar.month_name[number]) for number in range(1, 13)]


def _help(field: str) -> str:
    return Organization._meta.get_field(field).help_text


class OrganizationForm(VersionedForm):
    """The organization's name and the settings the rules read; ``version`` only on edit."""

    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("Fiscal year starts in"),
        choices=MONTH_CHOICES,
        coerce=int,
        initial=1,
        help_text=_help("fiscal_year_start_month"),
        error_messages={"invalid_choice": _("Choose a month from the list.")},
    )

    class Meta:
        model = Organization
        fields = list(ORGANIZATION_FIELDS)
        labels = {
            "name": _("Organization name"),
            "target_ratio": _("Target ratio (customer-facing people per enablement person)"),
            "leader_has_adult_learning": _("The enablement leader has adult-learning expertise"),
            "leader_strategic_share": _("Leader's time on strategy today (%)"),
            "reports_to": _("Enablement reports to"),
            "hiring_lead_time": _("Hiring lead time (quarters)"),
            "stage_one_focus": _("Focus of a team of one (stage 1)"),
        }
        error_messages = {
            "name": {
                "required": _("Give the organization a name."),
                "max_length": _("Keep the name to %(limit_value)d characters or fewer."),
            },
            "target_ratio": {
                "required": _("Enter a ratio from 10 to 500 (the article's typical is 50)."),
                "invalid": _("Enter a whole number, like 50."),
                "min_value": _("Enter a ratio from 10 to 500 (the article's typical is 50)."),
                "max_value": _(
                    "Enter a ratio from 10 to 500; above 500:1 the article reads "
                    "enablement as having no buy-in."
                ),
            },
            "leader_strategic_share": {
                "required": _("Enter a percentage from 0 to 100."),
                "invalid": _("Enter a whole percentage, like 25."),
                "min_value": _("Enter a percentage from 0 to 100."),
                "max_value": _("Enter a percentage from 0 to 100."),
            },
            "hiring_lead_time": {
                "required": _("Enter 0 to 4 quarters."),
                "invalid": _("Enter a whole number of quarters, from 0 to 4."),
                "min_value": _("Enter 0 to 4 quarters."),
                "max_value": _("Enter 0 to 4 quarters."),
            },
            "reports_to": {"invalid_choice": _("Choose a reporting line from the list.")},
            "stage_one_focus": {"invalid_choice": _("Choose a focus from the list.")},
        }

    def clean_currency(self) -> str:
        return self.cleaned_data.get("currency") or self.instance.currency or DEFAULT_CURRENCY

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        stored = self.instance.currency if self.instance.pk else ""
        self.fields["currency"] = forms.ChoiceField(
            label=_("Currency"),
            # A form without the select (an older page) keeps what is stored.
            required=False,
            choices=currency_choices(timezone.localdate(), keep=stored),
            initial=DEFAULT_CURRENCY,
            help_text=_help("currency"),
            error_messages={
                "required": _("Choose the currency your costs are in."),
                "invalid_choice": _("Choose a currency from the list, by its ISO 4217 code."),
            },
        )
        self.fields["name"].widget.attrs.update(maxlength=120, autocomplete="organization")
        for name in ("target_ratio", "leader_strategic_share", "hiring_lead_time"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        if read_only:
            for field in self.fields.values():
                field.disabled = True


class SegmentForm(VersionedForm):
    """A segment's name: unique within the organization whatever its case."""

    class Meta:
        model = Segment
        fields = ["name"]
        labels = {"name": pgettext_lazy("a field of any row", "Name")}
        error_messages = {
            "name": {
                "required": _("Enter a name for the segment, like “Healthcare” or “EMEA”."),
                "max_length": _(
                    "Keep the name to %(limit_value)d characters or fewer "
                    "(this one has %(show_value)d)."
                ),
            }
        }

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Segment.objects.filter(organization=self.organization, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("There is already a segment called “%(name)s”.") % {"name": name}
            )
        return name


# --- scenarios -------------------------------------------------------------------------------

BASELINE = "baseline"  # how a form or a URL names the plan itself among scenarios


class ScenarioForm(VersionedForm):
    """A scenario's name, unique within the organization whatever its case, and its inputs."""

    class Meta:
        model = Scenario
        fields = [
            "name",
            "target_ratio",
            "hiring_lead_time",
            "leader_has_adult_learning",
            "verticals",
        ]
        labels = {
            "name": _("Name"),
            "target_ratio": _("Target ratio (customer-facing per enablement person)"),
            "hiring_lead_time": _("Hiring lead time (quarters)"),
            "leader_has_adult_learning": _("The leader has adult-learning expertise"),
            "verticals": _("Verticals or product teams"),
        }
        error_messages = {
            "name": {
                "required": _("Enter a name for the scenario, like “Aggressive growth”."),
                "max_length": _("Keep the name to %(limit_value)d characters or fewer."),
            },
            "target_ratio": {
                "required": _("Enter the target ratio."),
                "invalid": _("Enter a whole number, like 50."),
                "min_value": _("The target ratio is at least %(limit_value)s."),
                "max_value": _("The target ratio is at most %(limit_value)s."),
            },
            "hiring_lead_time": {
                "required": _("Enter the hiring lead time (0 to 4 quarters)."),
                "invalid": _("Enter a whole number of quarters, 0 to 4."),
                "max_value": _("The hiring lead time is 0 to 4 quarters."),
            },
            "verticals": {
                "required": _("Enter the number of verticals (0 if none)."),
                "invalid": _("Enter a whole number, like 3."),
                "max_value": _("That is more than %(limit_value)s verticals."),
            },
        }

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        for name in ("target_ratio", "hiring_lead_time", "verticals"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Scenario.objects.filter(organization=self.organization, name__iexact=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("There is already a scenario called “%(name)s”.") % {"name": name}
            )
        return name


class ScenarioCreateForm(forms.Form):
    """A new scenario's name and what it starts as a copy of: the plan or a scenario."""

    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        validators=[validate_plain_text],
        error_messages={
            "required": _("Enter a name for the scenario, like “Aggressive growth”."),
            "max_length": _("Keep the name to %(limit_value)d characters or fewer."),
        },
    )
    source = forms.ChoiceField(
        label=_("Start as a copy of"),
        error_messages={"invalid_choice": _("Choose the plan or one of its scenarios.")},
    )

    def __init__(self, *args, organization: Organization, scenarios, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.scenarios = {str(scenario.pk): scenario for scenario in scenarios}
        self.fields["source"].choices = [
            (BASELINE, _("Plan (baseline)")),
            *((pk, scenario.name) for pk, scenario in self.scenarios.items()),
        ]
        self.fields["source"].initial = BASELINE

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if any(s.name.lower() == name.lower() for s in self.scenarios.values()):
            raise forms.ValidationError(
                _("There is already a scenario called “%(name)s”.") % {"name": name}
            )
        return name

    @property
    def source_scenario(self) -> Scenario | None:
        return self.scenarios.get(self.cleaned_data["source"])


# --- team and planned hires ------------------------------------------------------------------

ROLE_SELECT_CHOICES = [
    ("", _("Choose a role")),
    *((r, rules.ROLE_NAMES[r]) for r in rules.ROLES),
]
MAX_ANNUAL_COST_DIGITS = 12
MANAGER_LABEL = _("Manages other enablement people in this role")
MANAGER_HELP = _(
    "From 9 seats in sales, CS or product enablement or in liaisons, the rules recommend one "
    "manager for every 8 people."
)


def annual_cost_field(label: str, help_text: str) -> forms.DecimalField:
    """An optional fully loaded annual cost, in the organization's currency."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=MAX_ANNUAL_COST_DIGITS,
        decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        error_messages={
            "invalid": _("Enter an amount like 95000 or 95000.50, without a currency sign."),
            "min_value": _("The cost cannot be negative."),
            "max_decimal_places": _("Use at most 2 decimals (cents)."),
            "max_digits": _("That amount is too large; check it."),
            "max_whole_digits": _("That amount is too large; check it."),
        },
    )


def role_field() -> forms.ChoiceField:
    """The role catalogue as a select, titled as in RULES.md."""
    return forms.ChoiceField(
        label=_("Role"),
        choices=ROLE_SELECT_CHOICES,
        error_messages={
            "required": _("Choose a role."),
            "invalid_choice": _("Choose a role from the list."),
        },
    )


def quarter_select(
    ordinals: list[int], *, label: str, required: bool = True, blank: str = "", **kwargs
) -> "QuarterChoiceField":
    field = QuarterChoiceField(
        ordinals=ordinals,
        label=label,
        required=required,
        empty_value=None,
        error_messages={
            "required": _("Choose the %(role)s.") % {"role": label.lower()},
            "invalid_choice": _("Choose a quarter from the list."),
        },
        **kwargs,
    )
    if blank:
        field.choices = [("", blank), *field.choices]
    return field


class TeamMemberForm(VersionedForm):
    """A person in the enablement team; the quarter selects offer ``ordinals``."""

    class Meta:
        model = TeamMember
        fields = ["name", "role", "start_quarter", "end_quarter", "is_manager", "annual_cost"]
        labels = {"name": _("Name"), "is_manager": MANAGER_LABEL}
        help_texts = {"is_manager": MANAGER_HELP}
        error_messages = {
            "name": {
                "required": _("Enter the person's name."),
                "max_length": _(
                    "Keep the name to %(limit_value)d characters or fewer "
                    "(this one has %(show_value)d)."
                ),
            }
        }

    def __init__(self, *args, ordinals: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(autocomplete="off")
        self.fields["role"] = role_field()
        self.fields["start_quarter"] = quarter_select(
            ordinals, label=_("Start quarter"), help_text=_("Their first quarter in seat.")
        )
        self.fields["end_quarter"] = quarter_select(
            ordinals,
            label=_("End quarter"),
            required=False,
            blank=_("— still in seat"),
            help_text=_("Only if they leave: the first quarter they are no longer in seat."),
        )
        self.fields["annual_cost"] = annual_cost_field(
            _("Annual cost (optional)"),
            _(
                "Fully loaded, per year, in the organization's currency; leave empty to use the "
                "role's cost from settings."
            ),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_quarter"), cleaned.get("end_quarter")
        if start is not None and end is not None and end <= start:
            self.add_error(
                "end_quarter",
                gettext(
                    "The end quarter must come after the start quarter (%(start)s): it is the "
                    "first quarter they are no longer in seat."
                )
                % {"start": Quarter.from_ordinal(start).label},
            )
        return cleaned


class HireForm(VersionedForm):
    """A planned hire. ``statuses`` are the ones this hire may be set to from here."""

    annual_cost = forms.DecimalField(
        label=_("Annual cost (optional)"),
        required=False,
        min_value=0,
        max_digits=MAX_ANNUAL_COST_DIGITS,
        decimal_places=2,
        help_text=_("Fully loaded, per year, for finance. No currency sign."),
        error_messages={
            "invalid": _("Enter an amount like 95000 or 95000.50, without a currency sign."),
            "min_value": _("The cost cannot be negative."),
            "max_decimal_places": _("Use at most 2 decimals (cents)."),
            "max_digits": _("That amount is too large; check it."),
            "max_whole_digits": _("That amount is too large; check it."),
        },
    )

    class Meta:
        model = PlannedHire
        fields = ["role", "target_quarter", "status", "annual_cost", "notes", "is_manager"]
        labels = {"notes": _("Notes (optional)"), "is_manager": MANAGER_LABEL}
        help_texts = {"is_manager": MANAGER_HELP}
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "notes": {
                "max_length": _(
                    "Keep the notes to %(limit_value)d characters or fewer "
                    "(these have %(show_value)d)."
                ),
            }
        }

    def __init__(self, *args, ordinals: list[int], statuses: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = role_field()
        self.fields["target_quarter"] = quarter_select(
            ordinals,
            label=_("Target quarter"),
            help_text=_("The quarter the hire should be in seat."),
        )
        labels = [PlannedHire.Status(s).label.lower() for s in statuses]
        allowed = (
            labels[0]
            if len(labels) == 1
            else gettext("%(some)s or %(last)s")
            % {"some": ", ".join(labels[:-1]), "last": labels[-1]}
        )
        self.fields["status"] = forms.ChoiceField(
            label=_("Status"),
            choices=[(s, PlannedHire.Status(s).label) for s in statuses],
            initial=statuses[0],
            error_messages={
                "required": _("Choose a status."),
                "invalid_choice": _(
                    "Choose %(allowed)s. When someone accepts, use “Mark hired” "
                    "so they join the team."
                )
                % {"allowed": allowed},
            },
        )


BULK_STATUS_LABELS = {
    rules.APPROVED: _("Approved"),
    rules.RECRUITING: _("Recruiting"),
    rules.CANCELLED: _("Cancelled"),
}
SELECTION_UNREADABLE = _(
    "The selection does not say which version of each hire it changes, so it could overwrite "
    "someone else's edit. Nothing was changed. Reload the page and try again."
)


class HireStatusForm(forms.Form):
    """Hires ticked in the list (``hire`` = "pk:version", once per hire) and their new status."""

    status = forms.ChoiceField(
        label=_("Set the selected hires to"),
        choices=list(BULK_STATUS_LABELS.items()),
        error_messages={
            "required": _("Choose approved, recruiting or cancelled."),
            "invalid_choice": _("Choose approved, recruiting or cancelled."),
        },
    )

    def clean(self):
        cleaned = super().clean()
        raw = self.data.getlist("hire") if hasattr(self.data, "getlist") else []
        if not raw:
            raise forms.ValidationError(_("Select at least one hire first."), code="empty")
        selection = {}
        for value in raw:
            pk, _sep, version = str(value).partition(":")
            if not (pk.isdigit() and version.isdigit() and int(version) >= 1):
                raise forms.ValidationError(SELECTION_UNREADABLE, code="unreadable")
            selection[int(pk)] = int(version)
        if len(selection) > MAX_SELECTED_HIRES:
            raise forms.ValidationError(
                _("Change at most %(max_selected_hires)s hires at a time.")
                % {"max_selected_hires": MAX_SELECTED_HIRES},
                code="too_many",
            )
        cleaned["changes"] = list(selection.items())
        return cleaned


MAX_SELECTED_HIRES = 500


class PlanHiresForm(forms.Form):
    """How many hires of one role to plan for one quarter, from a line of seats to plan."""

    role = forms.ChoiceField(
        choices=[(r, rules.ROLE_NAMES[r]) for r in rules.ROLES],
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose a role."), "invalid_choice": _("Choose a role.")},
    )
    target_quarter = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=MIN_ORDINAL,
        max_value=MAX_ORDINAL,
        error_messages={
            "required": _("Choose the quarter the hires are needed in."),
            "invalid": _("Choose the quarter the hires are needed in."),
            "min_value": _("That quarter is outside the years the planner covers."),
            "max_value": _("That quarter is outside the years the planner covers."),
        },
    )
    count = forms.IntegerField(
        label=_("Hires"),
        min_value=1,
        max_value=services.MAX_HIRES_AT_ONCE,
        error_messages={
            "required": _lazy_format(
                _("Enter how many hires to plan, 1 to %(max)s."), max=services.MAX_HIRES_AT_ONCE
            ),
            "invalid": _lazy_format(
                _("Enter a whole number of hires, 1 to %(max)s."), max=services.MAX_HIRES_AT_ONCE
            ),
            "min_value": _lazy_format(
                _("Plan at least 1 hire (at most %(max)s)."), max=services.MAX_HIRES_AT_ONCE
            ),
            "max_value": _lazy_format(
                _("Plan at most %(max)s hires at a time."), max=services.MAX_HIRES_AT_ONCE
            ),
        },
    )
    back = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_back(self) -> str:
        """The page the line was on; anything else goes back to the home page."""
        return "roadmap" if self.cleaned_data["back"] == "roadmap" else "gap"


class MarkHiredForm(forms.Form):
    """Who filled a planned hire and from which quarter they are in seat."""

    name = forms.CharField(
        label=_("Name of the person hired"),
        max_length=120,
        validators=[validate_plain_text],
        error_messages={
            "required": _("Enter the name of the person hired."),
            "max_length": _(
                "Keep the name to %(limit_value)d characters or fewer "
                "(this one has %(show_value)d)."
            ),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, ordinals: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(autocomplete="off")
        self.fields["start_quarter"] = quarter_select(
            ordinals, label=_("Start quarter"), help_text=_("They count in seat from this quarter.")
        )

    def clean(self):
        return require_version(super().clean())


# --- members and invitations -----------------------------------------------------------------

MEMBER_ROLE_HELP = _(
    "Owners manage members and settings, editors change the plan, viewers only look."
)


def member_role_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        error_messages={
            "required": _("Choose a role."),
            "invalid_choice": _("Choose owner, editor or viewer."),
        },
        **kwargs,
    )


class InvitationForm(forms.Form):
    """Whom to invite by email, and with which role."""

    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={
            "required": _("Enter the email address of the person to invite."),
            "invalid": _("Enter an email address like name@example.com."),
            "max_length": _("An email address has at most %(limit_value)d characters."),
        },
    )
    role = member_role_field(initial=Membership.Role.EDITOR, help_text=MEMBER_ROLE_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update(autocomplete="off", placeholder="name@example.com")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class MemberRoleForm(forms.Form):
    """A member's new role."""

    role = member_role_field()


MISSING_DELETE_VERSION = _(
    "This delete does not say which version of the row it removes, so it could throw away "
    "someone else's newer edit. Nothing was deleted. Reload the page and try again."
)


class DeleteForm(forms.Form):
    """The version of the row as the person deleting it saw it, for the stale-edit check."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": MISSING_DELETE_VERSION,
            "invalid": MISSING_DELETE_VERSION,
            "min_value": MISSING_DELETE_VERSION,
        },
    )

    @property
    def message(self) -> str:
        return " ".join(self.errors.get("version", []))


# --- costs and share links -------------------------------------------------------------------


class RoleCostsForm(forms.Form):
    """Each role's default annual cost and its manager seats' cost, with the row versions."""

    def __init__(self, *args, costs: list[RoleCost], read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        stored = {row.role: row for row in costs}
        self.rows = []
        for role in rules.ROLES:
            row = stored.get(role)
            name = rules.ROLE_NAMES[role]
            cost = annual_cost_field(_lazy_format(_("%(role)s: annual cost"), role=name), "")
            manager = annual_cost_field(
                _lazy_format(_("%(role)s: a manager's annual cost"), role=name), ""
            )
            version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
            if row is not None:
                cost.initial, manager.initial = row.annual_cost, row.manager_annual_cost
                version.initial = row.version
            self.fields[f"{role}-annual_cost"] = cost
            self.fields[f"{role}-manager_annual_cost"] = manager
            self.fields[f"{role}-version"] = version
            self.rows.append(
                (
                    role,
                    name,
                    self[f"{role}-annual_cost"],
                    self[f"{role}-manager_annual_cost"],
                    self[f"{role}-version"],
                    role in rules.MANAGED_ROLES,
                )
            )
            if role not in rules.MANAGED_ROLES:
                manager.disabled = True
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def costs(self) -> dict[str, RoleCostInput]:
        return {
            role: RoleCostInput(
                annual_cost=self.cleaned_data[f"{role}-annual_cost"],
                manager_annual_cost=self.cleaned_data[f"{role}-manager_annual_cost"],
                expected_version=self.cleaned_data[f"{role}-version"],
            )
            for role in rules.ROLES
        }


class ShareLinkForm(forms.Form):
    days = forms.IntegerField(
        label=_("Works for (days)"),
        initial=ShareLink.DEFAULT_DAYS,
        min_value=1,
        max_value=ShareLink.MAX_DAYS,
        help_text=_lazy_format(
            _("At most %(max)s days; you can revoke it sooner."), max=ShareLink.MAX_DAYS
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _lazy_format(
                _("Enter how many days the link works, 1 to %(max)s."), max=ShareLink.MAX_DAYS
            ),
            "invalid": _lazy_format(
                _("Enter a whole number of days, 1 to %(max)s."), max=ShareLink.MAX_DAYS
            ),
            "min_value": _lazy_format(
                _("Enter how many days the link works, 1 to %(max)s."), max=ShareLink.MAX_DAYS
            ),
            "max_value": _lazy_format(
                _("A link works for at most %(max)s days."), max=ShareLink.MAX_DAYS
            ),
        },
    )
