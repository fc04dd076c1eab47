from django.contrib.auth.backends import ModelBackend

from leerkoers.accounts.models import User


class EmailLockoutBackend(ModelBackend):
    """Log in by e-mail (case-insensitive); refuse locked accounts, count failures.

    A locked account is refused even with the right password, so that guessing cannot
    go on during the lockout. The login view tells the user the account is locked.
    """

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = (email or username or "").strip().lower()
        if not email or password is None:
            return None
        user = User.objects.filter(email=email).first()
        if user is None:
            # Spend the same time as a real check so that timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.is_locked():
            if request is not None:
                request.login_locked = True
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            user.register_successful_login()
            return user
        user.register_failed_login()
        if user.is_locked() and request is not None:
            request.login_locked = True
        return None
