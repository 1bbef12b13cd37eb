"""`field__any=[ids]`: a key among many ids, as ONE parameter.

Django prepares an `__in` list value by value and psycopg binds it placeholder by placeholder: for the ~600
units a province's figures are narrowed to, that cost more than running the query (docs/benchmarks.md). On
PostgreSQL this lookup is `field = ANY(%s)` with the list as one array; elsewhere a plain `IN (…)`.
"""

from django.db import models
from django.db.models import Lookup


class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, self.rhs]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]


def register() -> None:
    for field in (models.ForeignKey, models.BigAutoField, models.AutoField):
        field.register_lookup(AnyOf)
