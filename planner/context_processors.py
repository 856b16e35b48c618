from planner.models import Membership


def navigation(request) -> dict:
    """The user's organizations for the switcher; a lazy queryset, run only if shown."""
    if not request.user.is_authenticated:
        return {}
    return {"nav_memberships": Membership.objects.of_user(request.user)}
