"""The other side of the cross-vendor backup test, run in a subprocess against another DATABASE_URL:

    python -m antoan.site.tests.backup_peer dump OUT.json   every row of every table, every file's sha256, and
                                                            the transaction a backup's snapshot() reads in
    python -m antoan.site.tests.backup_peer new-incident    creates an incident through the service

Also imported by the test for `canonical_rows` and `file_digests`, so both sides are described the same way.
The description does not use antoan.core.backup's encoding: a lossy encoding would not hide behind itself.
"""

import base64
import hashlib
import json
import os
import sys
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from antoan.core import clock


def canonical(value):
    """A value as plain JSON, the same whichever vendor it was read from."""
    if isinstance(value, datetime):
        return "dt:" + (value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat())
    if isinstance(value, date | time):
        return "d:" + value.isoformat()
    if isinstance(value, Decimal):
        return "dec:" + str(value)
    if isinstance(value, bytes | memoryview):
        return "b:" + base64.b64encode(bytes(value)).decode()
    if isinstance(value, UUID):
        return "u:" + str(value)
    if isinstance(value, timedelta):
        return f"td:{value // timedelta(microseconds=1)}"
    return value


def all_models():
    from django.apps import apps

    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def table_rows(model) -> list[tuple]:
    names = [f.attname for f in model._meta.concrete_fields]
    return list(model._base_manager.order_by("pk").values_list(*names))


def database_rows() -> dict[str, list[tuple]]:
    """{model: [row, …]} for every model with a table, rows by key, every column."""
    return {m._meta.label_lower: table_rows(m) for m in all_models()}


def canonical_rows(rows: dict[str, list[tuple]]) -> dict[str, list[list]]:
    return {model: [[canonical(v) for v in row] for row in table] for model, table in rows.items()}


def folder_files(folder: Path) -> dict[str, bytes]:
    found = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def data_folders() -> dict[str, Path]:
    """The folders as the test set them (its settings, or the peer's environment)."""
    from django.conf import settings

    return {
        "imports": Path(settings.ANTOAN_IMPORT_DIR),
        "tip-photos": Path(settings.ANTOAN_TIP_PHOTO_DIR),
        "reports": Path(getattr(settings, "ANTOAN_REPORT_BATCH_DIR", None) or os.environ["ANTOAN_REPORT_BATCH_DIR"]),
    }


def file_digests() -> dict[str, dict[str, str]]:
    return {
        key: {rel: hashlib.sha256(data).hexdigest() for rel, data in folder_files(folder).items()}
        for key, folder in data_folders().items()
    }


def new_incident() -> dict:
    """A new record after a restore: the key must come after every restored one (sequences were reset)."""
    from django.db.models import Max

    from antoan.accounts.models import Membership
    from antoan.incidents.models import Incident
    from antoan.incidents.services import incident_create

    before = Incident.objects.aggregate(top=Max("pk"))["top"]
    membership = Membership.objects.select_related("user", "unit").filter(role="officer").order_by("pk").first()
    incident = incident_create(
        user=membership.user,
        unit=membership.unit,
        kind="traffic",
        occurred_at=clock.now() - timedelta(days=1),
        summary="Va chạm sau khi khôi phục",
        dead=0,
        injured=1,
    )
    return {"pk": incident.pk, "max_before": before, "history": incident.history.count()}


def isolation() -> dict:
    from django.db import connection

    from antoan.core.backup import snapshot

    with snapshot():
        answer = {"vendor": connection.vendor, "in_transaction": connection.in_atomic_block}
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW transaction_isolation")
                answer["isolation"] = cursor.fetchone()[0]
                cursor.execute("SHOW transaction_read_only")
                answer["read_only"] = cursor.fetchone()[0]
    return answer


def main(argv: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antoan.settings")
    django.setup()
    command = argv[0]
    if command == "dump":
        dump = {"rows": canonical_rows(database_rows()), "files": file_digests(), "snapshot": isolation()}
        Path(argv[1]).write_text(json.dumps(dump))
    elif command == "new-incident":
        print(json.dumps(new_incident()))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
