import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from antoan.core.errors import DomainError
from antoan.core.values import to_date
from antoan.units import selectors, services
from antoan.units.models import LEGACY_LAST_DAY, Hierarchy, Kind


def _date(value: str) -> date:
    try:
        return to_date(value, field="on")
    except DomainError as exc:
        raise CommandError(str(exc)) from None


class Command(BaseCommand):
    help = "Administrative units: load both hierarchies, show a unit, its successors or predecessors."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="Load or update both hierarchies and the succession map (idempotent).")
        show = sub.add_parser("show", help="A unit, its parents and children, resolved on a date.")
        show.add_argument("code")
        show.add_argument("--on", type=_date, help="Date the code is resolved on (default: today).")
        succ = sub.add_parser("successors", help="The current commune(s) a legacy commune became.")
        succ.add_argument("code")
        succ.add_argument("--on", type=_date, default=LEGACY_LAST_DAY, help="Default: 2025-06-30.")
        pred = sub.add_parser("predecessors", help="The legacy communes that became a current commune.")
        pred.add_argument("code")
        pred.add_argument("--on", type=_date, help="Default: today.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except DomainError as exc:
            raise CommandError(str(exc)) from None

    def do_load(self, **options):
        started = time.perf_counter()
        report = services.units_load(actor=None)
        elapsed = time.perf_counter() - started
        counts = selectors.unit_counts()

        def n(hierarchy, kind):
            return counts.get((hierarchy, kind), 0)

        self.stdout.write(
            f"Đơn vị / units: {report.created} tạo mới / created, {report.updated} cập nhật / updated, "
            f"{report.unchanged} không đổi / unchanged; kế thừa / successions: {report.successions_created} "
            f"tạo mới / created, {report.successions_updated} cập nhật / updated, "
            f"{report.successions_unchanged} không đổi / unchanged ({elapsed:.1f} s)"
        )
        self.stdout.write(
            f"Từ 01/07/2025 / current: {n(Hierarchy.CURRENT, Kind.PROVINCE)} tỉnh, thành phố · "
            f"{n(Hierarchy.CURRENT, Kind.COMMUNE)} xã, phường, đặc khu"
        )
        self.stdout.write(
            f"Trước 01/07/2025 / legacy: {n(Hierarchy.LEGACY, Kind.PROVINCE)} tỉnh, thành phố · "
            f"{n(Hierarchy.LEGACY, Kind.DISTRICT)} huyện, quận, thị xã, thành phố · "
            f"{n(Hierarchy.LEGACY, Kind.COMMUNE)} xã, phường, thị trấn "
            f"(+ {selectors.island_district_count()} huyện đảo không có cấp xã / island districts without communes)"
        )

    def _line(self, unit) -> str:
        validity = []
        if unit.valid_from:
            validity.append(f"từ/from {unit.valid_from:%d/%m/%Y}")
        if unit.valid_to:
            validity.append(f"đến/until {unit.valid_to:%d/%m/%Y}")
        where = f" [{', '.join(validity)}]" if validity else ""
        return f"{unit.code}  {unit.name}{where}"

    def do_show(self, code, on, **options):
        unit = selectors.unit_for_code(code=code, day=on)
        for depth, parent in enumerate(unit.ancestors()):
            self.stdout.write("  " * depth + self._line(parent))
        depth = len(unit.ancestors())
        self.stdout.write("  " * depth + self._line(unit) + "  ◀")
        if unit.latitude is not None:
            self.stdout.write("  " * depth + f"  {unit.latitude:.5f}, {unit.longitude:.5f}")
        children = list(unit.children.order_by("name"))
        for child in children:
            self.stdout.write("  " * (depth + 1) + self._line(child))
        self.stdout.write(f"{len(children)} đơn vị trực thuộc / units below")

    def do_successors(self, code, on, **options):
        unit = selectors.unit_for_code(code=code, day=on)
        links = selectors.unit_successors(unit=unit)
        if not links:
            raise CommandError(
                f"{unit.name} ({unit.code}) không có đơn vị kế thừa trong dữ liệu / "
                f"has no successor in the data (is it a current unit?)"
            )
        split = len(links) > 1
        self.stdout.write(f"{self._line(unit)} — {unit.parent}" + (" — bị chia tách / split" if split else ""))
        for link in links:
            mark = " (mặc định / default)" if split and link.is_default else ""
            self.stdout.write(f"  → {self._line(link.successor)}, {link.successor.parent}{mark}")

    def do_predecessors(self, code, on, **options):
        unit = selectors.unit_for_code(code=code, day=on)
        links = selectors.unit_predecessors(unit=unit)
        if not links:
            raise CommandError(
                f"{unit.name} ({unit.code}) không có đơn vị tiền thân trong dữ liệu / "
                f"has no predecessor in the data (is it a legacy unit?)"
            )
        self.stdout.write(f"{self._line(unit)} — {unit.parent}")
        for link in links:
            old = link.predecessor
            part = " (một phần / part of it)" if link.successor_count > 1 else ""
            self.stdout.write(f"  ← {self._line(old)}, {old.parent}, {old.parent.parent if old.parent else ''}{part}")
