"""Request helpers for the Team & hires page, shared by the tests of its two view modules."""

from django.urls import reverse

from planner import rules

HTMX = {"HX-Request": "true"}


def page_url(organization):
    return reverse("team", args=[organization.slug])


def url(name, obj=None, organization=None):
    organization = organization or obj.organization
    return reverse(name, args=[organization.slug, *([obj.pk] if obj is not None else [])])


def member_data(member, **changes):
    data = {
        "name": member.name,
        "role": member.role,
        "start_quarter": member.start_quarter,
        "end_quarter": member.end_quarter or "",
        "version": member.version,
    }
    data.update(changes)
    return data


def new_member(now, **changes):
    data = {"name": "Grace", "role": rules.PROGRAM_MANAGER, "start_quarter": now, "end_quarter": ""}
    data.update(changes)
    return data


def hire_data(hire, **changes):
    data = {
        "role": hire.role,
        "target_quarter": hire.target_quarter,
        "status": hire.status,
        "annual_cost": "" if hire.annual_cost is None else str(hire.annual_cost),
        "notes": hire.notes,
        "version": hire.version,
    }
    data.update(changes)
    return data


def new_hire(now, **changes):
    data = {
        "role": rules.CS_ENABLEMENT,
        "target_quarter": now + 2,
        "status": rules.APPROVED,
        "annual_cost": "88000.50",
        "notes": "",
    }
    data.update(changes)
    return data


def assert_login_redirect(response):
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def stored(model, pk):
    return model.objects.get(pk=pk)


def version_of(row):
    return {"version": row.version}
