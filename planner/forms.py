"""Input validation and error messages for every form of the planner."""

from django import forms

from planner.models import HeadcountSnapshot
from planner.quarters import Quarter

MAX_HEADCOUNT = 1_000_000


class VersionedForm(forms.ModelForm):
    """Carries the version of the row as the editor saw it, for the stale-edit check."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


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


class SnapshotForm(VersionedForm):
    sales = headcount_field("Sales")
    customer_success = headcount_field("Customer success")
    other = headcount_field("Other customer-facing")

    class Meta:
        model = HeadcountSnapshot
        fields = ["sales", "customer_success", "other"]


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
