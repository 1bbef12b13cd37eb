from antoan.core.errors import DomainError


def add_domain_errors(form, error: DomainError) -> None:
    """Show a service's bilingual errors on the form fields they name (or on the form as a whole)."""
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, str(message))
