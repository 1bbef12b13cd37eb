"""core.filters: the one path from query parameters to a list's filters, and the values it reads through."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.http import QueryDict

from antoan.core.errors import DomainError
from antoan.core.filters import Choice, Day, Filters, Flag, Id, Text, Year, param, query_schema, refused
from antoan.core.values import MAX_ID, as_id, to_date, to_datetime, to_float, to_id, to_int


@dataclass(frozen=True)
class Sample(Filters):
    kind: str = param(Choice(["crime", "traffic"]), default="")
    record: int | None = param(Id())
    year: int | None = param(Year())
    date_from: date | None = param(Day())
    date_to: date | None = param(Day())
    solved: bool | None = param(Flag())
    mine: bool = param(Flag(), default=False)
    q: str = param(Text(), default="")


def errors_of(params) -> dict:
    with pytest.raises(DomainError) as caught:
        Sample.from_params(params)
    return {name: (message.vi, message.en) for name, message in caught.value.errors.items()}


def test_values_are_read_from_a_querydict_and_written_back():
    query = "kind=crime&record=12&year=2026&date_from=01/02/2026&date_to=2026-02-28&solved=0&mine=on&q=+tr%E1%BB%99m+"
    filters = Sample.from_params(QueryDict(query))
    assert filters == Sample("crime", 12, 2026, date(2026, 2, 1), date(2026, 2, 28), False, True, "trộm")
    assert filters.as_params() == {
        "kind": "crime", "record": "12", "year": "2026", "date_from": "2026-02-01", "date_to": "2026-02-28",
        "solved": "0", "mine": "1", "q": "trộm",
    }  # fmt: skip
    assert Sample.from_params(filters.as_params()) == filters


def test_empty_and_undeclared_parameters_are_absent():
    assert Sample.from_params({"kind": " ", "page": "²", "utm_source": "\x00"}) == Sample()
    assert Sample().as_params() == {}


@pytest.mark.parametrize(
    ("params", "field", "en"),
    [
        ({"record": "²"}, "record", "Invalid id"),  # "²".isdigit() is True; int("²") raises
        ({"record": "٣"}, "record", "Invalid id"),  # int("٣") is 3
        ({"record": "１２"}, "record", "Invalid id"),
        ({"record": str(10**30)}, "record", "Invalid id"),
        ({"record": str(MAX_ID + 1)}, "record", "Invalid id"),
        ({"record": "-5"}, "record", "Invalid id"),
        ({"record": "0"}, "record", "Invalid id"),
        ({"year": "٢٠٢٦"}, "year", "non-negative whole number"),
        ({"year": "1" * 5000}, "year", "more than the 1,000 allowed"),
        ({"year": "1" * 999}, "year", "Number too large"),  # int() refuses beyond 4,300 digits
        ({"year": "1900"}, "year", "from 1975 to 2100"),
        ({"date_from": "2026-02-30"}, "date_from", "Invalid date"),
        ({"date_from": "٢٠٢٦-٠١-٠١"}, "date_from", "Invalid date"),  # strptime reads these digits
        ({"date_to": "9999-12-31"}, "date_to", "from 1975 to 2100"),
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_to", "before the start (date_from)"),
        ({"kind": "weather"}, "kind", "use one of: crime, traffic"),
        ({"solved": "maybe"}, "solved", "is not yes or no"),
        ({"q": "a\x00b"}, "q", "control or invisible character"),
        ({"kind": "crime\u202e"}, "kind", "control or invisible character"),
        ({"q": "x" * 201}, "q", "more than the 200 allowed"),
    ],
)
def test_every_bad_value_is_named_in_both_languages(params, field, en):
    errors = errors_of(params)
    assert list(errors) == [field]
    vi_text, en_text = errors[field]
    assert vi_text and en in en_text


def test_all_bad_parameters_are_named_at_once():
    assert set(errors_of({"kind": "x", "record": "y", "date_from": "z"})) == {"kind", "record", "date_from"}


def test_an_export_refusal_is_a_400_text_line_per_parameter():
    with pytest.raises(DomainError) as caught:
        Sample.from_params({"kind": "x", "record": "y"})
    response = refused(caught.value)
    lines = response.content.decode().splitlines()
    assert response.status_code == 400 and [line.split(":")[0] for line in lines] == ["kind", "record"]
    assert all(" / " in line for line in lines)


def test_the_api_schema_lists_the_parameters_as_strings_with_what_they_take():
    schema = query_schema(Sample, "SampleQuery").model_json_schema()
    assert list(schema["properties"]) == ["kind", "record", "year", "date_from", "date_to", "solved", "mine", "q"]
    assert "crime, traffic" in schema["properties"]["kind"]["description"]
    assert list(query_schema(Sample, "Few", only=("q",)).model_json_schema()["properties"]) == ["q"]


def test_keys_and_numbers_are_ascii_digits_everywhere():
    assert as_id("12") == 12 and as_id(12) == 12 and as_id(" 7 ") == 7
    assert [as_id(v) for v in ("²", "٣", "-1", "0", "1.5", "", None, True, 2**63, str(2**63), "0" * 30)] == [None] * 11
    assert to_id("", field="x") is None
    with pytest.raises(DomainError):
        to_int("٣", field="x")
    with pytest.raises(DomainError):
        to_float("٣", field="x", low=0, high=10)
    with pytest.raises(DomainError):
        to_date("٠١/٠٢/٢٠٢٦", field="x")
    with pytest.raises(DomainError):
        to_datetime("٢٠٢٦-٠١-٠١ ٠٨:٠٠", field="x")
    assert to_int("1.500.000", field="x") == 1_500_000 and to_date("01/02/2026", field="x") == date(2026, 2, 1)
