"""What the gap panel shows for one quarter, shared by every page that carries the panel.

The gap page shows it whole; the headcount and Team & hires pages beside their tables, and
each of them redraws it after an edit. It is built from the rules' results only.
"""

from collections import Counter

from django.utils.formats import number_format

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
    if ratio >= 10:
        return number_format(round(ratio), force_grouping=True)
    tenths = round(ratio, 1)
    return str(int(tenths)) if tenths == int(tenths) else number_format(tenths, decimal_pos=1)


def gap_context(
    plan: Plan, quarter: int | None, quarter_error: str = "", *, compact: bool = False
) -> dict:
    """Everything the gap panel shows, all of it from the rules; ``compact`` is the panel
    beside another page's table, which leaves out the list of open hires."""
    organization = plan.organization
    now = current_quarter(organization)
    if quarter is None:
        quarter = plan.default_quarter()
    choices = []
    if plan.headcounts:
        quarters = plan.quarters
        choices = list(range(quarters[0], quarters[-1] + 1))
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
        "this_quarter": now,
        "compact": compact,
        # The open hires counted in this quarter with their deadlines (B roadmap), alike
        # ones as one line with their count: a plan of a thousand hires reads in a few lines.
        "open_hires": tuple(
            Counter(rules.open_hires_in(quarter, plan.hires, plan.lead_time, now)).items()
        )
        if gap is not None and not compact
        else (),
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


def actions_context(plan: Plan) -> dict:
    """What to do now, for the organization's home page: the requisitions overdue, due this
    quarter and due next quarter, grouped in that order (B roadmap), and the stage changes
    ahead, both from one roadmap."""
    now = current_quarter(plan.organization)
    roadmap = plan.roadmap()
    due = rules.overdue_hires_by_role(rules.actions_due(roadmap, plan.hires, plan.lead_time, now))
    groups = [
        (urgency, [action for action in due if action.urgency is urgency])
        for urgency in rules.Urgency
    ]
    return {
        "action_groups": [(urgency, actions) for urgency, actions in groups if actions],
        "now": now,
        "stage_alerts": plan.stage_crossings(roadmap),
    }
