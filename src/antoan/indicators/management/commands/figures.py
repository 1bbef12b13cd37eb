import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from antoan.accounts.models import User
from antoan.accounts.services import system_user
from antoan.core.errors import DomainError
from antoan.core.tabular import ImportFileError
from antoan.core.values import to_year
from antoan.indicators.catalogue import indicators
from antoan.indicators.figure_extract import extract_text, read_document
from antoan.indicators.figure_selectors import figure_conflicts, figure_list
from antoan.indicators.figure_services import extraction_flags, figures_save_extracted
from antoan.indicators.figure_transfer import export_csv, export_figures, export_xlsx, import_figures, template_rows
from antoan.indicators.format import number_vi
from antoan.indicators.history import plain_number
from antoan.indicators.models import FigureState
from antoan.indicators.selectors import indicator_unit_param

STATES = {FigureState.DRAFT: "nháp / draft", FigureState.CONFIRMED: "đã xác nhận / confirmed"}


class Command(BaseCommand):
    help = (
        "Historical figures, the figures of periods before the records (docs/history.md): "
        "antoan figures extract FILE --unit CODE --year YYYY [--json] [--save] [--confirm] [--document TEXT] | "
        "import FILE [--all-or-nothing] [--confirm] | list --unit CODE [--period P] [--state S] [--json] | "
        "export FILE [--unit CODE] [--period P] | template FILE --unit CODE --year YYYY"
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        extract = sub.add_parser("extract", help="Read the figures a report states (DOCX, PDF with text, TXT).")
        extract.add_argument("file", type=Path)
        extract.add_argument("--unit", required=True, help="Official code of the unit the report is about")
        extract.add_argument("--year", required=True, help="The year the report reviews")
        extract.add_argument("--json", dest="as_json", action="store_true", help="Print JSON")
        extract.add_argument("--save", action="store_true", help="Store the figures found as drafts")
        extract.add_argument("--confirm", action="store_true",
                             help="Store and confirm them at once (leaders, administrators: a bulk load)")  # fmt: skip
        extract.add_argument("--document", help="How the report is named in the figures' provenance "
                                                "(default: the file's name)")  # fmt: skip
        load = sub.add_parser("import", help="A template or an export filled in (.xlsx or .csv).")
        load.add_argument("file", type=Path)
        load.add_argument("--all-or-nothing", action="store_true", help="Write nothing if any row is rejected")
        load.add_argument("--confirm", action="store_true", help="Confirm the rows (leaders, administrators)")
        load.add_argument("--errors", type=Path, help="Where to write the problems (default: FILE.errors.csv)")
        listed = sub.add_parser("list", help="The figures of a unit, drafts and confirmed.")
        listed.add_argument("--unit", help="Official code (today's, or an old unit's)")
        listed.add_argument("--period", help="A period code: 2018, st2018, 2018-H1, 2018-Q3, 2018-05")
        listed.add_argument("--state", help="draft or confirmed")
        listed.add_argument("--json", dest="as_json", action="store_true", help="Print JSON")
        for name, text in (
            ("export", "The figures in the user's scope, in the import's columns."),
            ("template", "A unit's main indicators for --year and the year before, to fill in."),
        ):
            out = sub.add_parser(name, help=text)
            out.add_argument("file", type=Path, help="Where to write (.csv or .xlsx)")
            out.add_argument("--unit", help="Official code")
            out.add_argument("--year", help="The year (a template: required)")
            out.add_argument("--period", help="Only this period (export)")
        for action in sub.choices.values():
            action.add_argument("--user", help="Act as this user (their units and role apply); default: the system "
                                               "account")  # fmt: skip

    def handle(self, *args, action, user, **options):
        actor = self._user(user) if user else system_user()
        try:
            getattr(self, f"_{action}")(actor, **options)
        except (DomainError, ImportFileError) as exc:
            raise CommandError(str(exc)) from None

    # extract ------------------------------------------------------------------------------------------------

    def _extract(self, actor, *, file, unit, year, as_json, save, confirm, document, **_):
        year = to_year(year, field="year")
        unit = self._unit(actor, unit, date(year, 12, 31))
        if not file.is_file():
            raise CommandError(f"Không có tệp {file} / no such file: {file}")
        extraction = extract_text(read_document(file), year=year)
        flags = extraction_flags(extraction, unit=unit, year=year)
        conflicted = figure_conflict_keys(extraction)
        saved = None
        if save or confirm:
            saved = figures_save_extracted(user=actor, unit=unit, year=year, extraction=extraction,
                                           document=document or file.name, confirm=confirm)  # fmt: skip
        if as_json:
            self.stdout.write(_json({
                "unit": {"code": unit.code, "name": unit.name}, "year": year,
                "figures": [_found_dict(f, f.key in conflicted) for f in extraction.figures],
                "conflicts": [{"indicator": c.indicator, "year": c.year,
                               "values": [f.value for f in c.figures]} for c in extraction.conflicts],
                "flags": [{"vi": f.vi, "en": f.en} for f in flags],
                "unread": extraction.unread,
                "saved": None if saved is None else [f.pk for f in saved.figures],
            }))  # fmt: skip
            return
        self.stdout.write(f"{unit.name} — năm {year} / year {year}: {len(extraction.figures)} số liệu / figures")
        for flag in flags:
            self.stdout.write(f"! {flag.vi} / {flag.en}")
        for found in extraction.figures:
            name = indicators()[found.indicator].vi
            mark = "  MÂU THUẪN / CONFLICT" if found.key in conflicted else ""
            derived = f" [{found.derived}]" if found.derived else ""
            self.stdout.write(
                f"  {found.indicator:<44} {found.year} {number_vi(found.value):>12}  {name}{derived}"
                f" ({found.confidence:.2f}){mark}\n    « {found.sentence} »"
            )
        for sentence in extraction.unread:
            self.stdout.write(f"  ? không đọc được số / number not read: « {sentence} »")
        if saved is not None:
            state = "đã xác nhận / confirmed" if confirm else "nháp / drafts"
            self.stdout.write(f"Đã lưu / saved: {len(saved.figures)} ({state})")
            for code, when, why in saved.left_out:
                self.stdout.write(f"  không lưu / not saved: {code} {when}: {why.vi} / {why.en}")

    # import, list, export, template ------------------------------------------------------------------------

    def _import(self, actor, *, file, all_or_nothing, confirm, errors, **_):
        if not file.is_file():
            raise CommandError(f"Không có tệp {file} / no such file: {file}")
        report = import_figures(user=actor, path=file, all_or_nothing=all_or_nothing, confirm=confirm)
        report.print_to(self.stdout.write, file=file, errors=errors)

    def _list(self, actor, *, unit, period, state, as_json, **_):
        chosen = self._unit(actor, unit, None) if unit else None
        figures = list(figure_list(user=actor, unit=chosen, period=period, state=state))
        conflicts = figure_conflicts(figures)
        if as_json:
            self.stdout.write(_json([{
                "id": f.pk, "unit": f.unit.code, "unit_name": f.unit.name, "period": f.period, "indicator": f.indicator,
                "value": f.value, "state": f.state, "document": f.document, "location": f.location, "quote": f.quote,
                "conflict": f.pk in conflicts,
            } for f in figures]))  # fmt: skip
            return
        if not figures:
            self.stdout.write("Chưa có số liệu / no figures")
        for f in figures:
            mark = "  MÂU THUẪN / CONFLICT" if f.pk in conflicts else ""
            self.stdout.write(f"  #{f.pk:<6} {f.unit.code:<10} {f.period:<9} {f.indicator:<44} "
                              f"{number_vi(plain_number(f.value)):>12}  {STATES[f.state]}{mark}")  # fmt: skip

    def _export(self, actor, *, file, unit, period, **_):
        rows = export_figures(user=actor, unit=self._unit(actor, unit, None) if unit else None, period=period)
        self._write(file, rows)

    def _template(self, actor, *, file, unit, year, **_):
        year = to_year(year, field="year")
        if not unit or year is None:
            raise CommandError("Cần --unit và --year / --unit and --year are required")
        self._write(file, template_rows(user=actor, unit=self._unit(actor, unit, date(year, 12, 31)), year=year))

    def _write(self, file: Path, rows):
        suffix = file.suffix.lower()
        if suffix not in (".csv", ".xlsx"):
            raise CommandError(f"Tệp phải là .csv hoặc .xlsx: {file} / the file must be .csv or .xlsx: {file}")
        if suffix == ".csv":
            with open(file, "w", encoding="utf-8", newline="") as out:
                out.writelines(export_csv(rows))
        else:
            with open(file, "wb") as out:
                export_xlsx(rows, out)
        self.stdout.write(f"Đã ghi / written: {file}")

    def _unit(self, actor, code, day):
        """The unit `code` names on `day` (or today, else as it was on 30/06/2025), if the user may see it."""
        return indicator_unit_param(user=actor, code=code, on=day)

    def _user(self, username):
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"Không có tài khoản {username} / no such user: {username}") from None


def figure_conflict_keys(extraction) -> set[tuple[str, int]]:
    return {(c.indicator, c.year) for c in extraction.conflicts}


def _found_dict(found, conflict: bool) -> dict:
    return {
        "indicator": found.indicator, "year": found.year, "value": found.value, "sentence": found.sentence,
        "phrase": found.phrase, "start": found.start, "end": found.end, "confidence": found.confidence,
        "derived": found.derived, "note": found.note, "conflict": conflict,
    }  # fmt: skip


def _json(data) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)

