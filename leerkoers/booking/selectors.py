"""Reads of the bookings that pages and the API show alike."""

from leerkoers.booking.models import Booking
from leerkoers.orgs.access import LEADERSHIP


def org_sessions(access):
    """The sessions booked from inside the organisation, newest first, with their advisor:
    all of them for the leadership, otherwise the ones the caller booked themselves."""
    sessions = access.filter(Booking).select_related("advisor").order_by("-start")
    if access.role not in LEADERSHIP:
        sessions = sessions.filter(booked_by=access.user)
    return sessions
