"""Notifications of attraction: a stale lead for its owner, a reported trip for whoever
approves it, the decision for the traveller."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from keyprojects.core.access import Role
from keyprojects.core.notifications import notify, register_kind

LEAD_STALE = register_kind(
    "attraction.lead_stale",
    label=_("Stale lead"),
    text=_("The lead “%(lead)s” has had no activity since %(since)s (%(days)s working days): record its next step."),
)
TRIP_REPORTED = register_kind(
    "attraction.trip_reported",
    label=_("Trip reported for approval"),
    text=_("%(actor)s reported a trip to %(destination)s from %(start)s: please approve it."),
)
TRIP_DECIDED = register_kind(
    "attraction.trip_decided",
    label=_("Trip decided"),
    text=_("Your trip to %(destination)s from %(start)s was %(decision)s by %(actor)s."),
)


def approvers(trip):
    """The city administrators for a county's secretary or head, else the county's staff."""
    from .choices import TOP_POSTS

    users = get_user_model().objects.filter(memberships__active=True, is_active=True)
    if trip.cadre.post in TOP_POSTS:
        return users.filter(memberships__role=Role.CITY_ADMIN).distinct()
    return users.filter(memberships__role=Role.REGION_STAFF, memberships__region=trip.region).distinct()


def trip_reported(trip, by):
    params = {"destination": trip.destination, "start": trip.start_on.isoformat()}
    return notify(approvers(trip), TRIP_REPORTED, target=trip, actor=by, params=params)


def trip_decided(trip, by):
    params = {
        "destination": trip.destination,
        "start": trip.start_on.isoformat(),
        "decision": str(trip.get_status_display()),
    }
    return notify([trip.cadre.user], TRIP_DECIDED, target=trip, actor=by, params=params)
