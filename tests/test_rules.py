"""The rules engine against RULES.md part B, written from the specification.

Every expected number below is worked out by hand from RULES.md (stages, recommended
team size, the nine-step fill order, ratio bands, gap, lead time), not read back from the
implementation. The hypothesis properties at the end use small independent oracles built
from the same text.
"""

import re
from fractions import Fraction
from math import ceil

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner import rules
from planner.quarters import Quarter
from planner.rules import (
    CITATIONS,
    ActionDue,
    Headcount,
    Hire,
    HireToPlan,
    OpenHire,
    Profile,
    Reason,
    RequisitionStatus,
    StageCrossing,
    TeamSeat,
    Urgency,
    actions_due,
    assess,
    citation_anchor,
    gap_for_quarter,
    managers_for,
    open_hires_in,
    overdue_hires_by_role,
    ratio_band,
    requisition_status,
    roadmap,
    role_title,
    seats_in_words,
    stage_crossings,
)

LEADER = "enablement_leader"
ALS = "adult_learning_specialist"
PM = "program_manager"
CS = "cs_enablement"
SALES = "sales_enablement"
PRODUCT = "product_enablement"
LIAISON = "enablement_liaison"
CATALOGUE = (LEADER, ALS, PM, CS, SALES, PRODUCT, LIAISON)
PRACTICES = ("change_management", "co_creation", "center_of_excellence")

EXPERT = Profile(leader_has_adult_learning=True)
NOVICE = Profile(leader_has_adult_learning=False)


def sales_only(n: int) -> Headcount:
    return Headcount(sales=n)


# A rule's code inside a sentence: "B step 9", "A.4", "(s)" for a plural left undecided.
RULE_CODE = re.compile(r"\bA\.\d|\bB (step|stage)\b|\(s\)")


def assert_plain_language(reason: Reason) -> None:
    """RULES.md B: plain language a user understands, then the rules it cites."""
    text = str(reason.text)  # a translatable sentence, read in the active language
    assert text.strip()
    assert text[0].isupper() or text[0].isdigit()
    assert text.endswith(".")
    assert not RULE_CODE.search(text), text
    assert reason.citations
    assert set(reason.citations) <= set(CITATIONS)
    assert len(set(reason.citations)) == len(reason.citations)


# --- Stages and recommended team size ----------------------------------------------------


@pytest.mark.parametrize(
    ("n", "stage", "name", "share", "total"),
    [
        (0, 1, "Foundation", 0.25, 0),
        (1, 1, "Foundation", 0.25, 1),
        (50, 1, "Foundation", 0.25, 1),
        (51, 2, "Expansion", 0.50, 2),
        (500, 2, "Expansion", 0.50, 10),
        (501, 3, "Scale", 1.00, 11),
        (2000, 3, "Scale", 1.00, 40),
        (2001, 4, "Enterprise", 1.00, 41),
    ],
)
def test_it_places_every_stage_boundary_on_the_right_side(n, stage, name, share, total):
    result = assess(sales_only(n), Profile())
    assert result.stage == stage
    assert result.stage_name == name
    assert result.leader_strategic_share == pytest.approx(share)
    assert result.recommended_total == total


def test_it_counts_every_customer_facing_group_towards_the_stage():
    # 20 + 20 + 11 = 51: stage 2, although no single group exceeds 50.
    result = assess(Headcount(sales=20, customer_success=20, other=11), Profile())
    assert result.stage == 2
    assert result.recommended_total == 2


def test_it_recommends_no_seats_and_no_roles_without_customer_facing_headcount():
    result = assess(Headcount(), Profile(verticals=5))
    assert result.recommended_total == 0
    assert result.roles == {}
    assert result.next_hires == ()
    assert result.practices == ()


@pytest.mark.parametrize("n", [1, 17, 50])
def test_it_recommends_a_team_of_one_enablement_manager_in_stage_1(n):
    result = assess(Headcount(sales=n, customer_success=0), Profile(target_ratio=10, verticals=4))
    assert result.recommended_total == 1
    assert result.roles == {LEADER: 1}
    assert result.next_hires == ()
    assert role_title(LEADER, 1) == "Enablement Manager"


def test_it_uses_a_default_target_ratio_of_50():
    assert Profile().target_ratio == 50
    assert assess(sales_only(200), Profile()).recommended_total == 4


@pytest.mark.parametrize(
    ("n", "ratio", "total"),
    [
        (51, 10, 6),  # ceil(5.1)
        (600, 10, 60),
        (2001, 10, 201),  # ceil(200.1)
        (51, 500, 2),  # ceil(0.102) = 1, raised to the minimum of 2
        (500, 500, 2),  # exactly 1, raised to 2
        (1001, 500, 3),  # ceil(2.002)
        (5000, 500, 10),
        (101, 50, 3),  # ceil(2.02)
        (100, 50, 2),
        (120, 100, 2),
    ],
)
def test_it_sizes_the_team_as_max_2_ceil_n_over_r_with_custom_ratios(n, ratio, total):
    assert assess(sales_only(n), Profile(target_ratio=ratio)).recommended_total == total


@pytest.mark.parametrize("ratio", [9, 501, 0, -50])
def test_it_rejects_a_target_ratio_outside_10_to_500(ratio):
    with pytest.raises(ValueError):
        Profile(target_ratio=ratio)


@pytest.mark.parametrize("ratio", [10, 500])
def test_it_accepts_the_target_ratio_at_both_ends_of_its_range(ratio):
    assert Profile(target_ratio=ratio).target_ratio == ratio


@pytest.mark.parametrize("headcount", [{"sales": -1}, {"customer_success": -1}, {"other": -1}])
def test_it_rejects_negative_headcounts(headcount):
    with pytest.raises(ValueError):
        Headcount(**headcount)


def test_it_rejects_a_negative_number_of_verticals():
    with pytest.raises(ValueError):
        Profile(verticals=-1)


@pytest.mark.parametrize(
    ("n", "ratio", "text", "citations"),
    [
        (
            0,
            50,
            "There is no customer-facing headcount to enable yet, so the team has 0 seats.",
            ("B team size",),
        ),
        (
            1,
            50,
            "With 1 customer-facing person, 50 or fewer, one person is enough: 1 seat.",
            ("A.3", "B team size"),
        ),
        (
            50,
            50,
            "With 50 customer-facing people, 50 or fewer, one person is enough: 1 seat.",
            ("A.3", "B team size"),
        ),
        (
            51,
            500,
            "With 51 customer-facing people, one enablement seat per 500 would make 1, but past "
            "50 customer-facing the team has a leader and at least one teammate: 2 seats.",
            ("A.4", "B team size"),
        ),
        (
            200,
            50,
            "With 200 customer-facing people, one enablement seat per 50 customer-facing makes "
            "4 seats.",
            ("A.1", "B team size"),
        ),
    ],
)
def test_it_explains_the_team_size_in_plain_words_citing_its_rules(n, ratio, text, citations):
    reason = assess(sales_only(n), Profile(target_ratio=ratio)).size_reason
    assert reason == Reason(text, citations)


@pytest.mark.parametrize("n", [0, 30, 51, 200, 501, 2001])
def test_it_always_gives_a_size_reason_naming_the_seat_count(n):
    result = assess(sales_only(n), Profile())
    assert f"{result.recommended_total} seat" in result.size_reason.text


# --- Composition: the fill order ---------------------------------------------------------


def test_it_fills_stage_2_in_order_and_lists_what_it_did_not_reach():
    # T = 2: leader, adult-learning specialist; then PM, sales, product are next hires.
    result = assess(sales_only(51), NOVICE)
    assert result.roles == {LEADER: 1, ALS: 1}
    assert result.next_hires == (PM, SALES, PRODUCT)


def test_it_skips_the_adult_learning_specialist_in_stage_2_when_the_leader_has_the_skill():
    result = assess(sales_only(51), EXPERT)
    assert result.roles == {LEADER: 1, PM: 1}
    assert result.next_hires == (SALES, PRODUCT)
    assert ALS not in result.reasons


def test_it_fills_every_step_when_seats_exactly_cover_the_order():
    # T = 4 with an expert leader, no CS, no verticals: steps 1, 3, 5, 6.
    result = assess(sales_only(200), EXPERT)
    assert result.roles == {LEADER: 1, PM: 1, SALES: 1, PRODUCT: 1}
    assert result.next_hires == ()


def test_it_leaves_product_enablement_as_the_next_hire_when_one_seat_short():
    result = assess(sales_only(200), NOVICE)
    assert result.roles == {LEADER: 1, ALS: 1, PM: 1, SALES: 1}
    assert result.next_hires == (PRODUCT,)


def test_it_fills_cs_enablement_before_sales_when_there_is_customer_success():
    # T = 4: leader, ALS, PM, CS; sales and product not reached.
    result = assess(Headcount(sales=150, customer_success=50), NOVICE)
    assert result.roles == {LEADER: 1, ALS: 1, PM: 1, CS: 1}
    assert result.next_hires == (SALES, PRODUCT)


@pytest.mark.parametrize("n", [51, 200, 500, 1500, 5000])
def test_it_never_recommends_cs_enablement_without_customer_success(n):
    result = assess(Headcount(sales=n // 2, other=n - n // 2), Profile(target_ratio=10))
    assert CS not in result.roles
    assert CS not in result.next_hires


@pytest.mark.parametrize("n", [501, 2000, 2001, 8000])
@pytest.mark.parametrize("expert", [True, False])
def test_it_always_includes_an_adult_learning_specialist_from_stage_3(n, expert):
    result = assess(sales_only(n), Profile(leader_has_adult_learning=expert))
    assert result.roles[ALS] >= 1


def test_it_includes_the_adult_learning_specialist_at_the_minimum_stage_3_team():
    # R = 500 at N = 501 gives T = 2: the leader and the always-present specialist.
    result = assess(sales_only(501), Profile(target_ratio=500, leader_has_adult_learning=True))
    assert result.stage == 3
    assert result.roles == {LEADER: 1, ALS: 1}
    assert result.next_hires == (PM, SALES, PRODUCT)


@pytest.mark.parametrize(
    ("verticals", "liaisons", "sales", "next_hires"),
    [
        # N = 500, T = 10, expert leader: leader, PM, sales, product = 4, six seats left.
        (0, 0, 7, ()),
        (1, 1, 6, ()),
        (3, 3, 4, ()),
        (6, 6, 1, ()),
        (9, 6, 1, (LIAISON,)),
    ],
)
def test_it_adds_one_liaison_per_vertical_as_far_as_seats_remain(
    verticals, liaisons, sales, next_hires
):
    result = assess(sales_only(500), Profile(verticals=verticals, leader_has_adult_learning=True))
    assert result.roles.get(LIAISON, 0) == liaisons
    assert result.roles[SALES] == sales
    assert result.next_hires == next_hires
    assert sum(result.roles.values()) == 10


def test_it_lists_the_liaison_as_a_next_hire_when_no_seat_reaches_it():
    # T = 4 with a novice leader: leader, ALS, PM, sales; product and liaison unreached.
    result = assess(sales_only(200), Profile(verticals=2))
    assert LIAISON not in result.roles
    assert result.next_hires == (PRODUCT, LIAISON)


# --- Step 8: growth of program managers and adult-learning specialists -------------------


def test_it_grows_program_managers_and_specialists_to_t_over_20_from_stage_3():
    # N = 2000, T = 40, T // 20 = 2. Steps 1–6: 5 seats; step 8: +1 PM, +1 ALS; 33 to sales.
    result = assess(sales_only(2000), Profile())
    assert result.roles == {LEADER: 1, ALS: 2, PM: 2, SALES: 34, PRODUCT: 1}
    assert result.next_hires == ()


def test_it_grows_to_t_over_20_in_stage_4_too():
    # N = 5000, T = 100, T // 20 = 5. Steps 1–6: 5; step 8: +4 PM, +4 ALS; 87 to sales.
    result = assess(sales_only(5000), Profile())
    assert result.stage == 4
    assert result.roles == {LEADER: 1, ALS: 5, PM: 5, SALES: 88, PRODUCT: 1}


@pytest.mark.parametrize(("n", "pms"), [(1000, 1), (1950, 1), (1951, 2)])
def test_it_applies_the_t_over_20_threshold_exactly(n, pms):
    # T = 20, 39, 40: max(1, T // 20) = 1, 1, 2.
    result = assess(sales_only(n), Profile())
    assert result.roles[PM] == pms
    assert result.roles[ALS] == pms


def test_it_does_not_grow_program_managers_in_stage_2():
    # N = 500 with R = 10: T = 50 and T // 20 = 2, but growth starts at stage 3.
    result = assess(sales_only(500), Profile(target_ratio=10))
    assert result.stage == 2
    assert result.roles == {LEADER: 1, ALS: 1, PM: 1, SALES: 46, PRODUCT: 1}


@pytest.mark.parametrize(
    ("verticals", "pms", "specialists", "next_hires"),
    [
        # N = 2000, T = 40, target 2. Steps 1–6 take 5 seats, liaisons take V.
        (33, 2, 2, ()),  # 38 taken, 2 left: both grow
        (34, 2, 1, (ALS,)),  # 39 taken, 1 left: program managers first
        (35, 1, 1, (PM, ALS)),  # 40 taken: neither grows
        (36, 1, 1, (LIAISON, PM, ALS)),  # liaisons short too, listed in fill order
    ],
)
def test_it_grows_program_managers_first_as_far_as_seats_remain(
    verticals, pms, specialists, next_hires
):
    result = assess(sales_only(2000), Profile(verticals=verticals))
    assert result.roles[PM] == pms
    assert result.roles[ALS] == specialists
    assert result.next_hires == next_hires
    assert result.roles[SALES] == 1
    assert sum(result.roles.values()) == 40


# --- Step 9: proportional split of the remaining seats -----------------------------------


def test_it_gives_all_remaining_seats_to_sales_without_customer_success():
    result = assess(Headcount(sales=300, other=200), Profile(leader_has_adult_learning=True))
    # T = 10; leader, PM, sales, product = 4; 6 left, all to sales.
    assert result.roles == {LEADER: 1, PM: 1, SALES: 7, PRODUCT: 1}


def test_it_breaks_a_largest_remainder_tie_in_favour_of_sales():
    # N = 200, R = 10: T = 20. Leader, PM, CS, sales, product = 5; 15 left.
    # 15 × 100/200 = 7.5 each: 7 + 7, the tied last seat goes to sales.
    result = assess(
        Headcount(sales=100, customer_success=100),
        Profile(target_ratio=10, leader_has_adult_learning=True),
    )
    assert result.roles == {LEADER: 1, PM: 1, CS: 8, SALES: 9, PRODUCT: 1}


def test_it_counts_other_customer_facing_on_the_sales_side_of_the_split():
    # Same tie as above, with sales + other = 100.
    result = assess(
        Headcount(sales=60, customer_success=100, other=40),
        Profile(target_ratio=10, leader_has_adult_learning=True),
    )
    assert result.roles[SALES] == 9
    assert result.roles[CS] == 8


def test_it_gives_the_last_seat_to_cs_when_cs_has_the_larger_remainder():
    # N = 200, R = 20: T = 10. Leader, PM, CS, sales, product = 5; 5 left.
    # Sales 5 × 130/200 = 3.25, CS 5 × 70/200 = 1.75: CS's remainder wins the last seat
    # although sales has the larger share.
    result = assess(
        Headcount(sales=130, customer_success=70),
        Profile(target_ratio=20, leader_has_adult_learning=True),
    )
    assert result.roles == {LEADER: 1, PM: 1, CS: 3, SALES: 4, PRODUCT: 1}


def test_it_gives_the_last_seat_to_sales_when_sales_has_the_larger_remainder():
    # N = 300, R = 10: T = 30; 5 fixed seats, 25 left.
    # Sales 25 × 200/300 = 16.67, CS 8.33: sales takes the extra seat.
    result = assess(
        Headcount(sales=200, customer_success=100),
        Profile(target_ratio=10, leader_has_adult_learning=True),
    )
    assert result.roles == {LEADER: 1, PM: 1, CS: 9, SALES: 18, PRODUCT: 1}


def test_it_splits_exactly_when_the_shares_are_whole():
    # N = 200, R = 20: T = 10, 5 left; 5 × 120/200 = 3, 5 × 80/200 = 2.
    result = assess(
        Headcount(sales=120, customer_success=80),
        Profile(target_ratio=20, leader_has_adult_learning=True),
    )
    assert result.roles[SALES] == 4
    assert result.roles[CS] == 3


# --- Practices, titles, reporting line, reasons ------------------------------------------


@pytest.mark.parametrize(
    ("n", "practices"), [(0, ()), (50, ()), (500, ()), (2000, ()), (2001, PRACTICES)]
)
def test_it_adds_the_three_practices_only_in_stage_4(n, practices):
    result = assess(sales_only(n), Profile())
    assert tuple(result.practices) == practices
    assert not set(PRACTICES) & set(result.roles)


def test_it_recommends_reporting_to_the_cro_only_in_stage_4():
    enterprise = assess(sales_only(2001), Profile()).reporting_advice
    assert "Chief Revenue Officer" in enterprise.text
    assert enterprise.citations == ("A.6", "B stage 4")
    scale = assess(sales_only(2000), Profile()).reporting_advice
    assert "Chief Revenue Officer" not in scale.text
    assert scale.citations == ("A.7",)


@pytest.mark.parametrize("role", [CS, SALES, PRODUCT])
def test_it_titles_specialists_as_leads_from_stage_3(role):
    assert "specialist" in role_title(role, 2).lower()
    assert "lead" in role_title(role, 3).lower()
    assert "lead" in role_title(role, 4).lower()


@pytest.mark.parametrize(
    ("headcount", "profile"),
    [
        (Headcount(sales=30), Profile()),
        (Headcount(sales=51), Profile(verticals=3)),
        (Headcount(sales=150, customer_success=50), Profile(target_ratio=10, verticals=2)),
        (Headcount(sales=2000), Profile(verticals=36)),
        (Headcount(sales=4000, customer_success=2000, other=500), Profile(verticals=12)),
    ],
)
def test_it_gives_every_role_and_practice_a_reason_citing_its_rules(headcount, profile):
    result = assess(headcount, profile)
    leader = {1: ("A.3", "B stage 1"), 2: ("A.4", "B step 1"), 3: ("A.5", "B step 1")}
    step = {
        ALS: ("A.5", "B step 2") if result.stage >= 3 else ("A.4", "B step 2"),
        PM: ("A.4", "B step 3"),
        CS: ("A.4", "B step 4"),
        SALES: ("A.4", "B step 5"),
        PRODUCT: ("A.4", "B step 6"),
        LIAISON: ("A.4", "B step 7"),
    }
    for key in (*result.roles, *result.practices):
        citations = result.reasons[key].citations
        if key == LEADER:
            assert citations == leader.get(result.stage, ("A.6", "B step 1"))
        elif key in PRACTICES:
            assert citations == ("A.6", "B stage 4")
        else:
            # The step that adds the role first; steps 8–10 may follow it.
            assert citations[:2] == step[key]
            assert set(citations[2:]) <= {"A.5", "B step 8", "B step 9", "B step 10"}


# --- Ratio bands -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "e", "band"),
    [
        (0, 0, "none"),
        (5000, 0, "none"),
        (0, 1, "inefficient"),
        (1, 1, "inefficient"),
        (10, 1, "inefficient"),
        (11, 1, "heavy"),
        (20, 2, "inefficient"),  # exactly 10
        (21, 2, "heavy"),  # 10.5
        (30, 3, "inefficient"),  # exactly 10
        (31, 3, "heavy"),  # 10.33…
        (35, 1, "heavy"),
        (36, 1, "typical"),
        (70, 2, "heavy"),  # exactly 35
        (71, 2, "typical"),  # 35.5
        (50, 1, "typical"),
        (75, 1, "typical"),
        (76, 1, "lean"),
        (150, 2, "typical"),  # exactly 75
        (151, 2, "lean"),  # 75.5
        (500, 1, "lean"),
        (501, 1, "no_buy_in"),
        (1000, 2, "lean"),  # exactly 500
        (1001, 2, "no_buy_in"),  # 500.5
        (1501, 3, "no_buy_in"),  # 500.33…
    ],
)
def test_it_puts_the_ratio_in_the_right_band_at_every_cut_off(n, e, band):
    assert ratio_band(n, e) == band


@pytest.mark.parametrize(("n", "e"), [(-1, 1), (1, -1)])
def test_it_rejects_negative_counts_for_the_ratio(n, e):
    with pytest.raises(ValueError):
        ratio_band(n, e)


# --- Gap for a quarter -------------------------------------------------------------------

Q = Quarter(2027, 2).ordinal


@pytest.mark.parametrize(
    ("start", "end", "in_seat"),
    [
        (Q - 4, None, 1),
        (Q, None, 1),  # starts this quarter
        (Q + 1, None, 0),  # starts next quarter
        (Q - 4, Q + 1, 1),  # leaves next quarter
        (Q - 4, Q, 0),  # end quarter = Q: already gone
        (Q - 4, Q - 1, 0),
        (Q, Q + 1, 1),
    ],
)
def test_it_counts_a_team_member_in_seat_when_start_le_q_and_end_gt_q(start, end, in_seat):
    result = gap_for_quarter(Q, sales_only(30), Profile(), [TeamSeat(LEADER, start, end)], [])
    (row,) = result.rows
    assert row.role == LEADER
    assert row.in_seat == in_seat
    assert row.planned == 0
    assert row.gap == 1 - in_seat
    assert result.in_seat_total == in_seat


@pytest.mark.parametrize(
    ("status", "target", "planned"),
    [
        ("planned", Q, 1),
        ("approved", Q, 1),
        ("recruiting", Q, 1),
        ("planned", Q - 3, 1),
        ("approved", Q + 1, 0),  # not due yet
        ("recruiting", Q + 4, 0),
        ("hired", Q, 0),  # a hired hire is a team member, not a plan
        ("hired", Q - 2, 0),
        ("cancelled", Q, 0),  # counts nowhere
        ("cancelled", Q - 2, 0),
    ],
)
def test_it_counts_only_open_hires_due_by_the_quarter_as_planned(status, target, planned):
    result = gap_for_quarter(Q, sales_only(30), Profile(), [], [Hire(LEADER, target, status)])
    (row,) = result.rows
    assert row.planned == planned
    assert row.in_seat == 0
    assert row.gap == 1 - planned
    assert result.planned_total == planned


def test_it_computes_gaps_per_role_in_catalogue_order_including_surpluses():
    # N = 200, expert leader: T = 4 → leader, PM, sales, product.
    team = [
        TeamSeat(SALES, Q - 2, Q + 1),  # in seat
        TeamSeat(SALES, Q - 2, Q),  # left at Q
        TeamSeat(ALS, Q - 1),  # in seat, not recommended
        TeamSeat(PM, Q),  # in seat
        TeamSeat(LEADER, Q - 4),  # in seat
        TeamSeat(PRODUCT, Q + 1),  # not yet
    ]
    hires = [
        Hire(SALES, Q - 1, "approved"),
        Hire(SALES, Q, "recruiting"),
        Hire(PM, Q, "hired"),
        Hire(PM, Q, "cancelled"),
        Hire(LIAISON, Q, "planned"),  # planned, not recommended
        Hire(PRODUCT, Q + 1, "planned"),  # not due yet
    ]
    result = gap_for_quarter(Q, sales_only(200), EXPERT, team, hires)
    rows = [(r.role, r.recommended, r.in_seat, r.planned, r.gap) for r in result.rows]
    assert rows == [
        (LEADER, 1, 1, 0, 0),
        (ALS, 0, 1, 0, -1),
        (PM, 1, 1, 0, 0),
        (SALES, 1, 1, 2, -2),
        (PRODUCT, 1, 0, 0, 1),
        (LIAISON, 0, 0, 1, -1),
    ]
    assert result.recommended_total == 4
    assert result.in_seat_total == 4
    assert result.planned_total == 3
    assert result.gap_total == 4 - 4 - 3
    # Surpluses do not offset the product shortfall.
    assert result.still_to_plan == 1
    for row in result.rows:
        assert_plain_language(row.reason)
    # Every surplus reads as ahead of plan, never as a bare negative number.
    assert [row.role for row in result.rows if row.ahead_of_plan] == [ALS, SALES, LIAISON]
    assert all(
        row.reason.text.startswith("Ahead of plan: ") for row in result.rows if row.ahead_of_plan
    )


def test_it_bands_the_ratio_on_enablement_in_seat_not_planned():
    team = [TeamSeat(LEADER, Q - 1)]
    hires = [Hire(PM, Q), Hire(SALES, Q)]
    result = gap_for_quarter(Q, sales_only(200), EXPERT, team, hires)
    assert result.ratio_band == "lean"  # 200 / 1
    assert gap_for_quarter(Q, sales_only(200), EXPERT, [], hires).ratio_band == "none"


def test_it_shows_an_empty_gap_with_no_headcount_and_no_team():
    result = gap_for_quarter(Q, Headcount(), Profile(), [], [])
    assert result.rows == ()
    assert result.gap_total == 0
    assert result.ratio_band == "none"


# --- Roadmap -----------------------------------------------------------------------------

Q0 = Quarter(2027, 1).ordinal


def test_it_carries_the_last_snapshot_forward_into_quarters_without_one():
    snapshots = {Q0: sales_only(40), Q0 + 3: sales_only(200)}
    quarters = roadmap(snapshots, EXPERT, [TeamSeat(LEADER, Q0)], [], lead_time=1)
    assert [q.quarter for q in quarters] == [Q0, Q0 + 1, Q0 + 2, Q0 + 3]
    assert [q.carried for q in quarters] == [False, True, True, False]
    assert [q.headcount for q in quarters] == [sales_only(40)] * 3 + [sales_only(200)]
    assert [q.gap.recommended_total for q in quarters] == [1, 1, 1, 4]


def test_it_flags_the_quarter_in_which_the_stage_changes():
    snapshots = {Q0: sales_only(40), Q0 + 2: sales_only(200), Q0 + 3: sales_only(300)}
    quarters = roadmap(snapshots, EXPERT, [], [], lead_time=1)
    assert [q.stage_changed for q in quarters] == [False, False, True, False]


def test_it_asks_for_requisitions_one_lead_time_before_the_shortfall_starts():
    snapshots = {Q0: sales_only(40), Q0 + 3: sales_only(200), Q0 + 5: sales_only(200)}
    team = [TeamSeat(LEADER, Q0)]
    quarters = roadmap(snapshots, EXPERT, team, [], lead_time=1)
    assert quarters[2].hires_to_plan == ()
    for q in quarters[3:]:
        assert [(h.role, h.seats, h.needed_in, h.open_requisition_by) for h in q.hires_to_plan] == [
            (PM, 1, Q0 + 3, Q0 + 2),
            (SALES, 1, Q0 + 3, Q0 + 2),
            (PRODUCT, 1, Q0 + 3, Q0 + 2),
        ]
        assert q.open_requisition_by(PM) == Q0 + 2
        assert q.open_requisition_by(LEADER) is None


def test_it_restarts_the_shortfall_run_after_the_gap_closes():
    # The PM is in seat only during Q0 + 1, so the shortfall runs Q0, then again from Q0 + 2.
    snapshots = {Q0: sales_only(200), Q0 + 3: sales_only(200)}
    team = [TeamSeat(LEADER, Q0), TeamSeat(PM, Q0 + 1, Q0 + 2)]
    quarters = roadmap(snapshots, EXPERT, team, [], lead_time=2)
    assert [q.open_requisition_by(PM) for q in quarters] == [Q0 - 2, None, Q0, Q0]
    assert [q.open_requisition_by(SALES) for q in quarters] == [Q0 - 2] * 4


def test_it_counts_planned_hires_against_the_roadmap_shortfall():
    snapshots = {Q0: sales_only(200), Q0 + 2: sales_only(200)}
    team = [TeamSeat(LEADER, Q0)]
    hires = [Hire(PM, Q0 + 1, "recruiting")]
    quarters = roadmap(snapshots, EXPERT, team, hires, lead_time=1)
    assert [q.open_requisition_by(PM) for q in quarters] == [Q0 - 1, None, None]


def test_it_asks_for_requisitions_in_the_quarter_itself_with_no_lead_time():
    snapshots = {Q0: sales_only(40), Q0 + 1: sales_only(200)}
    quarters = roadmap(snapshots, EXPERT, [], [], lead_time=0)
    assert quarters[0].open_requisition_by(LEADER) == Q0
    assert [(h.role, h.needed_in, h.open_requisition_by) for h in quarters[1].hires_to_plan] == [
        (LEADER, Q0, Q0),
        (PM, Q0 + 1, Q0 + 1),
        (SALES, Q0 + 1, Q0 + 1),
        (PRODUCT, Q0 + 1, Q0 + 1),
    ]


def test_a_growing_shortfall_gives_each_new_seat_its_own_deadline():
    # Stage 3 with sales only: the seats beyond the fixed roles go to sales enablement.
    # 1000 customer-facing -> 20 seats; 1500 -> 30 seats: ten more sales seats from Q0 + 2.
    snapshots = {Q0: sales_only(1000), Q0 + 2: sales_only(1500)}
    recommended = assess(sales_only(1000), EXPERT).roles[SALES]
    team = [
        TeamSeat(role, Q0 - 8)
        for role, n in assess(sales_only(1000), EXPERT).roles.items()
        for _ in range(n)
    ]
    quarters = roadmap(snapshots, EXPERT, team, [], lead_time=1)
    assert quarters[0].hires_to_plan == ()
    grown = assess(sales_only(1500), EXPERT).roles[SALES] - recommended
    assert grown > 0
    sales = [h for h in quarters[2].hires_to_plan if h.role == SALES]
    assert [(h.seats, h.needed_in, h.open_requisition_by) for h in sales] == [
        (grown, Q0 + 2, Q0 + 1)
    ]


def test_seats_short_since_different_quarters_keep_their_own_deadlines():
    # One sales seat short from Q0 + 1; the shortfall grows by more from Q0 + 3.
    snapshots = {Q0: sales_only(1000), Q0 + 3: sales_only(1500)}
    base = assess(sales_only(1000), EXPERT).roles
    team = [TeamSeat(role, Q0 - 8) for role, n in base.items() for _ in range(n)]
    leaving = next(i for i, seat in enumerate(team) if seat.role == SALES)
    team[leaving] = TeamSeat(SALES, Q0 - 8, Q0 + 1)
    quarters = roadmap(snapshots, EXPERT, team, [], lead_time=2)
    grown = assess(sales_only(1500), EXPERT).roles[SALES] - base[SALES]

    def sales_batches(q):
        return [
            (h.seats, h.needed_in, h.open_requisition_by)
            for h in q.hires_to_plan
            if h.role == SALES
        ]

    assert sales_batches(quarters[1]) == [(1, Q0 + 1, Q0 - 1)]
    assert sales_batches(quarters[3]) == [(1, Q0 + 1, Q0 - 1), (grown, Q0 + 3, Q0 + 1)]
    # The CSV's single deadline per quarter and role is the earliest of them.
    assert quarters[3].open_requisition_by(SALES) == Q0 - 1


def test_a_shrinking_shortfall_keeps_the_oldest_deadlines():
    snapshots = {Q0: sales_only(1500), Q0 + 1: sales_only(1000)}
    quarters = roadmap(snapshots, EXPERT, [], [], lead_time=1)
    assert {h.needed_in for h in quarters[1].hires_to_plan} == {Q0}
    assert sum(h.seats for h in quarters[1].hires_to_plan) == quarters[1].gap.still_to_plan


def test_it_returns_an_empty_roadmap_without_snapshots():
    assert roadmap({}, Profile(), [], [], lead_time=1) == []


def test_it_rejects_a_negative_lead_time():
    with pytest.raises(ValueError):
        roadmap({Q0: sales_only(10)}, Profile(), [], [], lead_time=-1)


# --- Reasons and citations ----------------------------------------------------------------


def test_a_reason_reads_as_its_sentence_then_its_rules_in_brackets():
    reason = Reason(
        "You have 60 in customer success, who need their own enablement specialist.",
        ("A.4", "B step 4"),
    )
    assert str(reason) == (
        "You have 60 in customer success, who need their own enablement specialist. (A.4, B step 4)"
    )
    assert str(Reason("No citation.")) == "No citation."


def test_two_reasons_join_their_sentences_and_cite_each_rule_once():
    joined = Reason("One.", ("A.4", "B step 3")) + Reason("Two.", ("A.5", "A.4", "B step 8"))
    assert joined == Reason("One. Two.", ("A.4", "B step 3", "A.5", "B step 8"))


@pytest.mark.parametrize(
    ("citation", "anchor"),
    [
        ("A.1", "a-1"),
        ("A.4", "a-4"),
        ("A.7", "a-7"),
        ("B stages", "b-stages"),
        ("B stage 1", "b-stage-1"),
        ("B stage 4", "b-stage-4"),
        ("B team size", "b-team-size"),
        ("B ratio", "b-ratio"),
        ("B step 1", "b-step-1"),
        ("B step 4", "b-step-4"),
        ("B step 10", "b-step-10"),
        ("B gap", "b-gap"),
        ("B lead time", "b-lead-time"),
        ("B roadmap", "b-roadmap"),
    ],
)
def test_every_rule_has_a_stable_anchor(citation, anchor):
    assert citation_anchor(citation) == anchor


def test_anchors_are_distinct_and_cover_every_citation():
    anchors = [citation_anchor(citation) for citation in CITATIONS]
    assert len(set(anchors)) == len(CITATIONS) == 25


@pytest.mark.parametrize("citation", ["A.8", "B step 11", "B", "a.4", ""])
def test_it_refuses_to_cite_a_rule_rules_md_does_not_have(citation):
    with pytest.raises(ValueError):
        citation_anchor(citation)
    with pytest.raises(ValueError):
        Reason("Text.", (citation,))


def test_it_says_who_needs_cs_enablement_in_plain_words():
    result = assess(Headcount(sales=100, customer_success=60), NOVICE)
    assert result.reasons[CS] == Reason(
        "You have 60 in customer success, who need their own enablement specialist.",
        ("A.4", "B step 4"),
    )


@pytest.mark.parametrize(
    ("verticals", "text"),
    [
        (
            1,
            "You have 1 vertical or product team, which needs a liaison who stays close to "
            "its people.",
        ),
        (
            6,
            "You have 6 verticals or product teams, and each needs a liaison who stays close "
            "to its people.",
        ),
        (
            9,
            "You have 9 verticals or product teams, each needing a liaison who stays close to "
            "its people, but only 6 fit: the roles that come first leave 6 of the 10 "
            "recommended seats. The other 3 are next as you grow.",
        ),
    ],
)
def test_the_liaison_reason_says_how_many_fit_and_why(verticals, text):
    # N = 500, T = 10, expert leader: leader, PM, sales, product leave 6 seats.
    result = assess(sales_only(500), Profile(verticals=verticals, leader_has_adult_learning=True))
    assert result.reasons[LIAISON] == Reason(text, ("A.4", "B step 7"))


def test_the_liaison_reason_says_when_none_fit():
    # T = 4 with a novice leader: leader, ALS, PM, sales take every seat before liaisons.
    result = assess(sales_only(200), Profile(verticals=2))
    assert result.reasons[LIAISON] == Reason(
        "You have 2 verticals or product teams, each needing a liaison who stays close to its "
        "people, but none fits yet: the roles that come first take all 4 recommended seats. "
        "Liaisons are next as you grow.",
        ("A.4", "B step 7"),
    )
    assert result.next_hire_seats == {PRODUCT: 1, LIAISON: 2}


def test_the_remaining_seats_reason_names_both_sides_in_words():
    # N = 200, R = 20: T = 10, 5 left; 5 × 120/200 = 3 to sales, 2 to CS.
    result = assess(
        Headcount(sales=120, customer_success=80),
        Profile(target_ratio=20, leader_has_adult_learning=True),
    )
    split = (
        "The 5 seats left after the roles above are shared by how many people each side "
        "serves, 120 in sales and other customer-facing teams against 80 in customer success"
    )
    assert result.reasons[SALES] == Reason(
        f"You have 120 in sales, who need their own sales enablement specialist. {split}: "
        "3 to sales enablement.",
        ("A.4", "B step 5", "B step 9"),
    )
    assert result.reasons[CS] == Reason(
        "You have 80 in customer success, who need their own enablement specialist. "
        f"{split}: 2 to CS enablement.",
        ("A.4", "B step 4", "B step 9"),
    )


# --- Step 10: span of control --------------------------------------------------------------


@pytest.mark.parametrize(
    ("seats", "managers"),
    # ceil(n / 9) when n > 8: each manager leads at most 8 of the others.
    [(0, 0), (1, 0), (8, 0), (9, 1), (17, 2), (18, 2), (19, 3), (27, 3), (28, 4), (46, 6)],
)
@pytest.mark.parametrize("role", [SALES, CS, PRODUCT, LIAISON])
def test_a_managed_role_has_ceil_n_over_9_managers_above_8_seats(role, seats, managers):
    assert managers_for(role, seats) == managers
    if seats:
        assert (seats - managers) <= 8 * max(managers, 1)


@pytest.mark.parametrize("role", [LEADER, ALS, PM])
def test_the_leader_program_managers_and_specialists_have_no_managers(role):
    assert managers_for(role, 46) == 0


def test_2600_customer_facing_gives_46_sales_seats_of_which_6_are_managers():
    # T = 52; steps 1–6: 5 seats; step 8: +1 PM, +1 ALS; 45 more to sales.
    result = assess(sales_only(2600), Profile())
    assert result.roles == {LEADER: 1, ALS: 2, PM: 2, SALES: 46, PRODUCT: 1}
    assert result.managers == {SALES: 6}
    assert sum(result.roles.values()) == result.recommended_total == 52
    assert result.reasons[SALES].text.endswith(
        "With 46 seats, 6 of them are managers, so that no one leads more than 8 people."
    )
    assert result.reasons[SALES].citations[-1] == "B step 10"


def test_managers_appear_from_nine_seats_of_a_role():
    # R = 10, expert leader, stage 2: T = 11 is leader, PM, product and 8 sales seats; T = 12
    # gives sales 9.
    eight = assess(sales_only(110), Profile(target_ratio=10, leader_has_adult_learning=True))
    nine = assess(sales_only(120), Profile(target_ratio=10, leader_has_adult_learning=True))
    assert (eight.roles[SALES], eight.managers) == (8, {})
    assert (nine.roles[SALES], nine.managers) == (9, {SALES: 1})


@pytest.mark.parametrize(
    ("seats", "managers", "stage", "words"),
    [
        (46, 6, 4, "46 — 6 managers, 40 leads"),
        (9, 1, 2, "9 — 1 manager, 8 specialists"),
        (10, 2, 3, "10 — 2 managers, 8 leads"),
        (4, 0, 3, "4"),
        (0, 0, 2, "0"),
    ],
)
def test_seats_read_with_their_managers(seats, managers, stage, words):
    assert seats_in_words(SALES, seats, managers, stage) == words


def test_liaison_seats_read_as_liaisons():
    assert seats_in_words(LIAISON, 18, 2, 3) == "18 — 2 managers, 16 liaisons"


def test_the_gap_counts_managers_in_seat_and_planned_against_those_recommended():
    team = [TeamSeat(SALES, Q - 1, is_manager=True)] + [TeamSeat(SALES, Q - 1)] * 30
    hires = [Hire(SALES, Q, is_manager=True), Hire(SALES, Q + 1, is_manager=True)]
    gap = gap_for_quarter(Q, sales_only(2600), Profile(), team, hires)
    (sales,) = [row for row in gap.rows if row.role == SALES]
    assert (sales.recommended, sales.in_seat, sales.planned, sales.gap) == (46, 31, 1, 14)
    assert (sales.managers, sales.managers_in_seat, sales.managers_planned) == (6, 1, 1)
    assert sales.manager_gap == 4
    assert sales.recommended_words == "46 — 6 managers, 40 leads"
    assert sales.in_seat_words == "31 — 1 manager, 30 leads"


# --- The gap in words: ahead of plan, next hires, the next stage ----------------------------


def test_a_role_ahead_of_plan_says_from_which_quarter_the_forecast_needs_it():
    # 60 now: leader and specialist. 200 from Q + 2: a program manager and more.
    forecast = {Q: sales_only(60), Q + 1: sales_only(60), Q + 2: sales_only(200)}
    gap = gap_for_quarter(Q, sales_only(60), NOVICE, [TeamSeat(PM, Q - 1)], [], forecast=forecast)
    (pm,) = [row for row in gap.rows if row.role == PM]
    assert (pm.gap, pm.ahead_of_plan, pm.needed_from) == (-1, True, Q + 2)
    assert pm.reason == Reason(
        "Ahead of plan: the recommended team of 2 has no seat for this role yet. Needed from "
        "FY2027 Q4 by your forecast. A program manager turns training into formal, repeatable "
        "programs.",
        ("B gap", "A.4", "B step 3"),
    )
    assert [hire.role for hire in gap.next_hires] == [SALES, PRODUCT]


def test_the_forecast_must_need_every_seat_held_to_name_a_quarter():
    # Two sales people in seat; the forecast recommends one sales seat at most.
    forecast = {Q + 1: sales_only(200)}
    team = [TeamSeat(SALES, Q - 1), TeamSeat(SALES, Q - 1)]
    gap = gap_for_quarter(Q, sales_only(200), EXPERT, team, [], forecast=forecast)
    (sales,) = [row for row in gap.rows if row.role == SALES]
    assert sales.needed_from is None
    assert sales.reason == Reason(
        "Ahead of plan: 2 where 1 is recommended. You have 200 in sales, who need their own "
        "sales enablement specialist.",
        ("B gap", "A.4", "B step 5"),
    )


def test_a_role_held_ahead_stays_a_next_hire_for_the_seats_it_still_lacks():
    # N = 500, T = 10, 9 verticals: 6 liaisons fit, 3 more wanted; 7 held, so 2 are next.
    profile = Profile(verticals=9, leader_has_adult_learning=True)
    team = [TeamSeat(LIAISON, Q - 1)] * 7
    gap = gap_for_quarter(Q, sales_only(500), profile, team, [])
    (liaison,) = [row for row in gap.rows if row.role == LIAISON]
    assert liaison.gap == -1
    assert liaison.reason.text.startswith("Ahead of plan: 7 where 6 are recommended. ")
    assert [(hire.role, hire.seats) for hire in gap.next_hires] == [(LIAISON, 2)]
    team = [TeamSeat(LIAISON, Q - 1)] * 9
    assert gap_for_quarter(Q, sales_only(500), profile, team, []).next_hires == ()


def test_a_role_the_rules_never_want_is_ahead_of_plan_without_a_quarter():
    gap = gap_for_quarter(Q, Headcount(), Profile(), [TeamSeat(CS, Q - 1)], [])
    assert gap.rows[0].reason == Reason(
        "Ahead of plan: with no customer-facing headcount no seat is recommended.", ("B gap",)
    )


@pytest.mark.parametrize(
    ("n", "current", "words"),
    [
        (40, Q, "Stage 2 (Expansion) starts at 51 customer-facing: 11 more than today."),
        (40, Q - 1, "Stage 2 (Expansion) starts at 51 customer-facing: 11 more than FY2027 Q2."),
        (40, None, "Stage 2 (Expansion) starts at 51 customer-facing: 11 more than FY2027 Q2."),
        (489, Q + 3, "Stage 3 (Scale) starts at 501 customer-facing: 12 more than FY2027 Q2."),
        (2000, Q, "Stage 4 (Enterprise) starts at 2001 customer-facing: 1 more than today."),
        (2001, Q, ""),
    ],
)
def test_the_next_stage_is_measured_from_the_quarter_it_names(n, current, words):
    gap = gap_for_quarter(Q, sales_only(n), Profile(), [], [], current=current)
    assert gap.next_stage_words == words


# --- Requisition deadlines ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "status"),
    [
        (Q - 4, RequisitionStatus.OVERDUE),
        (Q - 1, RequisitionStatus.OVERDUE),
        (Q, RequisitionStatus.DUE_NOW),
        (Q + 1, RequisitionStatus.UPCOMING),
        (Q + 8, RequisitionStatus.UPCOMING),
    ],
)
def test_a_deadline_is_overdue_due_now_or_upcoming_against_the_current_quarter(deadline, status):
    assert requisition_status(deadline, Q) is status


def test_each_requisition_status_has_its_words_in_one_place():
    assert [(str(s), s.words) for s in RequisitionStatus] == [
        ("overdue", "overdue"),
        ("due_now", "due now"),
        ("upcoming", "upcoming"),
    ]


def open_hires_by_quarter(quarters):
    return {
        q.quarter: [(h.role, h.target, h.open_requisition_by, h.status) for h in q.open_hires]
        for q in quarters
    }


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        # Target Q0 + 2, lead time 1: due by Q0 + 1, the current quarter.
        ("planned", RequisitionStatus.DUE_NOW),
        ("approved", RequisitionStatus.DUE_NOW),
        ("recruiting", None),
    ],
)
def test_every_open_hire_keeps_its_deadline_from_its_target_quarter_on(status, expected):
    snapshots = {Q0: sales_only(200), Q0 + 3: sales_only(200)}
    hires = [Hire(PM, Q0 + 2, status), Hire(SALES, Q0, "hired"), Hire(SALES, Q0, "cancelled")]
    quarters = roadmap(snapshots, EXPERT, [], hires, lead_time=1, current=Q0 + 1)
    assert open_hires_by_quarter(quarters) == {
        Q0: [],
        Q0 + 1: [],
        Q0 + 2: [(PM, Q0 + 2, Q0 + 1, expected)],
        Q0 + 3: [(PM, Q0 + 2, Q0 + 1, expected)],
    }
    # Listed once, in its target quarter.
    assert [len(q.open_hires_listed) for q in quarters] == [0, 0, 1, 0]
    words = {"planned": "due now", "approved": "due now", "recruiting": "requisition open"}
    assert quarters[2].open_hires_listed[0].status_words == words[status]


def test_alike_open_hires_are_summarised_as_one_line_with_their_count():
    snapshots = {Q0: sales_only(200), Q0 + 3: sales_only(200)}
    hires = [
        Hire(PM, Q0 + 2, "planned"),
        Hire(SALES, Q0 + 2, "approved"),
        Hire(PM, Q0 + 2, "planned"),
        Hire(PM, Q0 + 2, "recruiting"),
        Hire(PM, Q0 + 2, "planned"),
    ]
    quarters = roadmap(snapshots, EXPERT, [], hires, lead_time=1, current=Q0)
    summary = [(h.role, h.hire_status, count) for h, count in quarters[2].open_hires_summary]
    assert summary == [(PM, "planned", 3), (SALES, "approved", 1), (PM, "recruiting", 1)]
    assert sum(count for _, count in quarters[2].open_hires_summary) == len(
        quarters[2].open_hires_listed
    )


def test_a_recruiting_hire_is_never_overdue():
    snapshots = {Q0: sales_only(200), Q0 + 3: sales_only(200)}
    hire = Hire(PM, Q0, "recruiting")
    quarters = roadmap(snapshots, EXPERT, [], [hire], lead_time=2, current=Q0 + 2)
    (listed,) = quarters[2].open_hires_listed
    assert listed == OpenHire(PM, Q0, "recruiting", Q0 - 2, None)
    assert listed.requisition_open
    assert quarters[2].open_requisition_by(PM) is None


def test_quarters_before_the_current_one_are_history_without_overdue():
    # The leader has been short since Q0; the current quarter is Q0 + 2.
    snapshots = {Q0: sales_only(40), Q0 + 3: sales_only(40)}
    hires = [Hire(PM, Q0, "approved")]
    quarters = roadmap(snapshots, EXPERT, [], hires, lead_time=1, current=Q0 + 2)
    assert [q.is_history for q in quarters] == [True, True, False, False]
    assert [q.hires_to_plan for q in quarters] == [
        (HireToPlan(LEADER, 1, Q0, Q0 - 1, None),),
        (HireToPlan(LEADER, 1, Q0, Q0 - 1, None),),
        (HireToPlan(LEADER, 1, Q0, Q0 - 1, RequisitionStatus.OVERDUE),),
        (HireToPlan(LEADER, 1, Q0, Q0 - 1, RequisitionStatus.OVERDUE),),
    ]
    assert [q.requisition_status(LEADER) for q in quarters] == [
        None,
        None,
        RequisitionStatus.OVERDUE,
        RequisitionStatus.OVERDUE,
    ]
    assert [q.open_hires[0].status for q in quarters] == [
        None,
        None,
        RequisitionStatus.OVERDUE,
        RequisitionStatus.OVERDUE,
    ]
    # The approved hire of a past quarter is listed in the current one, where it is overdue.
    assert [len(q.open_hires_listed) for q in quarters] == [0, 0, 1, 0]
    assert quarters[2].hires_to_plan[0].status_words == "overdue"


def test_without_a_current_quarter_no_deadline_has_a_status():
    snapshots = {Q0: sales_only(40)}
    (quarter,) = roadmap(snapshots, EXPERT, [], [Hire(LEADER, Q0)], lead_time=1)
    assert quarter.open_requisition_by(LEADER) == Q0 - 1
    assert quarter.requisition_status(LEADER) is None
    assert quarter.hires_to_plan == ()  # the planned hire fills the seat
    assert quarter.open_hires_listed[0].status_words == ""


def test_the_earliest_deadline_of_seats_and_hires_still_to_open_is_the_roles():
    # Two sales enablement people leave at Q0 + 1; an approved hire replaces one in Q0 + 2.
    # Lead time 1: the seats are due by Q0, the hire by Q0 + 1.
    snapshots = {Q0: sales_only(1000), Q0 + 3: sales_only(1000)}
    base = assess(sales_only(1000), EXPERT).roles
    team = [TeamSeat(role, Q0 - 8) for role, n in base.items() for _ in range(n)]
    leaving = [i for i, seat in enumerate(team) if seat.role == SALES][:2]
    for i in leaving:
        team[i] = TeamSeat(SALES, Q0 - 8, Q0 + 1)
    hires = [Hire(SALES, Q0 + 2, "approved")]
    quarters = roadmap(snapshots, EXPERT, team, hires, lead_time=1, current=Q0 + 2)
    sales_gaps = [next(r.gap for r in q.gap.rows if r.role == SALES) for q in quarters]
    assert sales_gaps == [0, 2, 1, 1]
    assert [q.open_requisition_by(SALES) for q in quarters] == [None, Q0, Q0, Q0]
    assert [q.requisition_status(SALES) for q in quarters] == [
        None,
        None,
        RequisitionStatus.OVERDUE,
        RequisitionStatus.OVERDUE,
    ]
    # The hire's own deadline stays with it.
    assert [h.open_requisition_by for h in quarters[2].open_hires] == [Q0 + 1]


def test_a_hire_still_to_open_carries_the_deadline_when_no_seat_is_short():
    snapshots = {Q0: sales_only(200)}
    team = [TeamSeat(LEADER, Q0 - 1), TeamSeat(SALES, Q0 - 1), TeamSeat(PRODUCT, Q0 - 1)]
    quarters = roadmap(snapshots, EXPERT, team, [Hire(PM, Q0, "planned")], 2, current=Q0 - 1)
    assert quarters[0].gap.still_to_plan == 0
    assert quarters[0].open_requisition_by(PM) == Q0 - 2
    assert quarters[0].requisition_status(PM) is RequisitionStatus.OVERDUE


def test_each_roadmap_quarter_groups_what_is_left_to_open_by_role():
    snapshots = {Q0: sales_only(200)}
    team = [TeamSeat(LEADER, Q0 - 1)]
    hires = [Hire(PM, Q0, "approved"), Hire(SALES, Q0 - 1, "recruiting")]
    (quarter,) = roadmap(snapshots, EXPERT, team, hires, lead_time=1, current=Q0)
    got = [
        (
            r.gap.role,
            [(h.seats, h.open_requisition_by) for h in r.hires_to_plan],
            [(h.hire_status, h.open_requisition_by) for h in r.open_hires],
            r.open_requisition_by,
            r.requisition_status,
        )
        for r in quarter.roles
    ]
    assert got == [
        (LEADER, [], [], None, None),
        (PM, [], [("approved", Q0 - 1)], Q0 - 1, RequisitionStatus.OVERDUE),
        (SALES, [], [("recruiting", Q0 - 2)], None, None),
        (PRODUCT, [(1, Q0 - 1)], [], Q0 - 1, RequisitionStatus.OVERDUE),
    ]


# --- Properties ----------------------------------------------------------------------------

counts = st.integers(min_value=0, max_value=10_000)
headcounts = st.builds(Headcount, sales=counts, customer_success=counts, other=counts)
profiles = st.builds(
    Profile,
    target_ratio=st.integers(min_value=10, max_value=500),
    verticals=st.integers(min_value=0, max_value=50),
    leader_has_adult_learning=st.booleans(),
)

STAGE_TABLE = ((50, 1, 0.25), (500, 2, 0.50), (2000, 3, 1.00), (None, 4, 1.00))


def expected_stage(n: int) -> tuple[int, float]:
    for high, number, share in STAGE_TABLE:
        if high is None or n <= high:
            return number, share
    raise AssertionError


def expected_total(n: int, ratio: int) -> int:
    if n == 0:
        return 0
    if n <= 50:
        return 1
    return max(2, ceil(Fraction(n, ratio)))


def step_requirements(headcount: Headcount, profile: Profile, stage: int, total: int):
    """Seats each applicable role needs by the end of step 8 (B), in fill order."""
    grown = max(1, total // 20) if stage >= 3 else 1
    steps = [(LEADER, 1)]
    if stage >= 3 or not profile.leader_has_adult_learning:
        steps.append((ALS, grown))
    steps.append((PM, grown))
    if headcount.customer_success > 0:
        steps.append((CS, 1))
    steps += [(SALES, 1), (PRODUCT, 1)]
    if profile.verticals:
        steps.append((LIAISON, profile.verticals))
    return dict(steps)


@given(headcounts, profiles)
def test_property_stage_and_total_follow_the_tables(headcount, profile):
    result = assess(headcount, profile)
    stage, share = expected_stage(headcount.total)
    assert result.stage == stage
    assert result.leader_strategic_share == pytest.approx(share)
    assert result.recommended_total == expected_total(headcount.total, profile.target_ratio)


@given(headcounts, profiles)
def test_property_role_counts_always_sum_to_the_recommended_total(headcount, profile):
    result = assess(headcount, profile)
    assert sum(result.roles.values()) == result.recommended_total
    assert all(count > 0 for count in result.roles.values())
    assert list(result.roles) == [role for role in CATALOGUE if role in result.roles]
    if result.recommended_total > 0:
        assert result.roles[LEADER] == 1
    else:
        assert result.roles == {}


@given(headcounts, profiles)
def test_property_next_hires_are_exactly_the_steps_left_short(headcount, profile):
    result = assess(headcount, profile)
    assert len(set(result.next_hires)) == len(result.next_hires)
    if result.stage == 1:
        assert result.next_hires == ()
        return
    needs = step_requirements(headcount, profile, result.stage, result.recommended_total)
    short = {role for role, need in needs.items() if result.roles.get(role, 0) < need}
    assert set(result.next_hires) == short
    # Roles whose condition is not met are neither recommended nor listed.
    for role in CATALOGUE:
        if role not in needs:
            assert role not in result.roles
            assert role not in result.next_hires
    assert result.roles.get(LIAISON, 0) <= profile.verticals


@given(headcounts, profiles)
def test_property_nothing_later_is_filled_while_an_earlier_step_is_short(headcount, profile):
    result = assess(headcount, profile)
    if result.stage == 1:
        return
    needs = step_requirements(headcount, profile, result.stage, result.recommended_total)
    base = {role: (profile.verticals if role == LIAISON else 1) for role in needs}
    order = list(needs)
    roles = result.roles
    for i, role in enumerate(order):
        if roles.get(role, 0) < base[role]:  # a step 1–7 seat is short
            assert all(roles.get(later, 0) == 0 for later in order[i + 1 :])
            assert roles.get(PM, 0) <= 1 and roles.get(ALS, 0) <= 1  # no step 8
            break
    if roles.get(PM, 0) < needs[PM]:  # step 8 short for program managers
        assert roles.get(ALS, 0) <= 1  # program managers first
    if result.next_hires:  # no seat reached step 9
        assert roles.get(SALES, 0) <= 1 and roles.get(CS, 0) <= 1


@given(headcounts, profiles)
def test_property_remaining_seats_split_by_largest_remainder_ties_to_sales(headcount, profile):
    result = assess(headcount, profile)
    if result.stage == 1 or result.next_hires:
        return
    needs = step_requirements(headcount, profile, result.stage, result.recommended_total)
    for role, need in needs.items():
        if role not in (SALES, CS):
            assert result.roles[role] == need
    left = result.recommended_total - sum(needs.values())
    sales_side = headcount.sales + headcount.other
    cs_side = headcount.customer_success
    sales_quota = Fraction(left * sales_side, sales_side + cs_side)
    cs_quota = left - sales_quota
    sales_extra, cs_extra = int(sales_quota), int(cs_quota)  # floors: quotas are >= 0
    if sales_extra + cs_extra < left:
        if sales_quota - sales_extra >= cs_quota - cs_extra:
            sales_extra += 1
        else:
            cs_extra += 1
    assert result.roles[SALES] == 1 + sales_extra
    assert result.roles.get(CS, 0) == (1 if cs_side else 0) + cs_extra


@given(headcounts, profiles)
def test_property_practices_and_reasons_follow_the_stage(headcount, profile):
    result = assess(headcount, profile)
    assert tuple(result.practices) == (PRACTICES if result.stage == 4 else ())
    for key in (*result.roles, *result.practices):
        assert_plain_language(result.reasons[key])
    assert_plain_language(result.size_reason)


@given(counts, counts, counts, profiles)
def test_property_other_customer_facing_counts_like_sales(sales, cs, other, profile):
    together = assess(Headcount(sales=sales + other, customer_success=cs), profile)
    apart = assess(Headcount(sales=sales, customer_success=cs, other=other), profile)
    assert apart.roles == together.roles
    assert apart.next_hires == together.next_hires


@given(counts, st.integers(min_value=10, max_value=500))
def test_property_recommended_total_never_shrinks_as_headcount_grows(n, ratio):
    profile = Profile(target_ratio=ratio)
    smaller = assess(sales_only(n), profile)
    larger = assess(sales_only(n + 1), profile)
    assert smaller.recommended_total <= larger.recommended_total
    assert smaller.stage <= larger.stage


BAND_ORDER = ("inefficient", "heavy", "typical", "lean", "no_buy_in")


@given(counts, st.integers(min_value=0, max_value=2_000))
def test_property_ratio_band_matches_the_exact_ratio(n, e):
    band = ratio_band(n, e)
    if e == 0:
        assert band == "none"
        return
    ratio = Fraction(n, e)
    if ratio <= 10:
        assert band == "inefficient"
    elif ratio <= 35:
        assert band == "heavy"
    elif ratio <= 75:
        assert band == "typical"
    elif ratio <= 500:
        assert band == "lean"
    else:
        assert band == "no_buy_in"


@given(counts, st.integers(min_value=1, max_value=2_000))
def test_property_ratio_band_never_improves_as_headcount_grows(n, e):
    assert BAND_ORDER.index(ratio_band(n, e)) <= BAND_ORDER.index(ratio_band(n + 1, e))


def test_a_role_in_seat_but_not_recommended_says_so_and_points_at_its_step():
    # 60 customer-facing, stage 2: T = 2 (leader, adult-learning specialist).
    gap = gap_for_quarter(
        100,
        Headcount(sales=60),
        Profile(),
        [TeamSeat(LEADER, 90), TeamSeat(SALES, 90)],
        [],
    )
    sales = next(row for row in gap.rows if row.role == SALES)
    assert sales.recommended == 0 and sales.gap == -1
    assert sales.reason == Reason(
        "Ahead of plan: the recommended team of 2 has no seat for this role yet. "
        "You have 60 in sales, who need their own sales enablement specialist.",
        ("B gap", "A.4", "B step 5"),
    )
    # Held ahead of plan, it is not listed again as a next hire; the others still are.
    assert [hire.role for hire in gap.next_hires] == [PM, PRODUCT]


quarters_around = st.integers(min_value=Q0 - 6, max_value=Q0 + 6)
open_hires = st.builds(
    Hire,
    role=st.sampled_from(CATALOGUE),
    target=quarters_around,
    status=st.sampled_from(("planned", "approved", "recruiting", "hired", "cancelled")),
)
seats = st.builds(TeamSeat, role=st.sampled_from(CATALOGUE), start=quarters_around)


@given(
    st.dictionaries(quarters_around, headcounts, min_size=1, max_size=4),
    st.lists(seats, max_size=6),
    st.lists(open_hires, max_size=6),
    st.integers(min_value=0, max_value=3),
    quarters_around,
)
def test_property_no_open_hire_deadline_vanishes_and_history_is_never_overdue(
    snapshots, team, hires, lead_time, current
):
    quarters = roadmap(snapshots, Profile(), team, hires, lead_time, current=current)
    first, last = min(snapshots), max(snapshots)
    listed = [hire for q in quarters for hire in q.open_hires_listed]
    expected = [hire for hire in hires if hire.status in ("planned", "approved", "recruiting")]
    # Every open hire the roadmap's quarters reach is listed exactly once.
    assert sorted((h.role, h.target, h.hire_status) for h in listed) == sorted(
        (h.role, h.target, h.status) for h in expected if h.target <= last
    )
    for q in quarters:
        for hire in q.open_hires_listed:
            assert q.quarter == max(hire.target, first) or q.quarter == current
        things = [*q.hires_to_plan, *q.open_hires]
        for thing in things:
            if q.quarter < current or getattr(thing, "hire_status", None) == "recruiting":
                assert thing.status is None
            else:
                assert thing.status is requisition_status(thing.open_requisition_by, current)
        for row in q.gap.rows:
            assert_plain_language(row.reason)
            assert (q.requisition_status(row.role) is None) == (
                q.quarter < current or q.open_requisition_by(row.role) is None
            )


# --- B roadmap: what to do now ---------------------------------------------------------------


def due(quarters, hires, current, lead_time=1):
    return [
        (
            a.urgency.value,
            a.role,
            a.seats,
            a.needed_in,
            a.open_requisition_by,
            a.plan_in,
            a.hire_status,
        )
        for a in actions_due(quarters, hires, lead_time, current)
    ]


def test_overdue_hires_read_as_one_line_per_role_and_status():
    overdue, now_ = Urgency.OVERDUE, Urgency.THIS_QUARTER
    actions = [
        ActionDue(PM, 2, Q0, Q0 - 1, overdue, Q0 + 3, "planned"),
        ActionDue(LEADER, 1, Q0 + 3, Q0 + 2, overdue, Q0 + 3),  # seats to plan: kept
        ActionDue(PM, 3, Q0 + 1, Q0, overdue, Q0 + 3, "planned"),
        ActionDue(PM, 1, Q0 + 1, Q0, overdue, Q0 + 3, "approved"),
        ActionDue(PM, 4, Q0 + 2, Q0 + 1, overdue, Q0 + 3, "planned", is_manager=True),
        ActionDue(PM, 5, Q0 + 4, Q0 + 3, now_, Q0 + 4, "planned"),  # not overdue: kept
    ]
    assert overdue_hires_by_role(actions) == (
        ActionDue(PM, 5, Q0, Q0 - 1, overdue, Q0 + 3, "planned"),
        actions[1],
        actions[3],
        actions[4],
        actions[5],
    )


def test_what_to_do_now_lists_requisitions_overdue_due_this_quarter_and_next_only():
    # Stage 2 throughout, a leader with adult-learning expertise: 200 customer-facing make
    # leader, program manager, sales and product (4 seats); 400 make sales 5, 450 sales 6,
    # 500 sales 7. Nobody in seat; a product hire approved for Q0 + 3.
    snapshots = {
        Q0: sales_only(200),
        Q0 + 3: sales_only(400),
        Q0 + 4: sales_only(450),
        Q0 + 5: sales_only(500),
    }
    hires = [Hire(PRODUCT, Q0 + 3, "approved"), Hire(SALES, Q0 + 3, "recruiting")]
    current = Q0 + 2
    quarters = roadmap(snapshots, EXPERT, [], hires, lead_time=1, current=current)
    assert due(quarters, hires, current) == [
        # Short since Q0, history: still short now, to plan for the current quarter.
        ("overdue", LEADER, 1, Q0, Q0 - 1, current, None),
        ("overdue", PM, 1, Q0, Q0 - 1, current, None),
        ("overdue", SALES, 1, Q0, Q0 - 1, current, None),
        ("overdue", PRODUCT, 1, Q0, Q0 - 1, current, None),
        # Sales grows by 5 at Q0 + 3; the recruiting hire holds one of them.
        ("this_quarter", SALES, 3, Q0 + 3, Q0 + 2, Q0 + 3, None),
        ("this_quarter", PRODUCT, 1, Q0 + 3, Q0 + 2, Q0 + 3, "approved"),
        ("next_quarter", SALES, 1, Q0 + 4, Q0 + 3, Q0 + 4, None),
        # Sales 7 from Q0 + 5 is due by Q0 + 4: not yet.
    ]


def test_what_to_do_now_keeps_a_hire_whose_target_lies_past_the_last_snapshot():
    snapshots = {Q0: sales_only(30)}
    hires = [Hire(PM, Q0 + 2, "planned"), Hire(PM, Q0 + 2, "planned", is_manager=False)]
    team = [TeamSeat(LEADER, Q0)]
    quarters = roadmap(snapshots, EXPERT, team, hires, lead_time=1, current=Q0 + 1)
    assert due(quarters, hires, Q0 + 1) == [
        ("this_quarter", PM, 2, Q0 + 2, Q0 + 1, Q0 + 2, "planned")
    ]


def test_what_to_do_now_is_empty_when_the_team_is_complete_and_nothing_waits():
    snapshots = {Q0: sales_only(30), Q0 + 4: sales_only(30)}
    team = [TeamSeat(LEADER, Q0 - 4)]
    hires = [Hire(PM, Q0 + 1, "recruiting"), Hire(PM, Q0, "hired"), Hire(PM, Q0, "cancelled")]
    quarters = roadmap(snapshots, EXPERT, team, hires, lead_time=1, current=Q0 + 2)
    assert due(quarters, hires, Q0 + 2) == []


def test_the_urgencies_of_what_to_do_now_have_their_words_in_one_place():
    assert [u.words for u in Urgency] == ["Overdue", "Due this quarter", "Due next quarter"]


def test_open_hires_in_a_quarter_of_history_are_never_overdue():
    hires = [Hire(SALES, Q0, "planned"), Hire(SALES, Q0 + 5, "planned")]
    (past,) = open_hires_in(Q0 + 1, hires, 1, current=Q0 + 3)
    assert past.status is None and past.open_requisition_by == Q0 - 1
    (now_listed,) = open_hires_in(Q0 + 3, hires, 1, current=Q0 + 3)
    assert now_listed.status is RequisitionStatus.OVERDUE


# --- Stage crossings ---------------------------------------------------------------------

C = Quarter(2027, 1).ordinal  # the current quarter of these tests


def _label(ordinal: int) -> str:
    return Quarter.from_ordinal(ordinal).label


def _team_for(total: int) -> list[TeamSeat]:
    """People in seat since long ago for every seat recommended at ``total`` sales."""
    roles = assess(Headcount(sales=total), Profile()).roles
    return [TeamSeat(role, C - 8) for role, n in roles.items() for _ in range(n)]


def _crossings(
    totals: dict[int, int],
    team=(),
    hires=(),
    lead_time: int = 1,
    current: int | None = C,
) -> tuple[StageCrossing, ...]:
    snapshots = {q: Headcount(sales=n) for q, n in totals.items()}
    quarters = roadmap(snapshots, Profile(), team, hires, lead_time, current=current)
    return stage_crossings(quarters, lead_time)


def test_reaching_501_is_stage_3_with_the_new_seat_due_a_lead_time_before():
    # 500 → 10 seats, filled; 501 → ceil(501 / 50) = 11: one more sales enablement seat.
    (crossing,) = _crossings({C: 500, C + 1: 501}, team=_team_for(500))
    assert (crossing.quarter, crossing.customer_facing) == (C + 1, 501)
    assert (crossing.previous.number, crossing.stage.number, crossing.growing) == (2, 3, True)
    assert (crossing.team_size, crossing.held, crossing.to_open, crossing.earlier) == (11, 10, 1, 0)
    assert (crossing.open_by, crossing.status) == (C, RequisitionStatus.DUE_NOW)
    assert crossing.sentence == (
        f"{_label(C + 1)}: you reach 501 customer-facing — stage 3 (Scale). Your leader "
        f"should be fully strategic; the team grows to 11; open 1 requisition by {_label(C)}, "
        "due now."
    )
    assert crossing.reason.citations == ("A.5", "B stages", "B team size", "B lead time")


@pytest.mark.parametrize(
    ("before", "after", "stages"),
    [(50, 51, (1, 2)), (500, 501, (2, 3)), (2000, 2001, (3, 4)), (40, 600, (1, 3))],
)
def test_each_boundary_is_crossed_at_its_first_headcount(before, after, stages):
    (crossing,) = _crossings({C: before, C + 1: after})
    assert (crossing.previous.number, crossing.stage.number) == stages


@pytest.mark.parametrize(("before", "after"), [(0, 50), (51, 500), (501, 2000), (2001, 9000)])
def test_growing_inside_a_stage_is_no_crossing(before, after):
    assert _crossings({C: before, C + 1: after}) == ()


def test_the_first_quarter_is_never_a_crossing():
    assert _crossings({C: 700}) == ()


def test_shrinking_back_to_500_is_announced_with_the_seats_held_beyond_the_team():
    (crossing,) = _crossings({C: 501, C + 1: 500}, team=_team_for(501))
    assert (crossing.previous.number, crossing.stage.number, crossing.growing) == (3, 2, False)
    assert (crossing.team_size, crossing.held, crossing.surplus) == (10, 11, 1)
    assert crossing.sentence == (
        f"{_label(C + 1)}: you fall to 500 customer-facing — back to stage 2 (Expansion). Your "
        "leader goes back to about half of the time on strategy; the recommended team shrinks "
        "to 10; you hold 11, 1 more than recommended: open no requisition."
    )
    assert crossing.reason.citations[0] == "A.4"


def test_shrinking_to_stage_1_says_the_manager_is_the_whole_team_again():
    (crossing,) = _crossings({C: 51, C + 1: 50})
    assert crossing.sentence.startswith(
        f"{_label(C + 1)}: you fall to 50 customer-facing — back to stage 1 (Foundation). One "
        "Enablement Manager is the whole team again"
    )


def test_reaching_stage_4_says_the_leader_reports_to_the_cro():
    (crossing,) = _crossings({C: 2000, C + 1: 2001}, team=_team_for(2000))
    assert "a peer of the customer-facing leaders, reporting to the CRO" in crossing.sentence
    assert "the team grows to 41;" in crossing.sentence  # ceil(2001 / 50)


def test_the_deadline_is_the_crossing_quarter_less_the_lead_time_and_upcoming_goes_unsaid():
    (crossing,) = _crossings({C: 500, C + 4: 501}, team=_team_for(500), lead_time=2)
    assert (crossing.open_by, crossing.status) == (C + 2, RequisitionStatus.UPCOMING)
    assert crossing.sentence.endswith(f"open 1 requisition by {_label(C + 2)}.")


def test_a_crossing_in_the_current_quarter_can_be_overdue():
    (crossing,) = _crossings({C - 1: 500, C: 501}, team=_team_for(500), lead_time=1)
    assert (crossing.open_by, crossing.status) == (C - 1, RequisitionStatus.OVERDUE)
    assert crossing.sentence.endswith(f"open 1 requisition by {_label(C - 1)}, overdue.")


def test_a_crossing_before_the_current_quarter_is_history_and_not_announced():
    assert _crossings({C - 2: 500, C - 1: 501, C: 501}) == ()
    # Without a current quarter, every crossing is announced, no deadline worded.
    (crossing,) = _crossings({C - 2: 500, C - 1: 501}, current=None)
    assert (crossing.quarter, crossing.status) == (C - 1, None)


def test_seats_short_before_the_crossing_are_counted_apart_from_the_new_ones():
    # Nothing held: the 10 seats of 500 are short since C, one more from C + 1.
    (crossing,) = _crossings({C: 500, C + 1: 501})
    assert (crossing.to_open, crossing.earlier) == (1, 10)
    assert crossing.sentence.endswith(
        f"open 1 requisition by {_label(C)}, due now; 10 more seats are still to plan from "
        "earlier quarters."
    )


def test_a_shrinking_plan_with_seats_still_short_says_no_new_requisition():
    (crossing,) = _crossings({C: 501, C + 1: 500})
    assert (crossing.to_open, crossing.earlier, crossing.surplus) == (0, 10, 0)
    assert crossing.sentence.endswith(
        "; no new requisition; 10 more seats are still to plan from earlier quarters."
    )


def test_a_crossing_whose_seats_are_all_held_or_planned_has_nothing_to_open():
    hire = Hire("sales_enablement", C + 1)
    (crossing,) = _crossings({C: 500, C + 1: 501}, team=_team_for(500), hires=[hire])
    assert (crossing.held, crossing.to_open, crossing.earlier, crossing.surplus) == (11, 0, 0, 0)
    assert crossing.sentence.endswith(
        "; every seat is already in seat or planned: no requisition to open."
    )


quarters_near = st.integers(min_value=Q - 6, max_value=Q + 6)
seats_near = st.builds(
    TeamSeat,
    role=st.sampled_from(CATALOGUE),
    start=quarters_near,
    end=st.one_of(st.none(), quarters_near),
    is_manager=st.booleans(),
)
hires_near = st.builds(
    Hire,
    role=st.sampled_from(CATALOGUE),
    target=quarters_near,
    status=st.sampled_from(rules.HIRE_STATUSES),
    is_manager=st.booleans(),
)


@given(
    st.dictionaries(quarters_near, headcounts, min_size=1, max_size=6),
    profiles,
    st.lists(seats_near, max_size=12),
    st.lists(hires_near, max_size=12),
    st.sampled_from([None, Q - 2, Q, Q + 3]),
)
def test_property_each_roadmap_quarter_holds_the_gap_of_that_quarter_alone(
    snapshots, profile, team, planned, current
):
    """The roadmap counts who is held from one quarter to the next; each quarter must come
    out as the gap computed for it alone, from every seat and hire."""
    ordered = dict(sorted(snapshots.items()))
    for quarter in roadmap(ordered, profile, team, planned, 1, current=current):
        latest = max(q for q in ordered if q <= quarter.quarter)
        alone = gap_for_quarter(
            quarter.quarter,
            ordered[latest],
            profile,
            team,
            planned,
            forecast=ordered,
            current=current,
        )
        assert quarter.gap == alone
