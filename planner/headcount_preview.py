"""A preview of headcount for many quarters and the signed payload its apply step saves.

Shared by the import from a file (``views/headcount_import.py``) and the growth forecast
(``views/headcount_forecast.py``): both show the quarters they would add and change against
the stored ones, and apply exactly that through ``services.snapshots_import``, or nothing.

Nothing is stored between the steps. The preview page carries each quarter's numbers and
the version of the stored quarter it was compared with in one hidden field signed with the
site's secret key (``django.core.signing``), for this organization, this plan or scenario
and this person, for an hour. Each kind of preview signs with its own salt, so one cannot
be applied as the other.
"""

import datetime
from enum import StrEnum

from django.core import signing

from planner import imports, rules
from planner.models import Membership

PAYLOAD_MAX_AGE = datetime.timedelta(hours=1)


class Unreadable(StrEnum):
    """Why a payload cannot be trusted; each page words it for its own next step."""

    EXPIRED = "expired"
    TAMPERED = "tampered"
    ELSEWHERE = "elsewhere"


class UnreadablePreview(Exception):
    def __init__(self, why: Unreadable):
        super().__init__(why.value)
        self.why = why


def preview_context(
    membership: Membership, headcounts: dict[int, rules.Headcount], *, salt: str
) -> dict:
    """The quarters against the stored ones, read in one query, and the signed payload."""
    stored = {
        snapshot.quarter: snapshot
        for snapshot in membership.organization.snapshots.filter(
            scenario=membership.scenario, quarter__in=list(headcounts)
        )
    }
    preview = imports.compare(
        headcounts, {quarter: snapshot.as_headcount() for quarter, snapshot in stored.items()}
    )
    versions = {q: stored[q].version if q in stored else None for q in headcounts}
    return {"preview": preview, "payload": sign(membership, headcounts, versions, salt=salt)}


def sign(
    membership: Membership,
    headcounts: dict[int, rules.Headcount],
    versions: dict[int, int | None],
    *,
    salt: str,
) -> str:
    rows = [
        [quarter, headcount.sales, headcount.customer_success, headcount.other, versions[quarter]]
        for quarter, headcount in sorted(headcounts.items())
    ]
    payload = {
        "organization": membership.organization_id,
        "user": membership.user_id,
        # The plan or scenario previewed: applying it anywhere else is refused.
        "scenario": membership.scenario.pk if membership.scenario else None,
        "rows": rows,
    }
    return signing.dumps(payload, salt=salt, compress=True)


def unsign(
    token: str, membership: Membership, *, salt: str
) -> tuple[dict[int, rules.Headcount], dict[int, int | None]]:
    try:
        payload = signing.loads(token, salt=salt, max_age=PAYLOAD_MAX_AGE)
    except signing.SignatureExpired:
        raise UnreadablePreview(Unreadable.EXPIRED) from None
    except signing.BadSignature:
        raise UnreadablePreview(Unreadable.TAMPERED) from None
    if (payload["organization"], payload["user"], payload.get("scenario")) != (
        membership.organization_id,
        membership.user_id,
        membership.scenario.pk if membership.scenario else None,
    ):
        raise UnreadablePreview(Unreadable.ELSEWHERE)
    headcounts, versions = {}, {}
    for quarter, sales, customer_success, other, version in payload["rows"]:
        headcounts[quarter] = rules.Headcount(sales, customer_success, other)
        versions[quarter] = version
    return headcounts, versions
