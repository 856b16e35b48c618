"""Input validation and error messages for every form of the planner."""

import calendar

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from planner import rules
from planner.models import (
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    Segment,
    TeamMember,
)
from planner.quarters import Quarter
from planner.services import ORGANIZATION_FIELDS
from planner.validators import validate_plain_text

MAX_HEADCOUNT = 1_000_000


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A rule the service enforces beyond the form: beside its field, or above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


MISSING_VERSION = (
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
            "required": "Enter a number (0 if none).",
            "invalid": "Enter a whole number of people, like 42.",
            "min_value": "Headcount cannot be negative.",
            "max_value": f"That is more than {MAX_HEADCOUNT:,} people; check the number.",
        },
    )


class SnapshotForm(forms.Form):
    """One row of the headcount grid. The service validates the row against the model."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    sales = headcount_field("Sales")
    customer_success = headcount_field("Customer success")
    other = headcount_field("Other customer-facing")

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


class QuarterChoiceField(forms.TypedChoiceField):
    """A select of fiscal quarters; the submitted value is the ordinal."""

    def __init__(self, *, ordinals: list[int], **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": "Choose a quarter from the list."})
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
            ordinals=ordinals, initial=initial_quarter, label="First quarter"
        )


IMPORT_EMPTY = (
    "The file is empty: download the template and write one quarter on each line under its header."
)


class HeadcountImportForm(forms.Form):
    """The file of a headcount import: there and small enough; ``planner.imports`` reads it."""

    file = forms.FileField(
        label="CSV or Excel file",
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": "Choose a CSV or Excel file to import.",
            "missing": "No file came with the form: choose it again.",
            "invalid": "No file came with the form: choose it again.",
            "empty": IMPORT_EMPTY,
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        # Checked before a byte of the file is read.
        if upload.size > limit:
            raise ValidationError(
                f"This file is {filesizeformat(upload.size)}; files up to "
                f"{filesizeformat(limit)} can be imported. Keep only the headcount's four "
                "columns, or import the quarters in parts."
            )
        return upload


# --- accounts and organizations --------------------------------------------------------------


class SignupForm(UserCreationForm):
    """Username, email and password twice; Django's password validators apply."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        help_text="We send a link to confirm it. It is how you accept invitations and reset "
        "your password; we send nothing else.",
        error_messages={
            "required": "Enter your email address; it is how you reset a forgotten password.",
            "invalid": "Enter an email address like name@example.com.",
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
        label="New email address",
        max_length=254,
        help_text="We send a link to confirm it; until then it counts as unconfirmed.",
        error_messages={
            "required": "Enter the new email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your current password to change the address."},
    )

    def __init__(self, *args, user, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() == (self.user.email or "").lower():
            raise forms.ValidationError("That is already your address.")
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # authenticate(), not check_password(): wrong guesses here count towards the login
        # throttle, so a borrowed session cannot be used to guess the password freely.
        checked = authenticate(self.request, username=self.user.get_username(), password=password)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError("That is not your current password.")
        return password


MONTH_CHOICES = [(number, calendar.month_name[number]) for number in range(1, 13)]


def _help(field: str) -> str:
    return Organization._meta.get_field(field).help_text


class OrganizationForm(VersionedForm):
    """The organization's name and the settings the rules read; ``version`` only on edit."""

    fiscal_year_start_month = forms.TypedChoiceField(
        label="Fiscal year starts in",
        choices=MONTH_CHOICES,
        coerce=int,
        initial=1,
        help_text=_help("fiscal_year_start_month"),
        error_messages={"invalid_choice": "Choose a month from the list."},
    )

    class Meta:
        model = Organization
        fields = list(ORGANIZATION_FIELDS)
        labels = {
            "name": "Organization name",
            "target_ratio": "Target ratio (customer-facing people per enablement person)",
            "leader_has_adult_learning": "The enablement leader has adult-learning expertise",
            "leader_strategic_share": "Leader's time on strategy today (%)",
            "reports_to": "Enablement reports to",
            "hiring_lead_time": "Hiring lead time (quarters)",
            "stage_one_focus": "Focus of a team of one (stage 1)",
        }
        error_messages = {
            "name": {
                "required": "Give the organization a name.",
                "max_length": "Keep the name to %(limit_value)d characters or fewer.",
            },
            "target_ratio": {
                "required": "Enter a ratio from 10 to 500 (the article's typical is 50).",
                "invalid": "Enter a whole number, like 50.",
                "min_value": "Enter a ratio from 10 to 500 (the article's typical is 50).",
                "max_value": "Enter a ratio from 10 to 500; above 500:1 the article reads "
                "enablement as having no buy-in.",
            },
            "leader_strategic_share": {
                "required": "Enter a percentage from 0 to 100.",
                "invalid": "Enter a whole percentage, like 25.",
                "min_value": "Enter a percentage from 0 to 100.",
                "max_value": "Enter a percentage from 0 to 100.",
            },
            "hiring_lead_time": {
                "required": "Enter 0 to 4 quarters.",
                "invalid": "Enter a whole number of quarters, from 0 to 4.",
                "min_value": "Enter 0 to 4 quarters.",
                "max_value": "Enter 0 to 4 quarters.",
            },
            "reports_to": {"invalid_choice": "Choose a reporting line from the list."},
            "stage_one_focus": {"invalid_choice": "Choose a focus from the list."},
        }

    def __init__(self, *args, read_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
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
        labels = {"name": "Name"}
        error_messages = {
            "name": {
                "required": "Enter a name for the segment, like “Healthcare” or “EMEA”.",
                "max_length": "Keep the name to %(limit_value)d characters or fewer "
                "(this one has %(show_value)d).",
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
            raise forms.ValidationError(f"There is already a segment called “{name}”.")
        return name


# --- team and planned hires ------------------------------------------------------------------

ROLE_SELECT_CHOICES = [("", "Choose a role"), *((r, rules.ROLE_NAMES[r]) for r in rules.ROLES)]
MAX_ANNUAL_COST_DIGITS = 12


def role_field() -> forms.ChoiceField:
    """The role catalogue as a select, titled as in RULES.md."""
    return forms.ChoiceField(
        label="Role",
        choices=ROLE_SELECT_CHOICES,
        error_messages={
            "required": "Choose a role.",
            "invalid_choice": "Choose a role from the list.",
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
            "required": f"Choose the {label.lower()}.",
            "invalid_choice": "Choose a quarter from the list.",
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
        fields = ["name", "role", "start_quarter", "end_quarter"]
        labels = {"name": "Name"}
        error_messages = {
            "name": {
                "required": "Enter the person's name.",
                "max_length": "Keep the name to %(limit_value)d characters or fewer "
                "(this one has %(show_value)d).",
            }
        }

    def __init__(self, *args, ordinals: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(autocomplete="off")
        self.fields["role"] = role_field()
        self.fields["start_quarter"] = quarter_select(
            ordinals, label="Start quarter", help_text="Their first quarter in seat."
        )
        self.fields["end_quarter"] = quarter_select(
            ordinals,
            label="End quarter",
            required=False,
            blank="— still in seat",
            help_text="Only if they leave: the first quarter they are no longer in seat.",
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_quarter"), cleaned.get("end_quarter")
        if start is not None and end is not None and end <= start:
            self.add_error(
                "end_quarter",
                f"The end quarter must come after the start quarter "
                f"({Quarter.from_ordinal(start).label}): it is the first quarter they are "
                f"no longer in seat.",
            )
        return cleaned


class HireForm(VersionedForm):
    """A planned hire. ``statuses`` are the ones this hire may be set to from here."""

    annual_cost = forms.DecimalField(
        label="Annual cost (optional)",
        required=False,
        min_value=0,
        max_digits=MAX_ANNUAL_COST_DIGITS,
        decimal_places=2,
        help_text="Fully loaded, per year, for finance. No currency sign.",
        error_messages={
            "invalid": "Enter an amount like 95000 or 95000.50, without a currency sign.",
            "min_value": "The cost cannot be negative.",
            "max_decimal_places": "Use at most 2 decimals (cents).",
            "max_digits": "That amount is too large; check it.",
            "max_whole_digits": "That amount is too large; check it.",
        },
    )

    class Meta:
        model = PlannedHire
        fields = ["role", "target_quarter", "status", "annual_cost", "notes"]
        labels = {"notes": "Notes (optional)"}
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "notes": {
                "max_length": "Keep the notes to %(limit_value)d characters or fewer "
                "(these have %(show_value)d).",
            }
        }

    def __init__(self, *args, ordinals: list[int], statuses: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = role_field()
        self.fields["target_quarter"] = quarter_select(
            ordinals, label="Target quarter", help_text="The quarter the hire should be in seat."
        )
        labels = [PlannedHire.Status(s).label.lower() for s in statuses]
        allowed = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} or {labels[-1]}"
        self.fields["status"] = forms.ChoiceField(
            label="Status",
            choices=[(s, PlannedHire.Status(s).label) for s in statuses],
            initial=statuses[0],
            error_messages={
                "required": "Choose a status.",
                "invalid_choice": f"Choose {allowed}. When someone accepts, use “Mark hired” "
                "so they join the team.",
            },
        )


class MarkHiredForm(forms.Form):
    """Who filled a planned hire and from which quarter they are in seat."""

    name = forms.CharField(
        label="Name of the person hired",
        max_length=120,
        validators=[validate_plain_text],
        error_messages={
            "required": "Enter the name of the person hired.",
            "max_length": "Keep the name to %(limit_value)d characters or fewer "
            "(this one has %(show_value)d).",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, ordinals: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update(autocomplete="off")
        self.fields["start_quarter"] = quarter_select(
            ordinals, label="Start quarter", help_text="They count in seat from this quarter."
        )

    def clean(self):
        return require_version(super().clean())


# --- members and invitations -----------------------------------------------------------------

MEMBER_ROLE_HELP = "Owners manage members and settings, editors change the plan, viewers only look."


def member_role_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role",
        choices=Membership.Role.choices,
        error_messages={
            "required": "Choose a role.",
            "invalid_choice": "Choose owner, editor or viewer.",
        },
        **kwargs,
    )


class InvitationForm(forms.Form):
    """Whom to invite by email, and with which role."""

    email = forms.EmailField(
        label="Email",
        max_length=254,
        error_messages={
            "required": "Enter the email address of the person to invite.",
            "invalid": "Enter an email address like name@example.com.",
            "max_length": "An email address has at most %(limit_value)d characters.",
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


MISSING_DELETE_VERSION = (
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
