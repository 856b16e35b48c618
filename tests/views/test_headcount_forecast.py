"""The growth forecast: the form, its preview and its apply step.

Access for each role is proven for these URLs by tests/test_isolation.py.
"""

from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import forecast
from planner.models import Change, HeadcountSnapshot
from planner.quarters import Quarter
from planner.views.headcount_forecast import PAYLOAD_SALT
from planner.views.headcount_import import PAYLOAD_SALT as IMPORT_SALT
from tests.factories import ScenarioFactory, SnapshotFactory


def label(ordinal: int) -> str:
    return Quarter.from_ordinal(ordinal).label


def url(organization, name="headcount_forecast"):
    return reverse(name, args=[organization.slug])


def state(organization, *, scenario=None):
    rows = HeadcountSnapshot.objects.filter(organization=organization, scenario=scenario).order_by(
        "quarter"
    )
    return [(s.quarter, s.sales, s.customer_success, s.other, s.version) for s in rows]


def rate_form(first, last, *, sales="0", customer_success="0", other="0", start=""):
    return {
        "method": "rate",
        "first": first,
        "last": last,
        "start": start,
        "sales_rate": sales,
        "customer_success_rate": customer_success,
        "other_rate": other,
    }


def target_form(first, last, *, sales="", customer_success="", other="", start=""):
    return {
        "method": "target",
        "first": first,
        "last": last,
        "start": start,
        "sales_target": sales,
        "customer_success_target": customer_success,
        "other_target": other,
    }


@pytest.fixture
def base(organization, now):
    """The current quarter's headcount: 100 sales, 20 customer success, 10 other."""
    return SnapshotFactory(
        organization=organization, quarter=now, sales=100, customer_success=20, other=10
    )


def preview(client, organization, data):
    return client.post(url(organization), data)


def apply(client, organization, payload):
    return client.post(url(organization, "headcount_forecast_apply"), {"preview": payload})


def rows_of(response):
    p = response.context["preview"]
    return {
        row.quarter: (row.after.sales, row.after.customer_success, row.after.other)
        for row in (*p.added, *p.changed, *p.unchanged)
    }


# --- the way in -----------------------------------------------------------------------------


def test_the_headcount_page_leads_editors_to_the_forecast(client, organization, editor):
    client.force_login(editor)
    body = client.get(reverse("headcount", args=[organization.slug])).content.decode()
    assert f'href="{url(organization)}"' in body


def test_the_headcount_page_offers_viewers_no_forecast(client, organization, viewer):
    client.force_login(viewer)
    body = client.get(reverse("headcount", args=[organization.slug])).content.decode()
    assert url(organization) not in body


def test_the_form_starts_after_the_last_quarter_and_says_actuals_stay(
    client, organization, editor, now, base
):
    client.force_login(editor)
    response = client.get(url(organization))
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"]["first"].initial == now + 1
    assert response.context["form"]["last"].initial == now + 6
    assert f"Quarters before {label(now)} are actual" in body


# --- the preview ----------------------------------------------------------------------------


def test_a_rate_previews_compounded_quarters_and_saves_nothing(
    client, organization, editor, now, base
):
    client.force_login(editor)
    before, history = state(organization), Change.objects.count()
    response = preview(client, organization, rate_form(now + 1, now + 6, sales="15", other="-5"))
    assert response.status_code == 200
    # 100 × 1.15^k: 115, 132.25, 152.09, 174.90, 201.14, 231.31; 10 × 0.95^k: 9.5 → 10, 9.03…
    assert rows_of(response) == {
        now + 1: (115, 20, 10),
        now + 2: (132, 20, 9),
        now + 3: (152, 20, 9),
        now + 4: (175, 20, 8),
        now + 5: (201, 20, 8),
        now + 6: (231, 20, 7),
    }
    body = response.content.decode()
    assert "Check the forecast" in body
    assert f"Actual quarters, those before {label(now)}, are never overwritten" in body
    assert f"Grown from {label(now)}: 100 sales, 20 customer success, 10 other" in body
    assert "6 quarters to add" in body and "Save 6 quarters" in body
    assert state(organization) == before and Change.objects.count() == history


def test_a_forecast_changes_stored_forecast_quarters_shown_old_and_new(
    client, organization, editor, now, base
):
    SnapshotFactory(organization=organization, quarter=now + 1, sales=300)
    client.force_login(editor)
    response = preview(client, organization, rate_form(now + 1, now + 1, sales="10"))
    body = response.content.decode()
    assert "1 quarter to change" in body
    assert "<del>300</del>" in body and "<ins>110</ins>" in body


def test_a_target_is_reached_in_equal_steps_and_exactly(client, organization, editor, now, base):
    client.force_login(editor)
    data = target_form(now + 1, now + 4, sales="200", customer_success="20", other="0")
    response = preview(client, organization, data)
    assert rows_of(response) == {
        now + 1: (125, 20, 8),  # 7.5 → 8
        now + 2: (150, 20, 5),
        now + 3: (175, 20, 3),  # 2.5 → 3
        now + 4: (200, 20, 0),
    }


def test_a_chosen_start_quarter_counts_growth_from_it(client, organization, editor, now, base):
    SnapshotFactory(
        organization=organization, quarter=now + 1, sales=500, customer_success=0, other=0
    )
    client.force_login(editor)
    # From now (100 sales), skipping now + 1: now + 2 is two quarters of 10%, 121.
    response = preview(client, organization, rate_form(now + 2, now + 2, sales="10", start=now))
    assert rows_of(response) == {now + 2: (121, 20, 10)}
    # Left empty, the start is the last quarter with headcount before the range: now + 1.
    response = preview(client, organization, rate_form(now + 2, now + 2, sales="10"))
    assert rows_of(response) == {now + 2: (550, 0, 0)}


# --- bad input ------------------------------------------------------------------------------


def errors(response, field):
    return " ".join(response.context["form"].errors.get(field, []))


def test_a_range_in_the_past_is_refused_beside_the_first_quarter(
    client, organization, editor, now, base
):
    client.force_login(editor)
    response = preview(client, organization, rate_form(now - 1, now + 1, sales="5"))
    assert response.status_code == 422
    assert f"{label(now - 1)} is past" in errors(response, "first")
    assert f"{label(now - 1)} is past" in response.content.decode()


def test_an_end_before_the_start_is_refused_beside_the_last_quarter(
    client, organization, editor, now, base
):
    client.force_login(editor)
    response = preview(client, organization, rate_form(now + 3, now + 2))
    assert response.status_code == 422
    assert "comes before the first" in errors(response, "last")


def test_more_quarters_than_the_limit_are_refused_and_the_limit_itself_accepted(
    client, organization, editor, now, base
):
    client.force_login(editor)
    most = forecast.MAX_QUARTERS
    response = preview(client, organization, rate_form(now + 1, now + most, sales="1"))
    assert response.status_code == 200
    response = preview(client, organization, rate_form(now + 1, now + most + 1, sales="1"))
    assert response.status_code == 422
    assert f"at most {most} at once" in errors(response, "last")


@pytest.mark.parametrize(("rate", "message"), [("-101", "-100%"), ("100.5", "100%"), ("x", "15")])
def test_a_rate_below_minus_100_or_absurd_is_refused_beside_its_field(
    client, organization, editor, now, base, rate, message
):
    client.force_login(editor)
    response = preview(client, organization, rate_form(now + 1, now + 2, customer_success=rate))
    assert response.status_code == 422
    assert message in errors(response, "customer_success_rate")
    assert errors(response, "sales_rate") == ""


def test_a_rate_that_passes_the_headcount_limit_is_refused(client, organization, editor, now):
    SnapshotFactory(
        organization=organization, quarter=now, sales=600_000, customer_success=0, other=0
    )
    client.force_login(editor)
    response = preview(client, organization, rate_form(now + 1, now + 2, sales="100"))
    assert response.status_code == 422
    assert f"1,200,000 by {label(now + 1)}" in errors(response, "sales_rate")


def test_a_missing_target_is_refused_beside_its_field(client, organization, editor, now, base):
    client.force_login(editor)
    response = preview(client, organization, target_form(now + 1, now + 2, sales="200", other="0"))
    assert response.status_code == 422
    assert f"customer success headcount to reach by {label(now + 2)}" in errors(
        response, "customer_success_target"
    )
    assert errors(response, "sales_target") == ""


def test_no_headcount_before_the_range_is_refused(client, organization, editor, now):
    client.force_login(editor)
    response = preview(client, organization, rate_form(now + 1, now + 2, sales="5"))
    assert response.status_code == 422
    assert "no headcount on or before" in errors(response, "first")


def test_a_start_quarter_inside_the_range_is_refused(client, organization, editor, now, base):
    client.force_login(editor)
    response = preview(client, organization, rate_form(now + 1, now + 2, start=now + 1))
    assert response.status_code == 422
    assert f"before {label(now + 1)}" in errors(response, "start")


# --- apply ----------------------------------------------------------------------------------


def test_apply_saves_the_previewed_quarters_and_records_each(
    client, organization, editor, now, base
):
    client.force_login(editor)
    response = preview(client, organization, rate_form(now + 1, now + 2, sales="15"))
    history = Change.objects.count()
    response = apply(client, organization, response.context["payload"])
    assert response.status_code == 302
    assert response.url == reverse("headcount", args=[organization.slug])
    assert [row[:4] for row in state(organization)] == [
        (now, 100, 20, 10),
        (now + 1, 115, 20, 10),
        (now + 2, 132, 20, 10),
    ]
    assert Change.objects.count() == history + 2
    follow = client.get(response.url)
    assert "Forecast saved: 2 quarters filled." in follow.content.decode()


def test_apply_refuses_everything_if_a_quarter_changed_since_the_preview(
    client, organization, editor, now, base
):
    later = SnapshotFactory(organization=organization, quarter=now + 2, sales=1)
    client.force_login(editor)
    response = preview(client, organization, rate_form(now + 1, now + 2, sales="15"))
    later.sales = 2
    later.version += 1
    later.save()
    before = state(organization)
    response = apply(client, organization, response.context["payload"])
    assert response.status_code == 409
    assert f"someone else changed {label(now + 2)}" in response.content.decode()
    assert state(organization) == before


def test_apply_refuses_a_quarter_that_became_actual_since_the_preview(
    client, organization, editor, now, base
):
    client.force_login(editor)
    response = preview(client, organization, rate_form(now + 1, now + 2, sales="15"))
    before = state(organization)
    with mock.patch("planner.views.headcount_forecast.current_quarter", return_value=now + 2):
        response = apply(client, organization, response.context["payload"])
    assert response.status_code == 422
    assert f"{label(now + 1)} is an actual quarter now" in response.content.decode()
    assert state(organization) == before


def test_apply_refuses_an_import_payload_and_a_tampered_one(
    client, organization, editor, now, base
):
    client.force_login(editor)
    response = preview(client, organization, rate_form(now + 1, now + 1, sales="15"))
    payload = signing.loads(response.context["payload"], salt=PAYLOAD_SALT)
    before = state(organization)
    as_import = signing.dumps(payload, salt=IMPORT_SALT, compress=True)
    for token in (as_import, response.context["payload"][:-2] + "xx"):
        refused = apply(client, organization, token)
        assert refused.status_code == 422
        assert "could not be read" in refused.content.decode()
    assert state(organization) == before


# --- query counts ---------------------------------------------------------------------------


def test_the_form_and_preview_run_a_fixed_number_of_queries(
    client, organization, editor, now, django_assert_max_num_queries
):
    for n in range(40):
        SnapshotFactory(organization=organization, quarter=now - 40 + n, sales=n + 1)
    client.force_login(editor)
    # session, user, membership with its organization, the stored quarters, the switcher
    with django_assert_max_num_queries(5):
        assert client.get(url(organization)).status_code == 200
    data = rate_form(now, now + forecast.MAX_QUARTERS - 1, sales="3")
    # the same, then the stored quarters of the forecast's range
    with django_assert_max_num_queries(6):
        assert preview(client, organization, data).status_code == 200


# --- generated input ------------------------------------------------------------------------

RATES = st.one_of(
    st.decimals(min_value=-200, max_value=200, places=2).map(str),
    st.sampled_from(["", "-100", "100", "1e3", "NaN", "-0", "x", "15.555"]),
)
TARGETS = st.one_of(
    st.integers(min_value=-5, max_value=2_000_000).map(str), st.sampled_from(["", "1.5", "x"])
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    method=st.sampled_from(["rate", "target", "", "x"]),
    first=st.integers(min_value=-10, max_value=30),
    last=st.integers(min_value=-10, max_value=30),
    start=st.one_of(st.just(""), st.integers(min_value=-12, max_value=30)),
    rates=st.tuples(RATES, RATES, RATES),
    targets=st.tuples(TARGETS, TARGETS, TARGETS),
)
def test_generated_forecasts_are_previewed_or_refused_never_a_server_error(
    client, organization, editor, now, base, method, first, last, start, rates, targets
):
    client.force_login(editor)
    data = {
        "method": method,
        "first": now + first,
        "last": now + last,
        "start": "" if start == "" else now + start,
    }
    for function, rate, target in zip(forecast.FUNCTIONS, rates, targets, strict=True):
        data[f"{function}_rate"], data[f"{function}_target"] = rate, target
    before = state(organization)
    response = preview(client, organization, data)
    assert response.status_code in (200, 422)
    if response.status_code == 200:
        written = rows_of(response)
        assert min(written) >= now and len(written) <= forecast.MAX_QUARTERS
    assert state(organization) == before


def test_a_forecast_in_a_scenario_grows_its_quarters_and_leaves_the_plan_alone(
    client, organization, editor, now, base
):
    scenario = ScenarioFactory(organization=organization)
    SnapshotFactory(
        organization=organization,
        scenario=scenario,
        quarter=now,
        sales=200,
        customer_success=20,
        other=10,
    )
    plan_before = state(organization, scenario=None)
    client.force_login(editor)
    in_scenario = f"?scenario={scenario.pk}"
    response = client.post(url(organization) + in_scenario, rate_form(now + 1, now + 1, sales="10"))
    assert rows_of(response) == {now + 1: (220, 20, 10)}  # grown from the scenario's 200
    # The scenario's preview cannot be applied to the plan, nor the plan's to the scenario.
    payload = response.context["payload"]
    refused = apply(client, organization, payload)
    assert refused.status_code == 422
    assert "another organization, scenario or person" in refused.content.decode()
    response = client.post(
        url(organization, "headcount_forecast_apply") + in_scenario, {"preview": payload}
    )
    assert response.status_code == 302
    assert response.url == reverse("headcount", args=[organization.slug]) + in_scenario
    assert [row[:4] for row in state(organization, scenario=scenario)] == [
        (now, 200, 20, 10),
        (now + 1, 220, 20, 10),
    ]
    assert state(organization, scenario=None) == plan_before
    assert Change.objects.get(scenario=scenario, label__contains=label(now + 1))
