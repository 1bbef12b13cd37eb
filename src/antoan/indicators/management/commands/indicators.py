import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from antoan.accounts.models import User
from antoan.accounts.services import system_user
from antoan.core.errors import DomainError
from antoan.core.values import to_date
from antoan.indicators.api import set_as_dict
from antoan.indicators.format import number_vi
from antoan.indicators.selectors import indicator_period, indicator_set, indicator_unit_param
from antoan.indicators.targets import target_results, target_year


class Command(BaseCommand):
    help = (
        "Indicators for a unit and a period with the same period of the year before (the API's figures): "
        "antoan indicators --unit CODE --period 2020 [--json] [--targets] | --from YYYY-MM-DD --to YYYY-MM-DD"
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="Official code (resolved today, or on --on); none: the whole country")
        parser.add_argument("--on", help="The date the code is resolved on (YYYY-MM-DD)")
        parser.add_argument("--period", help="2020, 2020-H1, 2020-Q1, 2020-03, st2020, stm2020-03, tet2021, w:slug")
        parser.add_argument("--from", dest="date_from", help="First day (YYYY-MM-DD), with --to")
        parser.add_argument("--to", dest="date_to", help="Last day (YYYY-MM-DD), with --from")
        parser.add_argument("--indicators", default="", help="Comma-separated codes (default: all)")
        parser.add_argument("--json", dest="as_json", action="store_true", help="Print JSON, as the API gives it")
        parser.add_argument("--user", help="Read as this user (their scope applies); default: the system account")
        parser.add_argument(
            "--targets", action="store_true", help="Also judge the unit's targets of the period's year (chỉ tiêu)"
        )

    def handle(self, *args, unit, on, period, date_from, date_to, indicators, as_json, user, targets, **options):
        actor = self._user(user) if user else system_user()
        codes = [c.strip() for c in indicators.split(",") if c.strip()] or None
        try:
            chosen = indicator_period({"period": period, "from": date_from, "to": date_to}, user=actor)
            target = indicator_unit_param(user=actor, code=unit, on=to_date(on, field="on"))
            result = indicator_set(user=actor, unit=target, period=chosen, codes=codes)
            judged = target_results(user=actor, unit=target, period=chosen) if targets else None
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        if as_json:
            data = set_as_dict(result)
            if judged is not None:
                data["targets"] = [r.as_dict() for r in judged]
            self.stdout.write(_json(data))
            return
        self._print(result)
        if judged is not None:
            self._print_targets(judged, target_year(chosen))

    def _print_targets(self, judged, year):
        self.stdout.write(f"\nCHỈ TIÊU NĂM {year} / TARGETS FOR {year}")
        if not judged:
            self.stdout.write("  (không có chỉ tiêu đánh giá được cho kỳ này / no target this period can judge)")
        for r in judged:
            name = r.indicator.vi if r.indicator else r.target.indicator
            self.stdout.write(f"  {name}: {r.statement_vi}\n    → {r.status_vi}: {r.phrase_vi} / {r.phrase_en}")

    def _print(self, result):
        name = result.unit.name if result.unit else "Cả nước / whole country"
        self.stdout.write(f"{name} — {result.period.label_vi} / {result.period.label_en}")
        self.stdout.write(f"So sánh / compared with: {result.comparison.label_vi}")
        if result.mapping:
            self.stdout.write(f"* {result.mapping.message.vi}\n* {result.mapping.message.en}")
        for section, figures in result.by_section():
            self.stdout.write(f"\n{section.vi.upper()} / {section.en}")
            for figure in figures:
                change = "" if figure.change is None else f"  {figure.direction} {number_vi(abs(figure.change))}"
                if figure.change_pct is not None:
                    change += f" ({number_vi(figure.change_pct)}%)"
                self.stdout.write(
                    f"  {figure.indicator.code:<40} {number_vi(figure.value):>14} {number_vi(figure.comparison):>14}"
                    f"  {figure.indicator.measure_vi}{change}"
                )
                for label, used in ((result.period, figure.history), (result.comparison, figure.comparison_history)):
                    if used is not None:
                        self.stdout.write(f"    ↳ {label.label_vi}: {used.source_vi} / {used.source_en}{_beside(used)}")

    def _user(self, username):
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"Không có tài khoản {username} / no such user: {username}") from None


def _json(data) -> str:
    return json.dumps(data, cls=_Encoder, ensure_ascii=False, indent=2)


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if hasattr(o, "label_vi") and hasattr(o, "start"):  # a Period
            return {"code": o.code, "kind": o.kind, "start": o.start, "end": o.end, "label_vi": o.label_vi,
                    "label_en": o.label_en}  # fmt: skip
        if hasattr(o, "path") and hasattr(o, "hierarchy"):  # a Unit
            return {"id": o.pk, "code": o.code, "name": o.name, "kind": o.kind, "hierarchy": o.hierarchy}
        return super().default(o)


def _beside(used) -> str:
    """What the records of the period give, beside an old report's figure (never added to it)."""
    if used.own is None or used.own.recorded is None:
        return ""
    own = used.own
    return f"; sổ ghi chép / records: {number_vi(own.recorded)} (chênh lệch / difference {number_vi(own.difference)})"
