"""One error type for every write path: services raise it, each caller renders it its own way.

A message is always bilingual (Vietnamese first, then English) because officials read Vietnamese and
the operators who maintain the system may not.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    vi: str
    en: str

    def __str__(self) -> str:
        return f"{self.vi} / {self.en}"

    def as_dict(self) -> dict[str, str]:
        return {"vi": self.vi, "en": self.en}


class DomainError(Exception):
    """Input the domain refuses. `errors` maps a field name (or "__all__") to a Message."""

    def __init__(self, errors: dict[str, Message]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()))

    @classmethod
    def single(cls, field: str, vi: str, en: str) -> "DomainError":
        return cls({field: Message(vi, en)})

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {field: msg.as_dict() for field, msg in self.errors.items()}


class NotFound(DomainError):
    """The thing does not exist, or exists outside the user's scope: the two are never told apart."""


class Forbidden(DomainError):
    """The user may see the thing but not do this to it."""
