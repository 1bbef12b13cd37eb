"""One path from a list's query parameters to its filters, for every list: its page, its export and its API.

A list declares its filters once, as a frozen dataclass deriving from `Filters` whose fields say how their parameter
is read (`param(Choice(...))`); its selector takes that dataclass. `Filters.from_params` reads any mapping of strings
(a QueryDict, the API's query), judges each value through core.values and raises one DomainError naming every bad
parameter in both languages — the API answers it with 422, a page with 400 and its form, an export with a 400 text.
Whatever a client sends, the answer is that or the list: never a server error.

Rules every list shares:
- an empty parameter is absent; a parameter the list does not declare is ignored (the page number, a tracker's tag);
- a value with a control or invisible character (NUL first: PostgreSQL cannot even store it), or longer than
  MAX_LENGTH, is refused before it is read;
- numbers, ids and dates are ASCII digits ("²" and "٣" are digits to Python, no key or year to antoan); dates lie in
  the one year range (core.values.YEAR_MIN – YEAR_MAX); a range's start is not after its end;
- a code must be one of the list's codes, and the message says which they are.

The reading of a parameter that needs more than core (a unit the user may see: units.selectors.VisibleUnit) derives
from `Param` in its app.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from typing import ClassVar, Self

from django.http import HttpResponse
from ninja import Field, Schema
from pydantic import create_model

from antoan.core.errors import DomainError, Message
from antoan.core.values import (
    FALSE_WORDS,
    TRUE_WORDS,
    YEAR_MAX,
    YEAR_MIN,
    has_control,
    shown,
    to_bool,
    to_date,
    to_id,
    to_text,
    to_year,
    year_check,
)

MAX_LENGTH = 1000  # no parameter of any list is longer (a search is at most MAX_SEARCH)
MAX_SEARCH = 200


class Param:
    """How one parameter's text becomes a filter's value. `read` gets the text as sent (no control character, not
    longer than MAX_LENGTH, surrounding blanks removed, never empty) and raises DomainError under `field`."""

    doc = ""  # for the API's document

    def read(self, text: str, *, field: str, user) -> object:
        raise NotImplementedError


class Text(Param):
    """Words to search for: NFC, blanks collapsed, at most `max_length` characters."""

    def __init__(self, max_length: int = MAX_SEARCH):
        self.max_length = max_length
        self.doc = f"words to search for (at most {max_length} characters)"

    def read(self, text, *, field, user):
        return to_text(text, field=field, max_length=self.max_length)


class Choice(Param):
    """One of a list's codes; `codes` may be a function, for lists kept as data (rating grades, severity classes)."""

    def __init__(self, codes: Iterable[str] | Callable[[], Iterable[str]]):
        self._codes = codes

    @property
    def codes(self) -> list[str]:
        return [str(code) for code in (self._codes() if callable(self._codes) else self._codes)]

    @property
    def doc(self) -> str:
        return "one of: " + ", ".join(self.codes)

    def read(self, text, *, field, user):
        codes = self.codes
        if text not in codes:
            listed = ", ".join(codes)
            raise DomainError.single(
                field,
                f"Giá trị '{shown(text)}' không hợp lệ; chọn một trong: {listed}",
                f"Unknown value '{shown(text)}'; use one of: {listed}",
            )
        return text


class Flag(Param):
    """Yes or no: 1/0, true/false, có/không, and "on" (what a checkbox sends)."""

    doc = "yes or no (" + ", ".join(sorted(TRUE_WORDS | {"on"})) + " / " + ", ".join(sorted(FALSE_WORDS)) + ")"

    def read(self, text, *, field, user):
        return True if text.casefold() == "on" else to_bool(text, field=field)


class Day(Param):
    """A date (YYYY-MM-DD or dd/mm/yyyy) within the one year range."""

    doc = f"a date, YYYY-MM-DD or dd/mm/yyyy, years {YEAR_MIN}–{YEAR_MAX}"

    def read(self, text, *, field, user):
        day = to_date(text, field=field)
        year_check(day.year, field=field)
        return day


class Year(Param):
    doc = f"a year, {YEAR_MIN}–{YEAR_MAX}"

    def read(self, text, *, field, user):
        return to_year(text, field=field)


class Id(Param):
    doc = "the id of a record (a positive whole number)"

    def read(self, text, *, field, user):
        return to_id(text, field=field)


def param(reading: Param, *, default=None):
    """A filter's field, read from the query parameter of its name by `reading`."""
    return field(default=default, metadata={"param": reading})


def _refused(name: str, text: str) -> Message | None:
    """What every list refuses before reading a value."""
    if has_control(text):
        return Message(
            f"Có ký tự điều khiển hoặc ký tự ẩn (như NUL) trong '{shown(text)}'",
            f"'{shown(text)}' holds a control or invisible character (such as NUL)",
        )
    if len(text) > MAX_LENGTH:
        return Message(
            f"Dài {len(text):,} ký tự, quá giới hạn {MAX_LENGTH:,} ký tự".replace(",", "."),
            f"{len(text):,} characters long, more than the {MAX_LENGTH:,} allowed",
        )
    return None


@dataclass(frozen=True)
class Filters:
    """Base of a list's filters. A subclass is a frozen dataclass whose `param(...)` fields are its parameters; its
    defaults mean "not narrowed". RANGES pairs the fields that bound a range (start, end)."""

    RANGES: ClassVar[tuple[tuple[str, str], ...]] = (("date_from", "date_to"),)

    @classmethod
    def params(cls) -> dict[str, Param]:
        """The parameters the list reads, by name, in the order of the fields."""
        return {f.name: f.metadata["param"] for f in fields(cls) if "param" in f.metadata}

    @classmethod
    def from_params(cls, params: Mapping, *, user=None) -> Self:
        """The filters from query parameters (strings); every bad one named in one DomainError."""
        errors: dict[str, Message] = {}
        values: dict = {}
        for name, reading in cls.params().items():
            raw = params.get(name)
            text = "" if raw is None else str(raw).strip()
            if not text:
                continue
            refused = _refused(name, text)
            if refused is not None:
                errors[name] = refused
                continue
            try:
                values[name] = reading.read(text, field=name, user=user)
            except DomainError as exc:
                errors.update(exc.errors)
        for start, end in cls.RANGES:
            if values.get(start) is not None and values.get(end) is not None and values[start] > values[end]:
                errors[end] = Message(
                    f"Ngày kết thúc ({end}) trước ngày bắt đầu ({start})",
                    f"The end ({end}) is before the start ({start})",
                )
        if errors:
            raise DomainError(errors)
        return cls(**values)

    def as_params(self) -> dict[str, str]:
        """Back to query parameters, as the list's links carry them (pages, exports): only what narrows it."""
        params = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if "param" not in f.metadata or value == (None if f.default is MISSING else f.default):
                continue
            if hasattr(value, "pk"):
                value = value.pk
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, bool):
                value = "1" if value else "0"
            params[f.name] = str(value)
        return params


def query_schema(filters: type[Filters], name: str, *, only: Iterable[str] | None = None):
    """The API's query schema of a list: its parameters as strings (judged by `from_params`, bilingually, rather than
    by the schema), each described in the API's document."""
    chosen = filters.params() if only is None else {key: filters.params()[key] for key in only}
    definitions = {key: (str | None, Field(None, description=reading.doc)) for key, reading in chosen.items()}
    return create_model(name, __base__=Schema, **definitions)


def refused(exc: DomainError) -> HttpResponse:
    """An export's answer to bad filters (a page shows them above its form, with the same status): 400, one line per
    parameter, in both languages."""
    lines = [f"{name}: {message.vi} / {message.en}" for name, message in exc.errors.items()]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def status_of(error: DomainError | None) -> int:
    """A list page's status: 400 when its filters were refused (it shows them, and no rows)."""
    return 200 if error is None else 400
