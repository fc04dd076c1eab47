"""Helpers shared by the apps' HTML forms."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where the form has that field,
    otherwise as an error of the whole form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def show_refusal(request, exc: ValidationError, form=None) -> None:
    """Show a service's refusal where the user looks: on `form` when the page shows one
    again (see add_service_errors), otherwise as one error message above the next page."""
    if form is not None:
        add_service_errors(form, exc)
    else:
        messages.error(request, " ".join(exc.messages))


def call_service(request, service, /, *, errors_on=None, **kwargs) -> bool:
    """Call `service(**kwargs)` for a view: True when it went through; False when it refused
    (ValidationError), with the refusal shown by show_refusal — on the form `errors_on`
    when the page shows one again. A view that needs the service's result calls it itself."""
    try:
        service(**kwargs)
    except ValidationError as exc:
        show_refusal(request, exc, errors_on)
        return False
    return True
