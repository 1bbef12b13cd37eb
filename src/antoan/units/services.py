"""Writes of units: loading the official hierarchies, and the establishments users create."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, ProtectedError
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from antoan.accounts.models import User
from antoan.core import clock
from antoan.core.errors import DomainError, Message
from antoan.units.loader import read_dataset, source_label
from antoan.units.models import ESTABLISHMENT_TYPE_NAMES, EstablishmentType, Hierarchy, Kind, Succession, Unit
from antoan.units.scope import scope_require

SYNCED_FIELDS = (
    "kind",
    "name",
    "short_name",
    "type_name",
    "path",
    "parent_id",
    "valid_from",
    "valid_to",
    "latitude",
    "longitude",
    "bounds",
    "area_km2",
)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions_created: int = 0
    successions_updated: int = 0
    successions_unchanged: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.successions_created or self.successions_updated)


@transaction.atomic
def units_load(*, actor: User | None = None) -> LoadReport:
    """Create or update both hierarchies and the succession map; a second run changes nothing."""
    data = read_dataset()
    reason = f"antoan units load — {source_label()}"
    report = LoadReport()
    existing = {(u.hierarchy, u.code): u for u in Unit.objects.exclude(kind=Kind.ESTABLISHMENT)}
    path_to_id = {u.path: u.pk for u in existing.values()}

    # Parents before children: a path's depth is its number of segments.
    for depth in sorted({row.path.count(".") for row in data.units}):
        new, changed = [], []
        for row in (r for r in data.units if r.path.count(".") == depth):
            values = {
                "kind": row.kind,
                "name": row.name,
                "short_name": row.short_name,
                "type_name": row.type_name,
                "path": row.path,
                "parent_id": path_to_id[row.parent_path] if row.parent_path else None,
                "valid_from": row.valid_from,
                "valid_to": row.valid_to,
                "latitude": row.latitude,
                "longitude": row.longitude,
                "bounds": row.bounds,
                "area_km2": row.area_km2,
            }
            unit = existing.get((row.hierarchy, row.code))
            if unit is None:
                new.append(Unit(hierarchy=row.hierarchy, code=row.code, **values))
            elif any(getattr(unit, f) != values[f] for f in SYNCED_FIELDS):
                for f, v in values.items():
                    setattr(unit, f, v)
                changed.append(unit)
            else:
                report.unchanged += 1
        if new:
            created = bulk_create_with_history(
                new, Unit, batch_size=500, default_user=actor, default_change_reason=reason
            )
            for unit in created:
                path_to_id[unit.path] = unit.pk
                existing[(unit.hierarchy, unit.code)] = unit
            report.created += len(new)
        if changed:
            bulk_update_with_history(
                changed,
                Unit,
                list(SYNCED_FIELDS),
                batch_size=500,
                default_user=actor,
                default_change_reason=reason,
            )
            for unit in changed:
                path_to_id[unit.path] = unit.pk
            report.updated += len(changed)

    units_by_key = {key: unit.pk for key, unit in existing.items()}
    existing_links = {(s.predecessor_id, s.successor_id): s for s in Succession.objects.all()}
    source = source_label()
    new_links, changed_links = [], []
    for row in data.successions:
        key = (
            units_by_key[(Hierarchy.LEGACY, row.predecessor_code)],
            units_by_key[(Hierarchy.CURRENT, row.successor_code)],
        )
        link = existing_links.get(key)
        if link is None:
            new_links.append(
                Succession(
                    predecessor_id=key[0],
                    successor_id=key[1],
                    is_default=row.is_default,
                    is_primary=row.is_primary,
                    source=source,
                )
            )
        elif (link.is_default, link.is_primary, link.source) != (row.is_default, row.is_primary, source):
            link.is_default, link.is_primary, link.source = row.is_default, row.is_primary, source
            changed_links.append(link)
        else:
            report.successions_unchanged += 1
    Succession.objects.bulk_create(new_links, batch_size=1000)
    Succession.objects.bulk_update(changed_links, ["is_default", "is_primary", "source"], batch_size=1000)
    report.successions_created, report.successions_updated = len(new_links), len(changed_links)

    # A commune lies in itself; so does each island district that had no communes (it is a leaf
    # that the succession map names directly).
    Unit.objects.filter(kind=Kind.COMMUNE, commune__isnull=True).update(commune=F("pk"))
    Unit.objects.filter(kind=Kind.DISTRICT, commune__isnull=True, successions_out__isnull=False).update(commune=F("pk"))
    return report


# Establishments ----------------------------------------------------------------------------------


def _establishment_errors(*, name: str, establishment_type: str, address: str) -> dict[str, Message]:
    errors = {}
    if not (name or "").strip():
        errors["name"] = Message("Tên cơ sở không được để trống", "The establishment's name is required")
    elif len(name.strip()) > 200:
        errors["name"] = Message("Tên cơ sở dài quá 200 ký tự", "The name is longer than 200 characters")
    if establishment_type not in EstablishmentType.values:
        allowed = ", ".join(EstablishmentType.values)
        errors["establishment_type"] = Message(
            f"Loại cơ sở không hợp lệ: '{establishment_type}' (chọn một trong: {allowed})",
            f"Unknown establishment type '{establishment_type}' (one of: {allowed})",
        )
    if len(address or "") > 300:
        errors["address"] = Message("Địa chỉ dài quá 300 ký tự", "The address is longer than 300 characters")
    return errors


@transaction.atomic
def establishment_create(*, user: User, commune: Unit, name: str, establishment_type: str, address: str = "") -> Unit:
    """An agency, enterprise or school located in a commune, assessable for "An toàn về ANTT"."""
    scope_require(user=user, unit=commune)
    if commune.kind != Kind.COMMUNE:
        raise DomainError.single(
            "commune",
            f"Cơ sở phải thuộc một xã/phường; {commune.name} là cấp {commune.get_kind_display().lower()}",
            f"An establishment belongs to a commune; {commune.name} is a {commune.get_kind_display().lower()}",
        )
    errors = _establishment_errors(name=name, establishment_type=establishment_type, address=address)
    if errors:
        raise DomainError(errors)
    # Lock the communes carrying the code (in both hierarchies: 23059 is Ma Lâm before 2025 and Hàm Thuận after) so two
    # officers adding establishments at once get consecutive codes.
    list(Unit.objects.select_for_update().filter(code=commune.code, kind=Kind.COMMUNE).order_by("pk"))
    code = f"{commune.code}-{_next_establishment_number(commune):03d}"
    unit = Unit(
        hierarchy=commune.hierarchy,
        kind=Kind.ESTABLISHMENT,
        code=code,
        path=f"{commune.path}{code}.",
        name=name.strip(),
        short_name=name.strip(),
        type_name=ESTABLISHMENT_TYPE_NAMES[establishment_type],
        parent=commune,
        commune=commune,
        establishment_type=establishment_type,
        address=(address or "").strip(),
        valid_from=clock.today(),
        latitude=commune.latitude,
        longitude=commune.longitude,
    )
    unit._history_user = user
    unit.save()
    return unit


def _next_establishment_number(commune: Unit) -> int:
    # Counted over the audit history too, so a deleted establishment's code is never given again, and over both
    # hierarchies: an old commune's establishments keep their codes for their years, and a code names one unit (#27).
    prefix = f"{commune.code}-"
    codes = Unit.history.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(c[len(prefix) :]) for c in codes.distinct() if c[len(prefix) :].isdigit()]
    return max(numbers, default=0) + 1


def _get_establishment_for_write(*, user: User, establishment: Unit) -> Unit:
    if establishment.kind != Kind.ESTABLISHMENT:
        raise DomainError.single(
            "__all__",
            "Chỉ sửa hoặc xóa được cơ sở do người dùng tạo; đơn vị hành chính lấy từ danh mục chính thức",
            "Only user-created establishments can be changed; administrative units come from the official list",
        )
    scope_require(user=user, unit=establishment)
    return Unit.objects.select_for_update().get(pk=establishment.pk)


@transaction.atomic
def establishment_update(
    *, user: User, establishment: Unit, name: str, establishment_type: str, address: str = ""
) -> Unit:
    unit = _get_establishment_for_write(user=user, establishment=establishment)
    errors = _establishment_errors(name=name, establishment_type=establishment_type, address=address)
    if errors:
        raise DomainError(errors)
    unit.name = unit.short_name = name.strip()
    unit.establishment_type = establishment_type
    unit.type_name = ESTABLISHMENT_TYPE_NAMES[establishment_type]
    unit.address = (address or "").strip()
    unit._history_user = user
    unit.save()
    return unit


@transaction.atomic
def establishment_delete(*, user: User, establishment: Unit) -> None:
    unit = _get_establishment_for_write(user=user, establishment=establishment)
    if unit.memberships.exists():
        raise DomainError.single(
            "__all__",
            "Không xóa được: còn tài khoản được gán cho cơ sở này",
            "Cannot delete: user accounts are still assigned to this establishment",
        )
    unit._history_user = user
    try:
        with transaction.atomic():
            unit.delete()
    except ProtectedError:
        raise DomainError.single(
            "__all__",
            "Không xóa được: còn hồ sơ (đánh giá, xếp loại, sự việc…) gắn với cơ sở này",
            "Cannot delete: records (assessments, ratings, incidents…) still refer to this establishment",
        ) from None
