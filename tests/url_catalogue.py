"""Every URL of the project, from the resolver, and how to make the object each acts on.

Shared by the isolation and generated-input tests so that both cover each new URL.
"""

from django.urls import URLPattern, URLResolver, get_resolver

from planner import services
from planner.models import Invitation, Membership
from planner.urls import org
from tests.factories import (
    MembershipFactory,
    PlannedHireFactory,
    ScenarioFactory,
    SegmentFactory,
    SnapshotFactory,
    TeamMemberFactory,
)


def _patterns(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        else:
            assert isinstance(entry, URLPattern)
            yield prefix + str(entry.pattern), entry


ALL_URLS = list(_patterns(get_resolver()))
ORG_URLS = sorted(
    (entry.name, route) for route, entry in ALL_URLS if route.startswith(org) and entry.name
)
# The access each organization view declares with ``organization_view`` (method -> level).
ACCESS = {
    entry.name: getattr(entry.callback, "access", None)
    for route, entry in ALL_URLS
    if route.startswith(org)
}

# Outside any organization: public pages, the user's own account and organization list,
# an invitation link (the signed token is the credential) and the staff-only admin.
NOT_ORGANIZATION_SCOPED = {
    "login",
    "logout",
    "signup",
    "account",
    "email_confirmation_send",
    "email_confirm",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "home",
    "organization_create",
    "invitation_accept",
    "rules",
    "rules_source",
    # The language switcher: the user's own preference, or a cookie for a visitor.
    "language_set",
    # A share link's token is the credential, like an invitation's: it shows one
    # organization's summary read-only to whoever holds it, and nothing else. Its own
    # isolation tests are in tests/test_isolation.py.
    "shared_summary",
}


def _invitation(organization):
    return Invitation.objects.create(
        organization=organization, email="invitee@example.com", role=Membership.Role.EDITOR
    )


def _share_link(organization):
    link, _token = services.share_link_create(organization=organization, actor=None, days=30)
    return link


def _other_member(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.VIEWER)


# How to make, inside a given organization, the object an object-level URL acts on.
OBJECT_FOR = {
    "segment_update": lambda o: SegmentFactory(organization=o),
    "segment_delete": lambda o: SegmentFactory(organization=o),
    "snapshot_update": lambda o: SnapshotFactory(organization=o),
    "snapshot_delete": lambda o: SnapshotFactory(organization=o),
    "team_member_update": lambda o: TeamMemberFactory(organization=o),
    "team_member_delete": lambda o: TeamMemberFactory(organization=o),
    "hire_update": lambda o: PlannedHireFactory(organization=o),
    "hire_delete": lambda o: PlannedHireFactory(organization=o),
    "hire_mark_hired": lambda o: PlannedHireFactory(organization=o),
    "member_update": _other_member,
    "member_remove": _other_member,
    "invitation_revoke": _invitation,
    "share_link_revoke": _share_link,
    "scenario_update": lambda o: ScenarioFactory(organization=o),
    "scenario_duplicate": lambda o: ScenarioFactory(organization=o),
    "scenario_delete": lambda o: ScenarioFactory(organization=o),
    "scenario_promote": lambda o: ScenarioFactory(organization=o),
}


def make_target(name, organization):
    make = OBJECT_FOR.get(name)
    return make(organization) if make else None
