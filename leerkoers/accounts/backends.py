from django.contrib.auth.backends import ModelBackend

from leerkoers.accounts import throttling
from leerkoers.accounts.models import User


class EmailLockoutBackend(ModelBackend):
    """Log in by e-mail (case-insensitive), throttled per client address and account pair
    and per client address (leerkoers/accounts/throttling.py).

    A throttled attempt is refused without checking the password, even the right one, so that
    guessing cannot go on; `request.login_retry_after` then says for how long. Unknown
    addresses are counted and answered exactly like accounts.
    """

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip().lower()
        if not email or password is None:
            return None
        if request is not None:
            wait = throttling.login_wait(request, email)
            if wait is not None:
                request.login_retry_after = wait
                return None
        user = User.objects.filter(email=email).first()
        if user is None:
            # Spend the same time as a real check so that timing does not reveal accounts.
            User().set_password(password)
        elif user.check_password(password) and self.user_can_authenticate(user):
            if request is not None:
                throttling.login_succeeded(request, email)
            return user
        if request is not None:
            throttling.login_failed(request, email)
        return None
