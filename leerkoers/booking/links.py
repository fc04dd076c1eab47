"""The private links of a booking (paths; prefix SITE_URL for e-mails)."""

from django.urls import reverse

from leerkoers.booking.models import Booking


def manage_path(booking: Booking) -> str:
    return reverse("booking_public:manage", kwargs={"token": booking.manage_token()})


def ics_path(booking: Booking) -> str:
    return reverse("booking_public:ics", kwargs={"token": booking.manage_token()})


def verify_path(booking: Booking) -> str:
    return reverse("booking_public:verify", kwargs={"token": booking.verify_token()})
