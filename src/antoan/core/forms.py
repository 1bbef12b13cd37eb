from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from antoan.core.errors import DomainError


def add_domain_errors(form, error: DomainError) -> None:
    """Show a service's bilingual errors on the form fields they name (or on the form as a whole)."""
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, str(message))


class TextField(forms.CharField):
    """What was typed, passed on to the service, which judges it with a bilingual message (and drops control
    characters, NUL included). Django's own NUL check is left out: its message has no Vietnamese."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]
