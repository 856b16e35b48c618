from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.db.models import F

from planner import rules
from planner.models import (
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    RoleCost,
    Scenario,
    Segment,
    TeamMember,
    VerifiedEmail,
)
from planner.quarters import Quarter

FY2027_Q1 = Quarter(2027, 1).ordinal


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """``UserFactory(verified=True)``: the account has confirmed its e-mail address."""
        if create and extracted:
            VerifiedEmail.objects.create(user=obj, email=obj.email.lower())


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.OWNER


class OrganizationRowFactory(factory.django.DjangoModelFactory):
    """A row of an organization, written as the app writes one: the app records every
    write and moves the organization's revisions with it (``services._touch``), which kept
    pages and people are keyed by, so a row made here moves them too."""

    class Meta:
        abstract = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            Organization.objects.filter(pk=instance.organization_id).update(
                revision=F("revision") + 1, people_revision=F("people_revision") + 1
            )


class SegmentFactory(OrganizationRowFactory):
    class Meta:
        model = Segment

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Segment {n}")


class SnapshotFactory(OrganizationRowFactory):
    class Meta:
        model = HeadcountSnapshot

    organization = factory.SubFactory(OrganizationFactory)
    # Wraps so that a long test session stays inside the supported fiscal years.
    quarter = factory.Sequence(lambda n: FY2027_Q1 + n % 200)
    sales = 30
    customer_success = 10
    other = 5


class TeamMemberFactory(OrganizationRowFactory):
    class Meta:
        model = TeamMember

    organization = factory.SubFactory(OrganizationFactory)
    role = rules.ENABLEMENT_LEADER
    name = factory.Sequence(lambda n: f"Person {n}")
    start_quarter = FY2027_Q1


class PlannedHireFactory(OrganizationRowFactory):
    class Meta:
        model = PlannedHire

    organization = factory.SubFactory(OrganizationFactory)
    role = rules.SALES_ENABLEMENT
    target_quarter = FY2027_Q1
    status = rules.PLANNED


class RoleCostFactory(OrganizationRowFactory):
    class Meta:
        model = RoleCost

    organization = factory.SubFactory(OrganizationFactory)
    role = rules.ENABLEMENT_LEADER
    annual_cost = Decimal("100000.00")
    manager_annual_cost = None


class ScenarioFactory(OrganizationRowFactory):
    """A scenario with no rows of its own; ``services.scenario_create`` copies the plan's."""

    class Meta:
        model = Scenario

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Scenario {n}")


def ten_scenarios(organization) -> list[Scenario]:
    """Ten scenarios, each a copy of the plan's forecast and open hires: the rows a page of
    the plan must neither show nor count, nor read one query more for."""
    from planner import services

    return [
        services.scenario_create(organization=organization, actor=None, name=f"What if {n}")
        for n in range(10)
    ]
