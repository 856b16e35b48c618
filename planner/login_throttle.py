"""The login throttle around django-axes: which address a request comes from, and whose
failures a successful login clears.

Axes records every failed login as a row keyed by (username, address). It refuses a login
once the failures for that username, or from that address, reach AXES_FAILURE_LIMIT within
AXES_COOLOFF_TIME (``AXES_LOCKOUT_PARAMETERS``). A successful login clears only the failures
recorded against its own username: clearing by address too would let an attacker reset the
count for a victim's username by logging in to their own account from the same address.
"""

import ipaddress
import logging

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

log = logging.getLogger("planner.security")


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address, counting ``TRUSTED_PROXY_COUNT`` proxies in front of the app.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with
    N trusted proxies the client is the N-th entry from the right; anything to the left of it
    was written by the client and proves nothing. With no proxies the header is ignored.
    A header with fewer entries than expected did not pass through every proxy, so the
    address of the peer that connected (REMOTE_ADDR) is used instead.
    """
    remote = _ip(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        log.warning(
            "X-Forwarded-For has %d entries but %d trusted proxies are configured; "
            "using the connecting address",
            len(forwarded),
            count,
        )
        return remote
    return _ip(forwarded[-count]) or remote


def login_failures_clear(*, username: str) -> int:
    """Forgets the failed logins recorded against ``username``, and no one else's."""
    deleted, _ = AccessAttempt.objects.filter(username=username).delete()
    return deleted


@receiver(user_logged_in, dispatch_uid="planner.login_throttle.clear_own_failures")
def _clear_own_failures(sender, request, user, **kwargs) -> None:
    login_failures_clear(username=user.get_username())
