"""Workflows on accounts."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from leerkoers.accounts.models import User


def user_register(*, email: str, full_name: str, password: str) -> User:
    """Create the account of an invited person (who then accepts the invitation with it).

    Refused (ValidationError) when the address has an account already, also one created
    by a request that overtook this one.
    """
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, full_name=full_name)
    except IntegrityError:
        raise ValidationError(_("An account with this e-mail address already exists: sign in instead.")) from None
