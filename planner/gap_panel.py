"""What the gap panel shows for one quarter, shared by every page that carries the panel.

The gap page shows it whole; the headcount and Team & hires pages beside their tables, and
each of them redraws it after an edit. It is built from the rules' results only.
"""

from planner import rules
from planner.planning import Plan, current_quarter
from planner.quarters import Quarter


def parse_quarter(raw: str | None) -> tuple[int | None, str]:
    """The ordinal of ``?quarter=FY2027Q1`` and an error message if it made no sense."""
    if not raw:
        return None, ""
    try:
        return Quarter.parse(raw).ordinal, ""
    except ValueError as error:
        return None, str(error)


def ratio_label(customer_facing: int, enablement: int) -> str | None:
    """Customer-facing per enablement person as shown after "1 :"; None with no one in seat."""
    if not enablement:
        return None
    ratio = customer_facing / enablement
    # Whole numbers read best at the article's scale (1 : 50); below 10 a decimal matters.
    return f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.1f}".removesuffix(".0")


def gap_context(plan: Plan, quarter: int | None, quarter_error: str = "") -> dict:
    """Everything the gap panel shows, all of it from the rules."""
    organization = plan.organization
    now = current_quarter(organization)
    if quarter is None:
        quarter = plan.default_quarter()
    choices = []
    if plan.snapshots:
        choices = list(range(plan.snapshots[0].quarter, plan.snapshots[-1].quarter + 1))
        if quarter is not None and quarter not in choices:
            choices = sorted({*choices, quarter})
    found = plan.headcount_for(quarter) if quarter is not None else None
    gap = plan.gap(quarter) if found else None
    context = {
        "plan": plan,
        "quarter": quarter,
        "quarter_error": quarter_error,
        "quarter_choices": choices,
        "is_forecast": quarter is not None and quarter >= now,
        "carried": bool(found and found[1]),
        "gap": gap,
    }
    if gap is not None:
        a = gap.assessment
        in_seat = gap.in_seat_total
        context.update(
            assessment=a,
            stage_range=rules.STAGES[a.stage - 1].range_label,
            ratio=ratio_label(a.headcount.total, in_seat),
            band_meaning=rules.RATIO_BAND_MEANINGS[gap.ratio_band],
            recommended_share=round(a.leader_strategic_share * 100),
            current_share=organization.leader_strategic_share,
            practices=[(p, rules.PRACTICE_NAMES[p], a.reasons[p]) for p in a.practices],
            stage_one_focus=organization.get_stage_one_focus_display(),
            focus_advice=rules.STAGE_1_FOCUS_ADVICE,
            reports_to=organization.get_reports_to_display(),
            reports_to_cro=organization.reports_to == organization.ReportsTo.CRO,
            quarter_cost=plan.quarter_cost(gap),
        )
    return context
