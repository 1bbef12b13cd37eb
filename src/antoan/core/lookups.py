"""`field__any=Ids(ids)`: a key among many ids, as ONE parameter.

Django prepares an `__in` list value by value and psycopg binds it placeholder by placeholder: for the ~600
units a province's figures are narrowed to, that cost more than running the query (docs/benchmarks.md). On
PostgreSQL this lookup is `field = ANY(%s::integer[])` with the ids as one array literal, written once per
`Ids` (psycopg would dump a Python list element by element for every statement, and Django resolve each
element of a list as a possible expression); elsewhere a plain `IN (…)`.
"""

from django.db import models
from django.db.models import Lookup


class Ids:
    """Record ids given to `__any`; not iterable, so that Django does not walk them value by value."""

    __slots__ = ("values", "_literal")

    def __init__(self, values):
        self.values = tuple(int(value) for value in values)
        self._literal = None

    def __len__(self):
        return len(self.values)

    @property
    def literal(self) -> str:
        """The PostgreSQL array literal, e.g. '{1,2,3}'."""
        if self._literal is None:
            self._literal = "{" + ",".join(map(str, self.values)) + "}"
        return self._literal


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        return self.rhs if isinstance(self.rhs, Ids) else Ids(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::{self.lhs.output_field.db_type(connection)}[])", [*params, self.rhs.literal]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs.values]


def register() -> None:
    for field in (models.ForeignKey, models.BigAutoField, models.AutoField):
        field.register_lookup(AnyOf)
