"""A write that was not made, said the same way for every kind of row.

Three things stop a write the person asked for: someone else changed the row since the
page was loaded (``StaleEdit``, 409), the request itself is incomplete (a delete without
the version it was made from, 422), or a rule forbids it (a ``ValidationError``, 422).
Each becomes a ``Refusal``, which ``planner/_refusal.html`` shows beside the row: "Changed
by someone else since you opened it: now …" with the row as it is now, drawn by that
entity's one "now" fragment (``planner/now/_<entity>.html``), and what happened instead.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from planner.forms import DeleteForm
from planner.models import HeadcountSnapshot, PlannedHire, Scenario, Segment, TeamMember
from planner.services import StaleEdit

NOW_TEMPLATES: dict[type[models.Model], str] = {
    HeadcountSnapshot: "planner/now/_snapshot.html",
    TeamMember: "planner/now/_team_member.html",
    PlannedHire: "planner/now/_hire.html",
    Segment: "planner/now/_segment.html",
    Scenario: "planner/now/_scenario.html",
}

NOT_DELETED = _("Nothing was deleted: delete again to remove it as it is now.")
NOT_SAVED = _(
    "Nothing was saved. The form keeps what you typed: save again to replace their change, "
    "or cancel to keep it."
)
NOT_SAVED_SHOWN_NOW = _("Your change was not saved; the row shows it as it is now.")


@dataclass(frozen=True)
class Refusal:
    """Why a write was not made; ``current`` is the row as it is now when it changed."""

    status: int
    message: str
    current: models.Model | None = None

    @property
    def now_template(self) -> str:
        return NOW_TEMPLATES[type(self.current)] if self.current is not None else ""

    @classmethod
    def stale(cls, error: StaleEdit, message: str) -> "Refusal":
        return cls(status=409, message=message, current=error.current)

    @classmethod
    def invalid(cls, error: ValidationError) -> "Refusal":
        return cls(status=422, message=" ".join(error.messages))


def attempt_delete(request: HttpRequest, delete: Callable[[int], object]) -> Refusal | None:
    """Calls ``delete(version)`` with the version the request names; None once deleted."""
    form = DeleteForm(request.POST)
    if not form.is_valid():
        return Refusal(status=422, message=form.message)
    try:
        delete(form.cleaned_data["version"])
    except StaleEdit as error:
        return Refusal.stale(error, NOT_DELETED)
    except ValidationError as error:
        return Refusal.invalid(error)
    return None


def answer_delete(
    request: HttpRequest,
    refusal: Refusal | None,
    *,
    done: str,
    done_url: str,
    fragment: Callable[[Refusal | None], HttpResponse],
    confirm: Callable[[Refusal], HttpResponse],
) -> HttpResponse:
    """The answer to a delete, the same for every entity.

    htmx gets ``fragment``: the section as it is now, the refusal (if any) on the row the
    person tried to delete. Without htmx a delete made redirects to ``done_url`` with the
    message ``done``, and a refused one shows the confirmation page again with the reason.
    """
    if request.htmx:
        response = fragment(refusal)
        if refusal is not None:
            response.status_code = refusal.status
        return response
    if refusal is None:
        messages.success(request, done)
        return redirect(done_url)
    return confirm(refusal)


def with_version(data: QueryDict, version: int) -> QueryDict:
    """What the editor typed, now against the current version, so saving again applies it."""
    data = data.copy()
    data["version"] = str(version)
    return data
