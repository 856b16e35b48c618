"""What "make this the plan" changes, for the page that asks to confirm it."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from planner import rules
from planner.planning import Plan, current_quarter

INPUT_NAMES = {
    "target_ratio": _("Target ratio"),
    "lead_time": _("Hiring lead time (quarters)"),
    "verticals": _("Verticals"),
    "leader_has_adult_learning": _("Leader has adult-learning expertise"),
}


@dataclass(frozen=True)
class InputChange:
    name: str
    before: object
    after: object


@dataclass(frozen=True)
class QuarterChange:
    quarter: int
    before: int | None  # customer-facing total; None: no quarter in the plan
    after: int | None


@dataclass(frozen=True)
class PromotionChanges:
    inputs: tuple[InputChange, ...]
    quarters: tuple[QuarterChange, ...]
    open_hires_before: int
    open_hires_after: int

    @property
    def nothing(self) -> bool:
        return (
            not self.inputs
            and not self.quarters
            and self.open_hires_before == self.open_hires_after
        )


def _inputs(plan: Plan) -> dict[str, object]:
    return {
        "target_ratio": plan.profile.target_ratio,
        "lead_time": plan.lead_time,
        "verticals": plan.verticals,
        "leader_has_adult_learning": plan.profile.leader_has_adult_learning,
    }


def promotion_changes(plan: Plan, proposed: Plan) -> PromotionChanges:
    """How the plan would change if ``proposed`` (a scenario's plan) became it."""
    now = current_quarter(plan.organization)
    before, after = _inputs(plan), _inputs(proposed)
    inputs = tuple(
        InputChange(str(INPUT_NAMES[key]), before[key], after[key])
        for key in INPUT_NAMES
        if before[key] != after[key]
    )
    forecast = sorted(q for q in {*plan.headcounts, *proposed.headcounts} if q >= now)
    quarters = []
    for quarter in forecast:
        old, new = plan.headcounts.get(quarter), proposed.headcounts.get(quarter)
        if old != new:
            quarters.append(
                QuarterChange(quarter, old.total if old else None, new.total if new else None)
            )
    return PromotionChanges(
        inputs=inputs,
        quarters=tuple(quarters),
        open_hires_before=sum(h.status in rules.OPEN_HIRE_STATUSES for h in plan.hires),
        open_hires_after=sum(h.status in rules.OPEN_HIRE_STATUSES for h in proposed.hires),
    )
