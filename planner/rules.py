"""The enablement-structure rules, exactly as RULES.md part B pins them down.

Pure Python on plain dataclasses: no database, no clock, nothing of Django but the marking
of new sentences for translation. Views, the CSV export and the tests all call these
functions, so every number the product shows is computed once, here. Each recommendation
carries a ``Reason``: a sentence a user understands without the rules open, and the rules
it comes from (A.n or B) as citations.

Quarters are integers that sort and do arithmetic (see ``planner.quarters``): this module
compares them, subtracts a lead time and names them in sentences, nothing more. The current
quarter is always passed in.
"""

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property, lru_cache
from itertools import groupby, pairwise
from math import ceil

from django.utils.translation import get_language, gettext, gettext_lazy, ngettext
from django.utils.translation import gettext_lazy as _

from planner.quarters import Quarter

# --- Reasons and the rules they cite -------------------------------------------------------

# Every rule of RULES.md a reason can cite, by the name a reader sees after the sentence.
CITATIONS = (
    *(f"A.{n}" for n in range(1, 8)),
    "B stages",
    "B stage 1",
    "B stage 4",
    "B team size",
    "B ratio",
    *(f"B step {n}" for n in range(1, 11)),
    "B gap",
    "B lead time",
    "B roadmap",
)


_KNOWN_CITATIONS = frozenset(CITATIONS)


def citation_anchor(citation: str) -> str:
    """The stable anchor of a rule on a page showing RULES.md: "A.4" → "a-4"."""
    if citation not in CITATIONS:
        raise ValueError(f"{citation!r} is not a rule of RULES.md.")
    return re.sub(r"[^a-z0-9]+", "-", citation.lower())


@dataclass(frozen=True)
class Reason:
    """Plain language first; the rules it applies follow as citations (RULES.md B)."""

    text: str
    citations: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.citations) - _KNOWN_CITATIONS
        if unknown:
            raise ValueError(f"{sorted(unknown)} are not rules of RULES.md.")

    def __str__(self) -> str:
        if not self.citations:
            return self.text
        return f"{self.text} ({', '.join(self.citations)})"

    def __add__(self, other: "Reason") -> "Reason":
        """Both sentences, each rule cited once."""
        return Reason(
            f"{self.text} {other.text}", tuple(dict.fromkeys(self.citations + other.citations))
        )


def _people(n: int) -> str:
    return ngettext("%(count)s customer-facing person", "%(count)s customer-facing people", n) % {
        "count": n
    }


# --- B. Stages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    number: int
    name: str
    low: int  # customer-facing headcount, inclusive
    high: int | None  # inclusive; None = no upper bound
    leader_strategic_share: float
    meaning: Reason  # A.3–A.6: how the leader spends their time at this stage

    @property
    def range_label(self) -> str:
        return f"{self.low}–{self.high}" if self.high is not None else f"{self.low}+"


STAGES = (
    Stage(
        1,
        _("Foundation"),
        0,
        50,
        0.25,
        Reason(
            # xgettext:no-python-format
            _(
                "A team of one. The Enablement Manager spends about 75% of the time on hands-on "
                "work and up to 25% on strategy: program planning, process improvement, early "
                "tool purchases."
            ),
            ("A.3",),
        ),
    ),
    Stage(
        2,
        _("Expansion"),
        51,
        500,
        0.50,
        Reason(
            _(
                "The team needs a leader who is still mainly hands-on but spends about half of the "
                "time on strategy, adding teammates as they move from hands-on work to strategy."
            ),
            ("A.4",),
        ),
    ),
    Stage(
        3,
        _("Scale"),
        501,
        2000,
        1.00,
        Reason(
            _(
                "Same shape as Expansion, but the leader becomes fully strategic and keeps hiring "
                "at the recommended ratio: specialists become leads."
            ),
            ("A.5",),
        ),
    ),
    Stage(
        4,
        _("Enterprise"),
        2001,
        None,
        1.00,
        Reason(
            _(
                "Build for scale. The leader is fully strategic and a peer of the customer-facing "
                "leaders, often reporting to the CRO; the team moves from orchestrating the field "
                "to collaborating with it."
            ),
            ("A.6",),
        ),
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
    "none": Reason(_("No enablement in seat yet."), ("B ratio",)),
    "inefficient": Reason(
        _(
            "Heading toward one enablement person per customer-facing person, which the article "
            "calls gross inefficiency."
        ),
        ("A.1", "B ratio"),
    ),
    "heavy": Reason(_("More enablement than the typical 1:50."), ("A.1", "B ratio")),
    "typical": Reason(
        _("Around the typical one enablement person per 50 customer-facing."), ("A.1", "B ratio")
    ),
    "lean": Reason(
        _("Leaner than the typical 1:50, still short of the 500:1 warning sign."),
        ("A.1", "B ratio"),
    ),
    "no_buy_in": Reason(
        _("Above 500:1, which the article reads as enablement having no buy-in."),
        ("A.1", "B ratio"),
    ),
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
    ENABLEMENT_LEADER: _("Enablement leader"),
    ADULT_LEARNING_SPECIALIST: _("Adult-learning specialist"),
    PROGRAM_MANAGER: _("Program manager"),
    CS_ENABLEMENT: _("CS enablement"),
    SALES_ENABLEMENT: _("Sales enablement"),
    PRODUCT_ENABLEMENT: _("Product enablement"),
    ENABLEMENT_LIAISON: _("Enablement liaison"),
}

CHANGE_MANAGEMENT = "change_management"
CO_CREATION = "co_creation"
CENTER_OF_EXCELLENCE = "center_of_excellence"
PRACTICES = (CHANGE_MANAGEMENT, CO_CREATION, CENTER_OF_EXCELLENCE)
PRACTICE_NAMES = {
    CHANGE_MANAGEMENT: _("Formal change management"),
    CO_CREATION: _("Co-creation and collaboration models"),
    CENTER_OF_EXCELLENCE: _("Enablement center of excellence"),
}
PRACTICE_REASONS = {
    CHANGE_MANAGEMENT: Reason(
        _("At over 2000 customer-facing, add a formal approach to change management."),
        ("A.6", "B stage 4"),
    ),
    CO_CREATION: Reason(
        _(
            "At over 2000 customer-facing, scale coaching, content sourcing and delivery through "
            "co-creation and collaboration with the field."
        ),
        ("A.6", "B stage 4"),
    ),
    CENTER_OF_EXCELLENCE: Reason(
        _(
            "At over 2000 customer-facing, run a single center of excellence for enablement, "
            "owned jointly with the customer-facing teams."
        ),
        ("A.6", "B stage 4"),
    ),
}

STAGE_1_FOCUSES = {
    "onboarding": _("Onboarding & training"),
    "content": _("Content creation, curation and delivery"),
    "process": _("Process improvement (often shared with Revenue Operations at first)"),
}
STAGE_1_FOCUS_ADVICE = Reason(
    _(
        "A team of one should focus on one activity above all: onboarding & training, content, "
        "or process improvement."
    ),
    ("A.3", "B stage 1"),
)

REPORTING_LINE_ADVICE = Reason(
    _(
        "Outside the revenue team enablement tends to be more strategic but further from the "
        "people it supports; inside it, more tactical with more direct impact. There is no single "
        "right answer."
    ),
    ("A.7",),
)
ENTERPRISE_REPORTING_ADVICE = Reason(
    _(
        "At this size the enablement leader should be a peer of the customer-facing leaders, "
        "reporting to the Chief Revenue Officer or equivalent."
    ),
    ("A.6", "B stage 4"),
)

LEADER_RULE = {2: "A.4", 3: "A.5", 4: "A.6"}
LEADER_WORDS = {
    2: _("One leader heads the team and spends about half of the time on strategy."),
    3: _("One leader heads the team, now fully on strategy."),
    4: _("One leader heads the team, fully on strategy and a peer of the customer-facing leaders."),
}

# B step 8: from stage 3, program managers and adult-learning specialists grow to one per
# this many recommended seats (the 20 is this project's choice).
SEATS_PER_EXTRA_SPECIALIST = 20

# B step 10: the functions whose seats get managers, and how many people a manager leads.
MANAGED_ROLES = (SALES_ENABLEMENT, CS_ENABLEMENT, PRODUCT_ENABLEMENT, ENABLEMENT_LIAISON)
SPAN_OF_CONTROL = 8


def role_title(role: str, stage: int) -> str:
    """Titles vary by stage (B): Enablement Manager alone at stage 1, specialists become leads."""
    return _role_title(role, stage, get_language())


@lru_cache(maxsize=256)
def _role_title(role: str, stage: int, language: str | None) -> str:
    if role == ENABLEMENT_LEADER:
        return gettext("Enablement Manager") if stage == 1 else gettext("Head of Enablement")
    if role in SPECIALIST_TITLES:
        return str(LEAD_TITLES[role] if stage >= 3 else SPECIALIST_TITLES[role])
    return str(ROLE_NAMES[role])


SPECIALIST_TITLES = {
    CS_ENABLEMENT: _("CS enablement specialist"),
    SALES_ENABLEMENT: _("Sales enablement specialist"),
    PRODUCT_ENABLEMENT: _("Product enablement specialist"),
}
LEAD_TITLES = {
    CS_ENABLEMENT: _("CS enablement lead"),
    SALES_ENABLEMENT: _("Sales enablement lead"),
    PRODUCT_ENABLEMENT: _("Product enablement lead"),
}


def _member_noun(role: str, stage: int) -> str:
    if role == ENABLEMENT_LIAISON:
        return gettext("liaison")
    return gettext("lead") if stage >= 3 else gettext("specialist")


def _members_in_words(role: str, count: int, stage: int) -> str:
    if role == ENABLEMENT_LIAISON:
        return ngettext("%(count)s liaison", "%(count)s liaisons", count) % {"count": count}
    if stage >= 3:
        return ngettext("%(count)s lead", "%(count)s leads", count) % {"count": count}
    return ngettext("%(count)s specialist", "%(count)s specialists", count) % {"count": count}


def managers_for(role: str, seats: int) -> int:
    """B step 10: n > 8 seats of a managed role include ceil(n / 9) managers; else none."""
    if role not in MANAGED_ROLES or seats <= SPAN_OF_CONTROL:
        return 0
    return ceil(seats / (SPAN_OF_CONTROL + 1))


def seats_in_words(role: str, seats: int, managers: int, stage: int) -> str:
    """A role's seats with the managers among them: "46 — 6 managers, 40 leads" (B step 10)."""
    if not managers:
        return str(seats)
    return gettext("%(seats)s — %(managers)s, %(others)s") % {
        "seats": seats,
        "managers": ngettext("%(count)s manager", "%(count)s managers", managers)
        % {"count": managers},
        "others": _members_in_words(role, seats - managers, stage),
    }


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
    stage_meaning: Reason
    recommended_total: int
    size_reason: Reason
    roles: dict[str, int]
    next_hires: tuple[str, ...]
    practices: tuple[str, ...]
    leader_strategic_share: float
    reasons: dict[str, Reason]
    reporting_advice: Reason
    # B step 10: manager seats inside a role's count, for roles that have any.
    managers: dict[str, int] = field(default_factory=dict)
    # Per next hire, the seats the fill order asked for that the recommended total left out.
    next_hire_seats: dict[str, int] = field(default_factory=dict)


def recommended_total(customer_facing: int, target_ratio: int = DEFAULT_TARGET_RATIO) -> int:
    """B: 0 when N = 0; 1 in stage 1; otherwise max(2, ceil(N / R))."""
    if customer_facing == 0:
        return 0
    if stage_for(customer_facing).number == 1:
        return 1
    return max(2, ceil(customer_facing / target_ratio))


def assess(headcount: Headcount, profile: Profile) -> Assessment:
    """What the rules recommend for a headcount (A, B steps 1–10), with every reason.

    Pure, and asked again for the same headcounts all the time (each roadmap assesses every
    quarter, and an edit changes one): each result is kept per headcount, profile and the
    language its reasons are worded in. Assessments are never changed once made.
    """
    return _assess(headcount, profile, get_language())


@lru_cache(maxsize=4096)
def _assess(headcount: Headcount, profile: Profile, language: str | None) -> Assessment:
    n = headcount.total
    stage = stage_for(n)
    total = recommended_total(n, profile.target_ratio)
    roles: dict[str, int] = {}
    next_hire_seats: dict[str, int] = {}
    reasons: dict[str, Reason] = {}
    managers: dict[str, int] = {}
    if n and stage.number == 1:
        roles = {ENABLEMENT_LEADER: 1}
        reasons = {
            ENABLEMENT_LEADER: Reason(
                _(
                    "With %(n)s, one person is the whole team: an Enablement "
                    "Manager who spends about 75%% of the time on hands-on work "
                    "and up to 25%% on strategy."
                )
                % {"n": _people(n)},
                ("A.3", "B stage 1"),
            )
        }
    elif n:
        roles, next_hire_seats, reasons, managers = _compose(
            headcount, profile, stage.number, total
        )
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
        size_reason=_size_reason(n, profile.target_ratio, total),
        roles=roles,
        next_hires=tuple(next_hire_seats),
        practices=practices,
        leader_strategic_share=stage.leader_strategic_share,
        reasons=reasons,
        reporting_advice=ENTERPRISE_REPORTING_ADVICE
        if stage.number == 4
        else REPORTING_LINE_ADVICE,
        managers=managers,
        next_hire_seats=next_hire_seats,
    )


def _size_reason(n: int, ratio: int, total: int) -> Reason:
    if n == 0:
        return Reason(
            _("There is no customer-facing headcount to enable yet, so the team has 0 seats."),
            ("B team size",),
        )
    if n <= STAGES[0].high:
        return Reason(
            _("With %(n)s, 50 or fewer, one person is enough: 1 seat.") % {"n": _people(n)},
            ("A.3", "B team size"),
        )
    exact = ceil(n / ratio)
    if exact < 2:
        return Reason(
            _(
                "With %(n)s, one enablement seat per %(ratio)s would make "
                "%(exact)s, but past 50 customer-facing the team has a leader and"
                " at least one teammate: 2 seats."
            )
            % {"n": _people(n), "ratio": ratio, "exact": exact},
            ("A.4", "B team size"),
        )
    return Reason(
        _("With %(n)s, one enablement seat per %(ratio)s customer-facing makes %(total)s seats.")
        % {"n": _people(n), "ratio": ratio, "total": total},
        ("A.1", "B team size"),
    )


def _compose(
    headcount: Headcount, profile: Profile, stage: int, total: int
) -> tuple[dict[str, int], dict[str, int], dict[str, Reason], dict[str, int]]:
    """B, stages 2–4: fill seats in the fixed order until the recommended total is used up.

    Returns the role counts, the seats each step wanted beyond the total (the next hires, in
    fill order), each role's reason and the managers among the seats of each role.
    """
    roles: Counter[str] = Counter()
    reasons: dict[str, Reason] = {}
    unreached: dict[str, int] = {}
    remaining = total

    def fill(role: str, seats: int, reason: Reason) -> None:
        nonlocal remaining
        taken = min(seats, remaining)
        remaining -= taken
        roles[role] += taken
        reasons.setdefault(role, reason)
        if taken < seats:
            unreached[role] = unreached.get(role, 0) + seats - taken

    noun = gettext("lead") if stage >= 3 else gettext("specialist")
    # 1.
    fill(ENABLEMENT_LEADER, 1, Reason(LEADER_WORDS[stage], (LEADER_RULE[stage], "B step 1")))
    # 2.
    if stage >= 3:
        fill(
            ADULT_LEARNING_SPECIALIST,
            1,
            Reason(
                _(
                    "Past 500 customer-facing the team always has its own adult-learning "
                    "specialist, who designs how people learn."
                ),
                ("A.5", "B step 2"),
            ),
        )
    elif not profile.leader_has_adult_learning:
        fill(
            ADULT_LEARNING_SPECIALIST,
            1,
            Reason(
                _(
                    "Your enablement leader has no adult-learning expertise, so a specialist "
                    "designs how people learn."
                ),
                ("A.4", "B step 2"),
            ),
        )
    # 3.
    fill(
        PROGRAM_MANAGER,
        1,
        Reason(
            _("A program manager turns training into formal, repeatable programs."),
            ("A.4", "B step 3"),
        ),
    )
    # 4.
    if headcount.customer_success > 0:
        fill(
            CS_ENABLEMENT,
            1,
            Reason(
                _(
                    "You have %(customer_success)s in customer success, who need "
                    "their own enablement %(noun)s."
                )
                % {"customer_success": headcount.customer_success, "noun": noun},
                ("A.4", "B step 4"),
            ),
        )
    # 5.
    fill(SALES_ENABLEMENT, 1, Reason(_sales_side_words(headcount, noun), ("A.4", "B step 5")))
    # 6.
    fill(
        PRODUCT_ENABLEMENT,
        1,
        Reason(
            _(
                "A product enablement %(noun)s works with product marketing so "
                "that launches turn into revenue fast."
            )
            % {"noun": noun},
            ("A.4", "B step 6"),
        ),
    )
    # 7.
    if profile.verticals:
        fill(
            ENABLEMENT_LIAISON,
            profile.verticals,
            Reason(
                _liaison_words(profile.verticals, min(profile.verticals, remaining), total),
                ("A.4", "B step 7"),
            ),
        )
    # 8.
    if stage >= 3:
        target = max(1, total // SEATS_PER_EXTRA_SPECIALIST)
        why = Reason(
            _(
                "As the team grows, program managers and adult-learning "
                "specialists grow to one per %(seats_per_extra_specialist)s "
                "recommended seats: %(target)s each for a team of %(total)s."
            )
            % {
                "seats_per_extra_specialist": SEATS_PER_EXTRA_SPECIALIST,
                "target": target,
                "total": total,
            },
            ("A.5", "B step 8"),
        )
        for role in (PROGRAM_MANAGER, ADULT_LEARNING_SPECIALIST):
            if roles[role] + unreached.get(role, 0) < target:
                reasons[role] += why
                fill(role, target - roles[role] - unreached.get(role, 0), why)
    # 9.
    if remaining:
        _split_remaining(headcount, remaining, roles, reasons)
    # 10.
    managers = {}
    for role in ROLES:
        if count := managers_for(role, roles[role]):
            managers[role] = count
            reasons[role] += Reason(
                _(
                    "With %(role)s seats, %(count)s of them are managers, so that"
                    " no one leads more than %(span_of_control)s people."
                )
                % {"role": roles[role], "count": count, "span_of_control": SPAN_OF_CONTROL},
                ("B step 10",),
            )
    ordered = {role: roles[role] for role in ROLES if roles[role] > 0}
    return ordered, unreached, reasons, managers


def _sales_side_words(headcount: Headcount, noun: str) -> str:
    """B step 5: whom sales enablement serves, in the words of the headcount entered."""
    sales, other = headcount.sales, headcount.other
    values = {"sales": sales, "other": other, "noun": noun}
    if sales and other:
        text = _(
            "You have %(sales)s in sales and %(other)s in other customer-facing teams, who "
            "need their own sales enablement %(noun)s."
        )
    elif sales:
        text = _("You have %(sales)s in sales, who need their own sales enablement %(noun)s.")
    elif other:
        text = _(
            "You have %(other)s in other customer-facing teams, who need their own sales "
            "enablement %(noun)s."
        )
    else:
        text = _(
            "A sales enablement %(noun)s supports whoever sells, even before you have a sales "
            "team of your own."
        )
    return text % values


def _liaison_words(verticals: int, fit: int, total: int) -> str:
    """B step 7: one liaison per vertical, and when they outnumber the seats, how many fit."""
    values = {"verticals": verticals, "fit": fit, "total": total, "rest": verticals - fit}
    if fit == verticals:
        return (
            ngettext(
                "You have %(verticals)s vertical or product team, which needs a liaison who stays "
                "close to its people.",
                "You have %(verticals)s verticals or product teams, and each needs a liaison who "
                "stays close to its people.",
                verticals,
            )
            % values
        )
    if fit == 0:
        return (
            ngettext(
                "You have %(verticals)s vertical or product team, needing a liaison who stays "
                "close to its people, but none fits yet: the roles that come first take all "
                "%(total)s recommended seats. Liaisons are next as you grow.",
                "You have %(verticals)s verticals or product teams, each needing a liaison who "
                "stays close to its people, but none fits yet: the roles that come first take all "
                "%(total)s recommended seats. Liaisons are next as you grow.",
                verticals,
            )
            % values
        )
    return (
        ngettext(
            "You have %(verticals)s verticals or product teams, each needing a liaison who stays "
            "close to its people, but only %(fit)s fits: the roles that come first leave %(fit)s "
            "of the %(total)s recommended seats. The other %(rest)s are next as you grow.",
            "You have %(verticals)s verticals or product teams, each needing a liaison who stays "
            "close to its people, but only %(fit)s fit: the roles that come first leave %(fit)s "
            "of the %(total)s recommended seats. The other %(rest)s are next as you grow.",
            fit,
        )
        % values
    )


SPLIT_NAMES = {SALES_ENABLEMENT: _("sales enablement"), CS_ENABLEMENT: _("CS enablement")}


def _split_remaining(
    headcount: Headcount, seats: int, roles: Counter[str], reasons: dict[str, Reason]
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
    for role, extra in ((SALES_ENABLEMENT, sales_exact), (CS_ENABLEMENT, cs_exact)):
        if not extra:
            continue
        roles[role] += extra
        if not cs_side:
            text = ngettext(
                "The %(seats)s seat left after the roles above goes to sales enablement, as "
                "no one is in customer success.",
                "The %(seats)s seats left after the roles above go to sales enablement, as "
                "no one is in customer success.",
                seats,
            ) % {"seats": seats}
        else:
            text = ngettext(
                "The %(seats)s seat left after the roles above is shared by how many people "
                "each side serves, %(sales)s in sales and other customer-facing teams against "
                "%(cs)s in customer success: %(extra)s to %(role)s.",
                "The %(seats)s seats left after the roles above are shared by how many people "
                "each side serves, %(sales)s in sales and other customer-facing teams against "
                "%(cs)s in customer success: %(extra)s to %(role)s.",
                seats,
            ) % {
                "seats": seats,
                "sales": sales_side,
                "cs": cs_side,
                "extra": extra,
                "role": SPLIT_NAMES[role],
            }
        reasons[role] += Reason(text, ("B step 9",))


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
    is_manager: bool = False  # B step 10: one of the role's managers

    def in_seat(self, quarter: int) -> bool:
        """B: start quarter ≤ Q and, if any, end quarter > Q."""
        return self.start <= quarter and (self.end is None or self.end > quarter)


@dataclass(frozen=True)
class Hire:
    role: str
    target: int
    status: str = PLANNED
    is_manager: bool = False  # B step 10: hired as one of the role's managers

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
    reason: Reason
    stage: int = 1
    managers: int = 0  # B step 10: manager seats among the recommended
    managers_in_seat: int = 0
    managers_planned: int = 0
    # More held than recommended: the first later quarter whose forecast needs them all.
    needed_from: int | None = None

    @property
    def gap(self) -> int:
        """B: recommended - in seat - planned. Positive: still to plan; negative: over."""
        return self.recommended - self.in_seat - self.planned

    @property
    def ahead_of_plan(self) -> bool:
        return self.gap < 0

    @property
    def manager_gap(self) -> int:
        """B step 10 against the team: managers recommended - in seat - planned."""
        return self.managers - self.managers_in_seat - self.managers_planned

    @property
    def recommended_words(self) -> str:
        return seats_in_words(self.role, self.recommended, self.managers, self.stage)

    @property
    def in_seat_words(self) -> str:
        return seats_in_words(self.role, self.in_seat, self.managers_in_seat, self.stage)


@dataclass(frozen=True)
class NextHire:
    """A role the fill order reaches only as the team grows (B, "next hires as you grow")."""

    role: str
    title: str
    seats: int  # wanted beyond the recommended team and not already held ahead of plan
    reason: Reason


@dataclass(frozen=True)
class QuarterGap:
    quarter: int
    assessment: Assessment
    rows: tuple[RoleGap, ...]
    in_seat_total: int
    planned_total: int
    ratio_band: str
    next_hires: tuple[NextHire, ...] = ()
    current: int | None = None  # the quarter a leader is in; None when not known

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

    @property
    def next_stage_words(self) -> str:
        """How far the next stage is from this quarter's headcount, the quarter named unless
        it is the current one: "Stage 3 (Scale) starts at 501 customer-facing: 12 more than
        FY2026 Q4." Empty in the last stage."""
        if self.assessment.stage == len(STAGES):
            return ""
        following = STAGES[self.assessment.stage]
        more = following.low - self.assessment.headcount.total
        values = {
            "number": following.number,
            "name": following.name,
            "low": following.low,
            "more": more,
            "quarter": Quarter.from_ordinal(self.quarter).label,
        }
        if self.quarter == self.current:
            return (
                gettext(
                    "Stage %(number)s (%(name)s) starts at %(low)s customer-facing: %(more)s more "
                    "than today."
                )
                % values
            )
        return (
            gettext(
                "Stage %(number)s (%(name)s) starts at %(low)s customer-facing: %(more)s more "
                "than %(quarter)s."
            )
            % values
        )


def gap_for_quarter(
    quarter: int,
    headcount: Headcount,
    profile: Profile,
    team: Iterable[TeamSeat],
    hires: Iterable[Hire],
    *,
    forecast: Mapping[int, Headcount] | None = None,
    current: int | None = None,
) -> QuarterGap:
    """B gap for one quarter. ``forecast``, the snapshots by quarter, tells a role held ahead
    of plan from which later quarter it is needed; ``current`` names the quarter a leader is
    in, so a sentence can compare with it."""
    later = sorted((q, h) for q, h in (forecast or {}).items() if q > quarter)
    return _quarter_gap(
        quarter,
        assess(headcount, profile),
        _Held.of(quarter, team, hires),
        # Assessed only if a role is held ahead of plan and the forecast must be searched.
        ((q, assess(h, profile)) for q, h in later),
        current,
    )


@dataclass
class _Held:
    """Per role, the people in seat and the open hires counted in one quarter (B gap), and
    the managers among each."""

    in_seat: Counter[str] = field(default_factory=Counter)
    planned: Counter[str] = field(default_factory=Counter)
    managers_in_seat: Counter[str] = field(default_factory=Counter)
    managers_planned: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, quarter: int, team: Iterable[TeamSeat], hires: Iterable[Hire]) -> "_Held":
        held = cls()
        for seat in team:
            if seat.in_seat(quarter):
                held.seat(seat, 1)
        for hire in hires:
            if hire.planned_by(quarter):
                held.plan(hire)
        return held

    def seat(self, seat: TeamSeat, change: int) -> None:
        self.in_seat[seat.role] += change
        if seat.is_manager:
            self.managers_in_seat[seat.role] += change

    def plan(self, hire: Hire) -> None:
        self.planned[hire.role] += 1
        if hire.is_manager:
            self.managers_planned[hire.role] += 1


def _quarter_gap(
    quarter: int,
    assessment: Assessment,
    held: _Held,
    later: Iterable[tuple[int, Assessment]],
    current: int | None,
    ceiling: Mapping[str, int] | None = None,
) -> QuarterGap:
    """``ceiling``, when known, is the most seats of each role any later quarter recommends:
    a surplus above it is needed in none, so the later quarters need no search."""
    later = _Lazy(later)
    language = get_language()  # asked once: the titles and reasons below are worded in it
    in_seat, planned = held.in_seat, held.planned
    managers_in_seat, managers_planned = held.managers_in_seat, held.managers_planned
    rows = []
    for role in ROLES:
        recommended = assessment.roles.get(role, 0)
        held = in_seat[role] + planned[role]
        if not recommended and not held:
            continue
        needed_from = None
        if held > recommended:
            if ceiling is None or held <= ceiling.get(role, 0):
                needed_from = next((q for q, a in later if a.roles.get(role, 0) >= held), None)
            reason = _ahead_reason_of(
                role,
                recommended,
                held,
                needed_from,
                assessment.headcount,
                assessment.profile,
                language,
            )
        else:
            reason = assessment.reasons[role]
        rows.append(
            RoleGap(
                role=role,
                title=_role_title(role, assessment.stage, language),
                recommended=recommended,
                in_seat=in_seat[role],
                planned=planned[role],
                reason=reason,
                stage=assessment.stage,
                managers=assessment.managers.get(role, 0),
                managers_in_seat=managers_in_seat[role],
                managers_planned=managers_planned[role],
                needed_from=needed_from,
            )
        )
    next_hires = []
    for role in assessment.next_hires:
        ahead = max(0, in_seat[role] + planned[role] - assessment.roles.get(role, 0))
        seats = assessment.next_hire_seats[role] - ahead
        if seats > 0:
            title = _role_title(role, assessment.stage, language)
            next_hires.append(NextHire(role, title, seats, assessment.reasons[role]))
    return QuarterGap(
        quarter=quarter,
        assessment=assessment,
        rows=tuple(rows),
        in_seat_total=in_seat.total(),
        planned_total=planned.total(),
        ratio_band=ratio_band(assessment.headcount.total, in_seat.total()),
        next_hires=tuple(next_hires),
        current=current,
    )


class _Lazy[T]:
    """The items of an iterable, each computed once and only when first asked for."""

    def __init__(self, items: Iterable[T]):
        self._items = iter(items)
        self._seen: list[T] = []

    def __iter__(self) -> Iterator[T]:
        index = 0
        while True:
            if index == len(self._seen):
                try:
                    self._seen.append(next(self._items))
                except StopIteration:
                    return
            yield self._seen[index]
            index += 1


@lru_cache(maxsize=8192)
def _ahead_reason_of(
    role: str,
    recommended: int,
    held: int,
    needed_from: int | None,
    headcount: Headcount,
    profile: Profile,
    language: str | None,
) -> Reason:
    """B gap, negative: more held than recommended, and when the forecast catches up.

    Kept: a roadmap says it for every role held ahead in every quarter, and again at every
    edit, mostly with the same numbers. The assessment is the one of ``headcount`` and
    ``profile``, which ``assess`` keeps too."""
    assessment = _assess(headcount, profile, language)
    total = assessment.recommended_total
    if recommended:
        text = ngettext(
            "Ahead of plan: %(held)s where %(recommended)s is recommended.",
            "Ahead of plan: %(held)s where %(recommended)s are recommended.",
            recommended,
        ) % {"held": held, "recommended": recommended}
    elif total:
        text = gettext(
            "Ahead of plan: the recommended team of %(total)s has no seat for this role yet."
        ) % {"total": total}
    else:
        text = gettext("Ahead of plan: with no customer-facing headcount no seat is recommended.")
    if needed_from is not None:
        text += " " + gettext("Needed from %(quarter)s by your forecast.") % {
            "quarter": Quarter.from_ordinal(needed_from).label
        }
    reason = Reason(text, ("B gap",))
    if role in assessment.reasons:
        reason += assessment.reasons[role]
    return reason


# --- B. Lead time and the roadmap --------------------------------------------------------


class RequisitionStatus(StrEnum):
    """B roadmap: a requisition deadline against the current quarter."""

    OVERDUE = "overdue"
    DUE_NOW = "due_now"
    UPCOMING = "upcoming"

    @property
    def words(self) -> str:
        return REQUISITION_WORDS[self]


REQUISITION_WORDS = {
    RequisitionStatus.OVERDUE: _("overdue"),
    RequisitionStatus.DUE_NOW: _("due now"),
    RequisitionStatus.UPCOMING: _("upcoming"),
}
# What a recruiting hire shows instead: its requisition is open, so nothing is due.
REQUISITION_OPEN_WORDS = _("requisition open")
# Requisitions still to open: seats to plan, and hires not yet recruiting.
UNOPENED_HIRE_STATUSES = frozenset({PLANNED, APPROVED})


def requisition_status(deadline: int, current: int) -> RequisitionStatus:
    """B roadmap: overdue before the current quarter, due now in it, upcoming after it."""
    if deadline < current:
        return RequisitionStatus.OVERDUE
    if deadline == current:
        return RequisitionStatus.DUE_NOW
    return RequisitionStatus.UPCOMING


@dataclass(frozen=True)
class HireToPlan:
    """Seats of a role still to plan, short without a break since ``needed_in``."""

    role: str
    seats: int
    needed_in: int
    open_requisition_by: int  # B: needed_in - lead time
    status: RequisitionStatus | None = None  # None in history and when no quarter is current

    @property
    def status_words(self) -> str:
        return self.status.words if self.status else ""


@dataclass(frozen=True)
class OpenHire:
    """A planned, approved or recruiting hire, with its requisition deadline (B roadmap)."""

    role: str
    target: int
    hire_status: str
    open_requisition_by: int  # B: target - lead time
    # None for a recruiting hire (its requisition is open), in history, or with no quarter
    # current; otherwise the deadline against the current quarter.
    status: RequisitionStatus | None = None
    is_manager: bool = False

    @property
    def requisition_open(self) -> bool:
        return self.hire_status == RECRUITING

    @property
    def status_words(self) -> str:
        if self.requisition_open:
            return REQUISITION_OPEN_WORDS
        return self.status.words if self.status else ""


@dataclass(frozen=True)
class RoadmapRole:
    """One role in one roadmap quarter: its gap, and what is left to open for it."""

    gap: RoleGap
    hires_to_plan: tuple[HireToPlan, ...]
    open_hires: tuple[OpenHire, ...]  # counted in this quarter's gap
    open_requisition_by: int | None
    requisition_status: RequisitionStatus | None


@dataclass(frozen=True)
class RoadmapQuarter:
    quarter: int
    headcount: Headcount
    carried: bool  # no snapshot for this quarter: the previous one is carried forward
    stage_changed: bool
    gap: QuarterGap
    hires_to_plan: tuple[HireToPlan, ...] = field(default=())
    # Every open hire counted as planned in this quarter (target quarter ≤ this one).
    open_hires: tuple[OpenHire, ...] = field(default=())
    # The open hires a page lists here, each once: at its target quarter, or at the current
    # quarter if its target is history, so a deadline missed in the past is still shown.
    open_hires_listed: tuple[OpenHire, ...] = field(default=())
    current: int | None = None

    @property
    def is_history(self) -> bool:
        """B roadmap: before the current quarter, shown as held, never as actions."""
        return self.current is not None and self.quarter < self.current

    @cached_property
    def roles(self) -> tuple[RoadmapRole, ...]:
        """Per role of the gap, in catalogue order: seats to plan, open hires, deadline."""
        to_plan, open_hires = _by_role(self.hires_to_plan), _by_role(self.open_hires)
        return tuple(
            RoadmapRole(
                gap=row,
                hires_to_plan=to_plan.get(row.role, ()),
                open_hires=open_hires.get(row.role, ()),
                open_requisition_by=self.open_requisition_by(row.role),
                requisition_status=self.requisition_status(row.role),
            )
            for row in self.gap.rows
        )

    @cached_property
    def open_hires_summary(self) -> tuple[tuple[OpenHire, int], ...]:
        """The open hires listed here, alike ones counted together (same role, status,
        target and deadline): what a page shows as "3 × Sales enablement lead …"."""
        return tuple(Counter(self.open_hires_listed).items())

    @cached_property
    def _deadlines(self) -> dict[str, int]:
        """Per role, the earliest deadline of what is left to open in this quarter."""
        deadlines: dict[str, int] = {}
        unopened = (h for h in self.open_hires if h.hire_status in UNOPENED_HIRE_STATUSES)
        for item in (*self.hires_to_plan, *unopened):
            earliest = deadlines.get(item.role)
            if earliest is None or item.open_requisition_by < earliest:
                deadlines[item.role] = item.open_requisition_by
        return deadlines

    def open_requisition_by(self, role: str) -> int | None:
        """The earliest deadline of what is left to open for the role in this quarter: its
        seats still to plan and its counted hires still planned or approved."""
        return self._deadlines.get(role)

    def requisition_status(self, role: str) -> RequisitionStatus | None:
        """The status of ``open_requisition_by(role)``; None in history or with nothing due."""
        deadline = self.open_requisition_by(role)
        if deadline is None or self.current is None or self.is_history:
            return None
        return requisition_status(deadline, self.current)


@dataclass(frozen=True)
class OpenHiresByTarget:
    """What a roadmap reads of the hires: the open ones in target order, those counted in a
    quarter being a prefix, each worded once as history and once against the current
    quarter. A headcount edit leaves it as it was."""

    hires: tuple[Hire, ...]
    targets: tuple[int, ...]
    as_history: tuple[OpenHire, ...]
    as_action: tuple[OpenHire, ...]

    @classmethod
    def of(cls, hires: Iterable[Hire], lead_time: int, current: int | None) -> "OpenHiresByTarget":
        unopened = tuple(sorted((h for h in hires if h.status in OPEN_HIRE_STATUSES), key=_target))
        return cls(
            hires=unopened,
            targets=tuple(hire.target for hire in unopened),
            as_history=tuple(open_hire(hire, lead_time, None) for hire in unopened),
            as_action=tuple(open_hire(hire, lead_time, current) for hire in unopened),
        )


def roadmap(
    snapshots: Mapping[int, Headcount],
    profile: Profile,
    team: Iterable[TeamSeat],
    hires: Iterable[Hire],
    lead_time: int,
    *,
    current: int | None = None,
    open_hires: "OpenHiresByTarget | None" = None,
) -> list[RoadmapQuarter]:
    """Every quarter from the first snapshot to the last: gaps and requisition deadlines.

    ``current`` is the quarter a leader is in: deadlines are worded against it, and the
    quarters before it are history. Without it no deadline has a status. ``open_hires`` is
    ``OpenHiresByTarget.of(hires, lead_time, current)``, when the caller keeps it.
    """
    if lead_time < 0:
        raise ValueError("The hiring lead time cannot be negative.")
    if not snapshots:
        return []
    team = tuple(team)
    assessed = sorted((q, assess(h, profile)) for q, h in snapshots.items())
    first, last = assessed[0][0], assessed[-1][0]
    snapshot_quarters = [q for q, _ in assessed]
    if open_hires is None:
        open_hires = OpenHiresByTarget.of(hires, lead_time, current)
    unopened, targets = open_hires.hires, open_hires.targets
    as_history, as_action = open_hires.as_history, open_hires.as_action

    def listed_in(hire: Hire) -> int:
        """An open hire's target quarter, or the current one when its target is history."""
        quarter = max(hire.target, first)
        return current if current is not None and quarter < current <= last else quarter

    # Each open hire is listed in one quarter: its index, by that quarter, in target order.
    listed: dict[int, list[int]] = {}
    for i, hire in enumerate(unopened):
        listed.setdefault(listed_in(hire), []).append(i)
    # What is held is counted once, then changed from quarter to quarter: the people who
    # start or leave in it, and the hires whose target it is (a prefix of ``unopened``).
    held = _Held.of(first, team, ())
    starting: dict[int, list[TeamSeat]] = {}
    leaving: dict[int, list[TeamSeat]] = {}
    for seat in team:
        if seat.end is None or seat.end > seat.start:  # in seat for at least a quarter
            starting.setdefault(seat.start, []).append(seat)
            if seat.end is not None:
                leaving.setdefault(seat.end, []).append(seat)
    counted_before = 0
    # ceilings[i]: per role, the most seats any snapshot after the i-th recommends.
    ceilings: list[dict[str, int]] = []
    most: dict[str, int] = {}
    for _quarter, later_assessment in reversed(assessed):
        ceilings.append(dict(most))
        for role, seats in later_assessment.roles.items():
            most[role] = max(most.get(role, 0), seats)
    ceilings.reverse()

    quarters: list[RoadmapQuarter] = []
    # Per role, the quarter in which each seat still to plan first fell short, oldest first.
    # A growing shortfall adds seats needed from later quarters, each with its own deadline;
    # a shrinking one keeps the oldest seats, so no deadline is ever shown later than due.
    short_seats: dict[str, list[int]] = {}
    previous_stage = None
    for quarter in range(first, last + 1):
        index = bisect_right(snapshot_quarters, quarter) - 1
        assessment = assessed[index][1]
        counted = bisect_right(targets, quarter)
        if quarter > first:
            for seat in starting.get(quarter, ()):
                held.seat(seat, 1)
            for seat in leaving.get(quarter, ()):
                if seat.start < quarter:
                    held.seat(seat, -1)
        for hire in unopened[counted_before:counted]:
            held.plan(hire)
        counted_before = counted
        gap = _quarter_gap(
            quarter, assessment, held, assessed[index + 1 :], current, ceilings[index]
        )
        # The quarter deadlines are worded against; none in history (B roadmap).
        acting = None if current is None or quarter < current else current
        to_plan = []
        for row in gap.rows:
            seats = short_seats.setdefault(row.role, [])
            missing = max(row.gap, 0)
            seats.extend([quarter] * (missing - len(seats)))
            del seats[missing:]
            for needed_in, batch in groupby(seats):
                deadline = needed_in - lead_time
                to_plan.append(
                    HireToPlan(
                        row.role, len(list(batch)), needed_in, deadline, _status(deadline, acting)
                    )
                )
        for role in set(short_seats) - {row.role for row in gap.rows}:
            del short_seats[role]
        open_hires = (as_history if acting is None else as_action)[:counted]
        quarters.append(
            RoadmapQuarter(
                quarter=quarter,
                headcount=assessment.headcount,
                carried=quarter not in snapshots,
                stage_changed=previous_stage is not None and assessment.stage != previous_stage,
                gap=gap,
                hires_to_plan=tuple(to_plan),
                open_hires=open_hires,
                open_hires_listed=tuple(
                    open_hires[i] for i in listed.get(quarter, ()) if i < counted
                ),
                current=current,
            )
        )
        previous_stage = assessment.stage
    return quarters


def _by_role[T: (HireToPlan, OpenHire)](items: Iterable[T]) -> dict[str, tuple[T, ...]]:
    grouped: dict[str, list[T]] = {}
    for item in items:
        grouped.setdefault(item.role, []).append(item)
    return {role: tuple(group) for role, group in grouped.items()}


def _target(hire: Hire) -> int:
    return hire.target


def _status(deadline: int, acting: int | None) -> RequisitionStatus | None:
    return None if acting is None else requisition_status(deadline, acting)


@lru_cache(maxsize=16384)
def open_hire(hire: Hire, lead_time: int, acting: int | None) -> OpenHire:
    """An open hire with its requisition deadline, worded against ``acting`` (the current
    quarter, or None in history and when no quarter is current).

    Kept per hire: a roadmap words every open hire twice, and the same ones again at every
    edit of the headcount, which changes none of them."""
    deadline = hire.target - lead_time
    return OpenHire(
        role=hire.role,
        target=hire.target,
        hire_status=hire.status,
        open_requisition_by=deadline,
        # A recruiting hire's requisition is open: never overdue, nothing due (B roadmap).
        status=None if hire.status == RECRUITING else _status(deadline, acting),
        is_manager=hire.is_manager,
    )


def open_hires_in(
    quarter: int, hires: Iterable[Hire], lead_time: int, current: int | None
) -> tuple[OpenHire, ...]:
    """The open hires counted in ``quarter``'s gap, each with its deadline; none worded
    overdue when the quarter is history (B roadmap)."""
    acting = None if current is None or quarter < current else current
    return tuple(open_hire(h, lead_time, acting) for h in hires if h.planned_by(quarter))


# --- Stage crossings: the quarters where the plan changes stage ---------------------------

# What the leader's time becomes in the stage a plan reaches (A.3–A.6), growing into it and
# shrinking back to it. The alert's wording is a product decision (docs/architecture.md).
LEADER_TIME_GROWING = {
    2: gettext_lazy("Your leader should spend about half of the time on strategy"),
    3: gettext_lazy("Your leader should be fully strategic"),
    4: gettext_lazy(
        "Your leader should be fully strategic and a peer of the customer-facing leaders, "
        "reporting to the CRO or equivalent"
    ),
}
LEADER_TIME_SHRINKING = {
    1: gettext_lazy(
        "One Enablement Manager is the whole team again, about 75% hands-on and up to 25% "
        "on strategy"
    ),
    2: gettext_lazy("Your leader goes back to about half of the time on strategy"),
    3: gettext_lazy(
        "Your leader stays fully strategic, no longer necessarily a peer of the "
        "customer-facing leaders"
    ),
}


@dataclass(frozen=True)
class StageCrossing:
    """A quarter whose customer-facing headcount puts the plan in another stage than the
    quarter before, with what that means for the leader, the team and the requisitions."""

    quarter: int
    customer_facing: int
    stage: Stage
    previous: Stage
    team_size: int  # B team size in this quarter
    held: int  # in seat and planned in this quarter
    # B roadmap: the seats first short in this quarter, and their requisition deadline.
    to_open: int
    open_by: int
    status: RequisitionStatus | None
    # Seats short since an earlier quarter and still to plan here, with their own deadlines.
    earlier: int = 0

    @property
    def growing(self) -> bool:
        return self.stage.number > self.previous.number

    @property
    def surplus(self) -> int:
        return max(self.held - self.team_size, 0)

    @property
    def sentence(self) -> str:
        """The alert in words, e.g. FY2027 Q3: you reach 512 customer-facing — stage 3
        (Scale). Your leader should be fully strategic; the team grows to 11; open 3
        requisitions by FY2027 Q2."""
        values = {
            "quarter": Quarter.from_ordinal(self.quarter).label,
            "count": self.customer_facing,
            "number": self.stage.number,
            "name": self.stage.name,
            "team": self.team_size,
        }
        if self.growing:
            head = (
                gettext(
                    "%(quarter)s: you reach %(count)s customer-facing — stage %(number)s "
                    "(%(name)s)."
                )
                % values
            )
            leader = LEADER_TIME_GROWING[self.stage.number]
            team = gettext("the team grows to %(team)s") % values
        else:
            head = (
                gettext(
                    "%(quarter)s: you fall to %(count)s customer-facing — back to stage "
                    "%(number)s (%(name)s)."
                )
                % values
            )
            leader = LEADER_TIME_SHRINKING[self.stage.number]
            team = gettext("the recommended team shrinks to %(team)s") % values
        return gettext("%(head)s %(leader)s; %(team)s; %(requisitions)s.") % {
            "head": head,
            "leader": leader,
            "team": team,
            "requisitions": self._to_open(),
        }

    def _to_open(self) -> str:
        values = {
            "seats": self.to_open,
            "by": Quarter.from_ordinal(self.open_by).label,
            "earlier": self.earlier,
            "held": self.held,
            "surplus": self.surplus,
        }
        if self.to_open:
            text = ngettext(
                "open %(seats)s requisition by %(by)s",
                "open %(seats)s requisitions by %(by)s",
                self.to_open,
            )
            if self.status is not None and self.status is not RequisitionStatus.UPCOMING:
                text += ", " + str(self.status.words)
        elif self.earlier:
            text = gettext("no new requisition")
        elif self.surplus:
            text = gettext(
                "you hold %(held)s, %(surplus)s more than recommended: open no requisition"
            )
        else:
            text = gettext("every seat is already in seat or planned: no requisition to open")
        if self.earlier:
            text += "; " + ngettext(
                "%(earlier)s more seat is still to plan from earlier quarters",
                "%(earlier)s more seats are still to plan from earlier quarters",
                self.earlier,
            )
        return text % values

    @property
    def reason(self) -> Reason:
        """The sentence with the rules it applies."""
        rule = {1: "A.3", 2: "A.4", 3: "A.5", 4: "A.6"}[self.stage.number]
        return Reason(self.sentence, (rule, "B stages", "B team size", "B lead time"))


def stage_crossings(
    quarters: Sequence[RoadmapQuarter], lead_time: int
) -> tuple[StageCrossing, ...]:
    """Each roadmap quarter whose stage differs from the quarter before, up or down, from
    the current quarter on: a crossing before it is history (B roadmap). The requisitions
    are the roadmap's own seats still to plan in that quarter, with their deadlines."""
    crossings = []
    for before, quarter in pairwise(quarters):
        if not quarter.stage_changed or quarter.is_history:
            continue
        new = [s for s in quarter.hires_to_plan if s.needed_in == quarter.quarter]
        gap = quarter.gap
        crossings.append(
            StageCrossing(
                quarter=quarter.quarter,
                customer_facing=quarter.headcount.total,
                stage=STAGES[gap.assessment.stage - 1],
                previous=STAGES[before.gap.assessment.stage - 1],
                team_size=gap.recommended_total,
                held=gap.in_seat_total + gap.planned_total,
                to_open=sum(short.seats for short in new),
                # The roadmap's deadline of a seat first short here, whether or not any is.
                open_by=new[0].open_requisition_by if new else quarter.quarter - lead_time,
                status=new[0].status if new else None,
                earlier=sum(s.seats for s in quarter.hires_to_plan) - sum(s.seats for s in new),
            )
        )
    return tuple(crossings)


# --- B roadmap: what to do now -------------------------------------------------------------

# How far ahead of the current quarter a requisition is worth acting on now: this quarter's
# and the next one's, besides every overdue one.
ACTION_HORIZON = 1


class Urgency(StrEnum):
    """Where a requisition falls in the list of what to do now."""

    OVERDUE = "overdue"
    THIS_QUARTER = "this_quarter"
    NEXT_QUARTER = "next_quarter"

    @property
    def words(self) -> str:
        return URGENCY_WORDS[self]


URGENCY_WORDS = {
    Urgency.OVERDUE: _("Overdue"),
    Urgency.THIS_QUARTER: _("Due this quarter"),
    Urgency.NEXT_QUARTER: _("Due next quarter"),
}


@dataclass(frozen=True)
class ActionDue:
    """A requisition to open soon: seats still to plan (``hire_status`` None) or open hires
    still planned or approved, of one role needed in one quarter."""

    role: str
    seats: int
    needed_in: int
    open_requisition_by: int
    urgency: Urgency
    plan_in: int  # the target quarter of hires planned for these seats: never in the past
    hire_status: str | None = None
    is_manager: bool = False

    @property
    def to_plan(self) -> bool:
        return self.hire_status is None


def overdue_hires_by_role(actions: Iterable[ActionDue]) -> tuple[ActionDue, ...]:
    """The actions with their overdue open hires as one line per role, status and kind of
    seat (manager or not): the seats added up, needed since the earliest quarter, due by the
    earliest deadline. A backlog of past quarters reads in a few lines; seats still to plan
    and actions not overdue stay as they are, in their order."""
    grouped: dict[tuple, ActionDue] = {}
    result: list[ActionDue | tuple] = []
    for action in actions:
        if action.to_plan or action.urgency is not Urgency.OVERDUE:
            result.append(action)
            continue
        key = (action.role, action.hire_status, action.is_manager)
        first = grouped.get(key)
        if first is None:
            result.append(key)
            grouped[key] = action
        else:
            grouped[key] = replace(
                first,
                seats=first.seats + action.seats,
                needed_in=min(first.needed_in, action.needed_in),
                open_requisition_by=min(first.open_requisition_by, action.open_requisition_by),
                plan_in=min(first.plan_in, action.plan_in),
            )
    return tuple(grouped[item] if isinstance(item, tuple) else item for item in result)


def actions_due(
    quarters: Sequence[RoadmapQuarter],
    hires: Iterable[Hire],
    lead_time: int,
    current: int,
) -> tuple[ActionDue, ...]:
    """B roadmap, for the current quarter onward: the requisitions overdue, due this quarter
    and due next quarter, most urgent first.

    Seats still to plan come from the roadmap: each (role, quarter needed in) once, with the
    seats still short in the first quarter from the current one on that lists it (a
    shortfall only shrinks after the quarter it starts in). Open hires come from the hires
    themselves, so one whose target lies past the last snapshot keeps its deadline too;
    hires alike (role, target, status, manager) are counted together.
    """

    def urgency(deadline: int) -> Urgency | None:
        if deadline < current:
            return Urgency.OVERDUE
        if deadline == current:
            return Urgency.THIS_QUARTER
        if deadline <= current + ACTION_HORIZON:
            return Urgency.NEXT_QUARTER
        return None

    found: dict[tuple, ActionDue] = {}
    for quarter in quarters:
        if quarter.quarter < current:
            continue
        for short in quarter.hires_to_plan:
            when = urgency(short.open_requisition_by)
            key = (short.role, short.needed_in, None, False)
            if when is None or key in found:
                continue
            found[key] = ActionDue(
                role=short.role,
                seats=short.seats,
                needed_in=short.needed_in,
                open_requisition_by=short.open_requisition_by,
                urgency=when,
                plan_in=max(short.needed_in, current),
            )
    waiting = Counter(
        (hire.role, hire.target, hire.status, hire.is_manager)
        for hire in hires
        if hire.status in UNOPENED_HIRE_STATUSES
    )
    for (role, target, status, is_manager), count in waiting.items():
        when = urgency(target - lead_time)
        if when is None:
            continue
        found[(role, target, status, is_manager)] = ActionDue(
            role=role,
            seats=count,
            needed_in=target,
            open_requisition_by=target - lead_time,
            urgency=when,
            plan_in=max(target, current),
            hire_status=status,
            is_manager=is_manager,
        )
    order = {urgency: i for i, urgency in enumerate(Urgency)}
    return tuple(
        sorted(
            found.values(),
            key=lambda a: (
                order[a.urgency],
                a.open_requisition_by,
                ROLES.index(a.role),
                a.hire_status is not None,
                a.hire_status or "",
            ),
        )
    )
