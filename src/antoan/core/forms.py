from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from antoan.core.errors import DomainError, Message

_NOT_RECEIVED = Message(
    "Không nhận được tệp: hãy chọn lại tệp rồi gửi lại", "No file was received: choose the file again and send it"
)
# Django's own messages for an upload have no Vietnamese and English side by side: an import file's field uses these.
UPLOAD_ERRORS = {
    "required": str(Message("Chưa chọn tệp", "No file was chosen")),
    "empty": str(Message("Tệp rỗng", "The file is empty")),
    "invalid": str(_NOT_RECEIVED),
    "missing": str(_NOT_RECEIVED),
}


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
