from django.contrib import admin

from antoan.core.admin import ReadOnlyHistoryAdmin
from antoan.movement.record_types import ALL

for record_type in ALL:
    admin.site.register(
        record_type.model,
        type(
            f"{record_type.model.__name__}Admin",
            (ReadOnlyHistoryAdmin,),
            {
                "list_display": ("__str__", *(c for c in record_type.list_columns if c != "name")),
                "raw_id_fields": ("unit",),
            },
        ),
    )
