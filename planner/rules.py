"""The enablement-structure rules, exactly as RULES.md part B pins them down.

Pure Python on plain dataclasses: no Django, no database, no clock. Views, the CSV export
and the tests all call these functions, so every number the product shows is computed
once, here. Each recommendation carries a sentence naming the rule (A.n or B) it comes
from and the inputs it used.

Quarters are integers that sort and do arithmetic (see ``planner.quarters``): this module
only ever compares them and subtracts a lead time.
"""

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import groupby
from math import ceil

# --- B. Stages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    number: int
    name: str
    low: int  # customer-facing headcount, inclusive
    high: int | None  # inclusive; None = no upper bound
    leader_strategic_share: float
    meaning: str  # A.3–A.6: how the leader spends their time at this stage

    @property
    def range_label(self) -> str:
        return f"{self.low}–{self.high}" if self.high is not None else f"{self.low}+"


STAGES = (
    Stage(
        1,
        "Foundation",
        0,
        50,
        0.25,
        "A team of one. The Enablement Manager spends about 75% of the time on tactical work "
        "and up to 25% on strategy: program planning, process improvement, early tool "
        "purchases (A.3).",
    ),
    Stage(
        2,
        "Expansion",
        51,
        500,
        0.50,
        "The team needs a leader who is still mainly tactical but spends about half of the "
        "time on strategy, adding teammates as they move from tactical to strategic (A.4).",
    ),
    Stage(
        3,
        "Scale",
        501,
        2000,
        1.00,
        "Same shape as Expansion, but the leader becomes fully strategic and keeps hiring at "
        "the recommended ratio: specialists become leads (A.5).",
    ),
    Stage(
        4,
        "Enterprise",
        2001,
        None,
        1.00,
        "Build for scale. The leader is fully strategic and a peer of the customer-facing "
        "leaders, often reporting to the CRO; the model moves from orchestration to "
        "collaboration (A.6).",
    ),
)


def stage_for(customer_facing: int) -> Stage:
    """B: upper bounds inclusive — 50 is stage 1, 51 is stage 2, 2000 is stage 3."""
    if customer_facing < 0:
        raise ValueError("Customer-facing headcount cannot be negative.")
    for stage in STAGES:
        if stage.high is None or customer_facing <= stage.high:
            return stage
    raise AssertionError("unreachable: the last stage has no upper bound")


# --- B. Ratio ----------------------------------------------------------------------------

DEFAULT_TARGET_RATIO = 50
MIN_TARGET_RATIO = 10
MAX_TARGET_RATIO = 500

# Customer-facing people per enablement person, upper bounds inclusive. Only "about 1:50",
# "toward 1:1" and "over 500:1" are the article's (A.1); 10, 35 and 75 are this project's.
RATIO_BAND_LIMITS = (
    ("inefficient", 10),
    ("heavy", 35),
    ("typical", 75),
    ("lean", 500),
)
RATIO_BANDS = ("none", "inefficient", "heavy", "typical", "lean", "no_buy_in")
RATIO_BAND_MEANINGS = {
    "none": "No enablement in seat yet.",
    "inefficient": "Heading toward 1:1, which the article calls gross inefficiency (A.1).",
    "heavy": "More enablement than the typical 1:50 (A.1).",
    "typical": "Around the typical one enablement person per 50 customer-facing (A.1).",
    "lean": "Leaner than the typical 1:50; still short of the 500:1 warning sign (A.1).",
    "no_buy_in": "Above 500:1, which the article reads as enablement having no buy-in (A.1).",
}


def ratio_band(customer_facing: int, enablement: int) -> str:
    """B: the band of N / E. Compared as N <= limit * E so no rounding can move a cut-off."""
    if customer_facing < 0 or enablement < 0:
        raise ValueError("Headcounts cannot be negative.")
    if enablement == 0:
        return "none"
    for band, limit in RATIO_BAND_LIMITS:
        if customer_facing <= limit * enablement:
            return band
    return "no_buy_in"


# --- B. Role catalogue and practices -----------------------------------------------------

ENABLEMENT_LEADER = "enablement_leader"
ADULT_LEARNING_SPECIALIST = "adult_learning_specialist"
PROGRAM_MANAGER = "program_manager"
CS_ENABLEMENT = "cs_enablement"
SALES_ENABLEMENT = "sales_enablement"
PRODUCT_ENABLEMENT = "product_enablement"
ENABLEMENT_LIAISON = "enablement_liaison"

ROLES = (
    ENABLEMENT_LEADER,
    ADULT_LEARNING_SPECIALIST,
    PROGRAM_MANAGER,
    CS_ENABLEMENT,
    SALES_ENABLEMENT,
    PRODUCT_ENABLEMENT,
    ENABLEMENT_LIAISON,
)
ROLE_NAMES = {
    ENABLEMENT_LEADER: "Enablement leader",
    ADULT_LEARNING_SPECIALIST: "Adult-learning specialist",
    PROGRAM_MANAGER: "Program manager",
    CS_ENABLEMENT: "CS enablement",
    SALES_ENABLEMENT: "Sales enablement",
    PRODUCT_ENABLEMENT: "Product enablement",
    ENABLEMENT_LIAISON: "Enablement liaison",
}

CHANGE_MANAGEMENT = "change_management"
CO_CREATION = "co_creation"
CENTER_OF_EXCELLENCE = "center_of_excellence"
PRACTICES = (CHANGE_MANAGEMENT, CO_CREATION, CENTER_OF_EXCELLENCE)
PRACTICE_NAMES = {
    CHANGE_MANAGEMENT: "Formal change management",
    CO_CREATION: "Co-creation and collaboration models",
    CENTER_OF_EXCELLENCE: "Enablement center of excellence",
}
PRACTICE_REASONS = {
    CHANGE_MANAGEMENT: "A.6: at over 2000 customer-facing, add a formal approach to change "
    "management.",
    CO_CREATION: "A.6: at over 2000 customer-facing, scale coaching, content sourcing and "
    "delivery through co-creation and collaboration with the field.",
    CENTER_OF_EXCELLENCE: "A.6: at over 2000 customer-facing, run a single center of excellence "
    "for enablement, owned jointly with the customer-facing teams.",
}

STAGE_1_FOCUSES = {
    "onboarding": "Onboarding & training",
    "content": "Content creation, curation and delivery",
    "process": "Process improvement (often shared with Revenue Operations at first)",
}
STAGE_1_FOCUS_ADVICE = (
    "A.3: a team of one should focus on one activity above all — onboarding & training, "
    "content, or process improvement."
)

REPORTING_LINE_ADVICE = (
    "A.7: outside the revenue team enablement tends to be more strategic but further from the "
    "people it supports; inside it, more tactical with more direct impact. There is no single "
    "right answer."
)
ENTERPRISE_REPORTING_ADVICE = (
    "A.6: at this size the enablement leader should be a peer of the customer-facing leaders, "
    "reporting to the Chief Revenue Officer or equivalent."
)

LEADER_RULE = {2: "A.4", 3: "A.5", 4: "A.6"}

# B step 8: from stage 3, program managers and adult-learning specialists grow to one per
# this many recommended seats (the 20 is this project's choice).
SEATS_PER_EXTRA_SPECIALIST = 20


def role_title(role: str, stage: int) -> str:
    """Titles vary by stage (B): Enablement Manager alone at stage 1, specialists become leads."""
    if role == ENABLEMENT_LEADER:
        return "Enablement Manager" if stage == 1 else "Head of Enablement"
    if role in (CS_ENABLEMENT, SALES_ENABLEMENT, PRODUCT_ENABLEMENT):
        return f"{ROLE_NAMES[role]} {'lead' if stage >= 3 else 'specialist'}"
    return ROLE_NAMES[role]


# --- Inputs and the assessment -----------------------------------------------------------


@dataclass(frozen=True)
class Headcount:
    sales: int = 0
    customer_success: int = 0
    other: int = 0

    def __post_init__(self) -> None:
        if min(self.sales, self.customer_success, self.other) < 0:
            raise ValueError("Headcounts cannot be negative.")

    @property
    def total(self) -> int:
        return self.sales + self.customer_success + self.other


@dataclass(frozen=True)
class Profile:
    target_ratio: int = DEFAULT_TARGET_RATIO
    verticals: int = 0
    leader_has_adult_learning: bool = False

    def __post_init__(self) -> None:
        if not MIN_TARGET_RATIO <= self.target_ratio <= MAX_TARGET_RATIO:
            raise ValueError(
                f"The target ratio is {MIN_TARGET_RATIO} to {MAX_TARGET_RATIO} customer-facing "
                f"per enablement person, not {self.target_ratio}."
            )
        if self.verticals < 0:
            raise ValueError("The number of verticals cannot be negative.")


@dataclass(frozen=True)
class Assessment:
    headcount: Headcount
    profile: Profile
    stage: int
    stage_name: str
    stage_meaning: str
    recommended_total: int
    size_reason: str
    roles: dict[str, int]
    next_hires: tuple[str, ...]
    practices: tuple[str, ...]
    leader_strategic_share: float
    reasons: dict[str, str]
    reporting_advice: str


def recommended_total(customer_facing: int, target_ratio: int = DEFAULT_TARGET_RATIO) -> int:
    """B: 0 when N = 0; 1 in stage 1; otherwise max(2, ceil(N / R))."""
    if customer_facing == 0:
        return 0
    if stage_for(customer_facing).number == 1:
        return 1
    return max(2, ceil(customer_facing / target_ratio))


def assess(headcount: Headcount, profile: Profile) -> Assessment:
    n = headcount.total
    stage = stage_for(n)
    total = recommended_total(n, profile.target_ratio)
    if n == 0:
        roles, next_hires, reasons = {}, (), {}
    elif stage.number == 1:
        roles = {ENABLEMENT_LEADER: 1}
        next_hires = ()
        reasons = {
            ENABLEMENT_LEADER: f"A.3, B stage 1 ({stage.range_label} customer-facing, you have "
            f"{n}): a team of one, an Enablement Manager about 75% tactical and 25% strategic."
        }
    else:
        roles, next_hires, reasons = _compose(headcount, profile, stage.number, total)
    practices = PRACTICES if stage.number == 4 else ()
    for practice in practices:
        reasons[practice] = PRACTICE_REASONS[practice]
    return Assessment(
        headcount=headcount,
        profile=profile,
        stage=stage.number,
        stage_name=stage.name,
        stage_meaning=stage.meaning,
        recommended_total=total,
        size_reason=_size_reason(n, stage, profile.target_ratio, total),
        roles=roles,
        next_hires=next_hires,
        practices=practices,
        leader_strategic_share=stage.leader_strategic_share,
        reasons=reasons,
        reporting_advice=ENTERPRISE_REPORTING_ADVICE
        if stage.number == 4
        else REPORTING_LINE_ADVICE,
    )


def _size_reason(n: int, stage: Stage, ratio: int, total: int) -> str:
    where = f"Stage {stage.number} ({stage.range_label} customer-facing, you have {n})"
    if n == 0:
        return "B: with no customer-facing headcount there is no one to enable → 0 seats."
    if stage.number == 1:
        return f"{where}: a team of one (A.3) → 1 seat."
    exact = ceil(n / ratio)
    if exact < 2:
        return f"{where}: one seat per {ratio} gives {exact}, but B sets at least 2 → 2 seats."
    return f"{where}: one seat per {ratio} → {total} seats."


def _compose(
    headcount: Headcount, profile: Profile, stage: int, total: int
) -> tuple[dict[str, int], tuple[str, ...], dict[str, str]]:
    """B, stages 2–4: fill seats in the fixed order until the recommended total is used up."""
    roles: Counter[str] = Counter()
    reasons: dict[str, str] = {}
    unreached: list[str] = []
    remaining = total

    def fill(role: str, seats: int, reason: str) -> None:
        nonlocal remaining
        taken = min(seats, remaining)
        remaining -= taken
        if taken:
            roles[role] += taken
            reasons.setdefault(role, reason)
        if taken < seats:
            if role not in unreached:
                unreached.append(role)
            reasons.setdefault(role, reason)

    lead_or_specialist = "leads" if stage >= 3 else "specialists"
    # 1.
    fill(
        ENABLEMENT_LEADER,
        1,
        f"B step 1, {LEADER_RULE[stage]}: one leader, spending about "
        f"{int(STAGES[stage - 1].leader_strategic_share * 100)}% of the time on strategy "
        f"in stage {stage}.",
    )
    # 2.
    if stage >= 3:
        fill(
            ADULT_LEARNING_SPECIALIST,
            1,
            "B step 2, A.5: from stage 3 the team always includes adult-learning expertise.",
        )
    elif not profile.leader_has_adult_learning:
        fill(
            ADULT_LEARNING_SPECIALIST,
            1,
            "B step 2, A.4: the leader lacks adult-learning expertise, so add a specialist.",
        )
    # 3.
    fill(PROGRAM_MANAGER, 1, "B step 3, A.4: a program manager formalizes programs.")
    # 4.
    if headcount.customer_success > 0:
        fill(
            CS_ENABLEMENT,
            1,
            f"B step 4, A.4: you have {headcount.customer_success} in customer success, who "
            f"need CS enablement {lead_or_specialist}.",
        )
    # 5.
    fill(
        SALES_ENABLEMENT,
        1,
        f"B step 5, A.4: sales enablement {lead_or_specialist} for {headcount.sales} in sales.",
    )
    # 6.
    fill(
        PRODUCT_ENABLEMENT,
        1,
        "B step 6, A.4: product enablement works with product marketing so that launches "
        "turn into revenue fast.",
    )
    # 7.
    if profile.verticals:
        fill(
            ENABLEMENT_LIAISON,
            profile.verticals,
            f"B step 7, A.4: one liaison per vertical/product team; you define "
            f"{profile.verticals}.",
        )
    # 8.
    if stage >= 3:
        target = max(1, total // SEATS_PER_EXTRA_SPECIALIST)
        why = (
            f"B step 8, A.5: from stage 3 program managers and adult-learning specialists "
            f"grow to one per {SEATS_PER_EXTRA_SPECIALIST} seats — "
            f"{total} // {SEATS_PER_EXTRA_SPECIALIST} → {target}."
        )
        for role in (PROGRAM_MANAGER, ADULT_LEARNING_SPECIALIST):
            before = roles[role]
            if before < target:
                fill(role, target - before, why)
                if roles[role] > before:
                    reasons[role] = f"{reasons[role]} {why}"
    # 9.
    if remaining:
        _split_remaining(headcount, remaining, roles, reasons)
    ordered = {role: roles[role] for role in ROLES if roles[role] > 0}
    return ordered, tuple(unreached), reasons


def _split_remaining(
    headcount: Headcount, seats: int, roles: Counter[str], reasons: dict[str, str]
) -> None:
    """B step 9: leftover seats split by headcount served, largest remainder, ties to sales."""
    sales_side = headcount.sales + headcount.other
    cs_side = headcount.customer_success
    served = sales_side + cs_side
    sales_exact, sales_remainder = divmod(seats * sales_side, served)
    cs_exact, cs_remainder = divmod(seats * cs_side, served)
    if sales_exact + cs_exact < seats:  # at most one seat left over between two shares
        if sales_remainder >= cs_remainder:
            sales_exact += 1
        else:
            cs_exact += 1
    why = (
        f"B step 9: {seats} remaining seat(s) split by headcount served — "
        f"{sales_side} sales and other customer-facing, {cs_side} customer success."
    )
    for role, extra in ((SALES_ENABLEMENT, sales_exact), (CS_ENABLEMENT, cs_exact)):
        if extra:
            roles[role] += extra
            reasons[role] = f"{reasons[role]} {why}" if role in reasons else why


# --- B. Gap ------------------------------------------------------------------------------

PLANNED = "planned"
APPROVED = "approved"
RECRUITING = "recruiting"
HIRED = "hired"
CANCELLED = "cancelled"
HIRE_STATUSES = (PLANNED, APPROVED, RECRUITING, HIRED, CANCELLED)
# A hired hire is a team member by then and a cancelled one counts nowhere (B).
OPEN_HIRE_STATUSES = frozenset({PLANNED, APPROVED, RECRUITING})


@dataclass(frozen=True)
class TeamSeat:
    role: str
    start: int
    end: int | None = None

    def in_seat(self, quarter: int) -> bool:
        """B: start quarter ≤ Q and, if any, end quarter > Q."""
        return self.start <= quarter and (self.end is None or self.end > quarter)


@dataclass(frozen=True)
class Hire:
    role: str
    target: int
    status: str = PLANNED

    def planned_by(self, quarter: int) -> bool:
        """B: planned, approved or recruiting, with target quarter ≤ Q."""
        return self.status in OPEN_HIRE_STATUSES and self.target <= quarter


@dataclass(frozen=True)
class RoleGap:
    role: str
    title: str
    recommended: int
    in_seat: int
    planned: int
    reason: str

    @property
    def gap(self) -> int:
        """B: recommended - in seat - planned. Positive: still to plan; negative: over."""
        return self.recommended - self.in_seat - self.planned


@dataclass(frozen=True)
class QuarterGap:
    quarter: int
    assessment: Assessment
    rows: tuple[RoleGap, ...]
    in_seat_total: int
    planned_total: int
    ratio_band: str

    @property
    def recommended_total(self) -> int:
        return self.assessment.recommended_total

    @property
    def gap_total(self) -> int:
        return self.recommended_total - self.in_seat_total - self.planned_total

    @property
    def still_to_plan(self) -> int:
        """Seats with a positive gap; a surplus in one role does not fill another."""
        return sum(row.gap for row in self.rows if row.gap > 0)


def gap_for_quarter(
    quarter: int,
    headcount: Headcount,
    profile: Profile,
    team: Iterable[TeamSeat],
    hires: Iterable[Hire],
) -> QuarterGap:
    assessment = assess(headcount, profile)
    in_seat = Counter(seat.role for seat in team if seat.in_seat(quarter))
    planned = Counter(hire.role for hire in hires if hire.planned_by(quarter))
    rows = tuple(
        RoleGap(
            role=role,
            title=role_title(role, assessment.stage),
            recommended=assessment.roles.get(role, 0),
            in_seat=in_seat[role],
            planned=planned[role],
            reason=_row_reason(role, assessment),
        )
        for role in ROLES
        if assessment.roles.get(role) or in_seat[role] or planned[role]
    )
    return QuarterGap(
        quarter=quarter,
        assessment=assessment,
        rows=rows,
        in_seat_total=in_seat.total(),
        planned_total=planned.total(),
        ratio_band=ratio_band(headcount.total, in_seat.total()),
    )


def _row_reason(role: str, assessment: Assessment) -> str:
    if role in assessment.roles:
        return assessment.reasons[role]
    outside = (
        f"Not in the recommended team of {assessment.recommended_total} at stage {assessment.stage}"
    )
    if role in assessment.next_hires:
        return f"{outside}; next as you grow ({assessment.reasons[role]})"
    return f"{outside}."


# --- Roadmap -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HireToPlan:
    role: str
    seats: int
    needed_in: int  # the quarter from which these seats have been short without a break
    open_requisition_by: int  # B: needed_in - lead time


@dataclass(frozen=True)
class RoadmapQuarter:
    quarter: int
    headcount: Headcount
    carried: bool  # no snapshot for this quarter: the previous one is carried forward
    stage_changed: bool
    gap: QuarterGap
    hires_to_plan: tuple[HireToPlan, ...] = field(default=())

    def open_requisition_by(self, role: str) -> int | None:
        """The earliest deadline among the role's seats still to plan."""
        for hire in self.hires_to_plan:
            if hire.role == role:
                return hire.open_requisition_by
        return None


def roadmap(
    snapshots: Mapping[int, Headcount],
    profile: Profile,
    team: Iterable[TeamSeat],
    hires: Iterable[Hire],
    lead_time: int,
) -> list[RoadmapQuarter]:
    """Every quarter from the first snapshot to the last, gaps and requisition deadlines."""
    if lead_time < 0:
        raise ValueError("The hiring lead time cannot be negative.")
    if not snapshots:
        return []
    team, hires = tuple(team), tuple(hires)
    first, last = min(snapshots), max(snapshots)
    quarters: list[RoadmapQuarter] = []
    # Per role, the quarter in which each seat still to plan first fell short, oldest first.
    # A growing shortfall adds seats needed from later quarters, each with its own deadline;
    # a shrinking one keeps the oldest seats, so no deadline is ever shown later than due.
    short_seats: dict[str, list[int]] = {}
    headcount = snapshots[first]
    previous_stage = None
    for quarter in range(first, last + 1):
        carried = quarter not in snapshots
        if not carried:
            headcount = snapshots[quarter]
        gap = gap_for_quarter(quarter, headcount, profile, team, hires)
        to_plan = []
        for row in gap.rows:
            seats = short_seats.setdefault(row.role, [])
            missing = max(row.gap, 0)
            seats.extend([quarter] * (missing - len(seats)))
            del seats[missing:]
            for needed_in, batch in groupby(seats):
                count = len(list(batch))
                to_plan.append(HireToPlan(row.role, count, needed_in, needed_in - lead_time))
        for role in set(short_seats) - {row.role for row in gap.rows}:
            del short_seats[role]
        quarters.append(
            RoadmapQuarter(
                quarter=quarter,
                headcount=headcount,
                carried=carried,
                stage_changed=previous_stage is not None and gap.assessment.stage != previous_stage,
                gap=gap,
                hires_to_plan=tuple(to_plan),
            )
        )
        previous_stage = gap.assessment.stage
    return quarters
