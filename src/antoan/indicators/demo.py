"""The demo district's figures from before its records (docs/history.md): its 2018 báo cáo tổng kết (an invented
text, data/demo_report_2018.txt) read by the extraction and confirmed by the administrator — so the demo's 2019 is
compared with 2018, and the two sentences that disagree on 2018's crimes wait as drafts on the review page."""

from datetime import date
from importlib.resources import files

from antoan.accounts.models import User
from antoan.indicators.figure_extract import extract_text
from antoan.indicators.figure_services import figures_save_extracted
from antoan.indicators.models import HistoricalFigure
from antoan.units.selectors import unit_for_code

DISTRICT = "597"  # Huyện Hàm Thuận Bắc, before the 2025 reorganisation
YEAR = 2018
DOCUMENT = "Báo cáo số 215/BC-UBND ngày 20/12/2018 của UBND huyện Hàm Thuận Bắc"


def seed_history(*, user: User) -> int:
    """Confirm the figures of the demo district's 2018 report (none if they are there already): how many were saved."""
    district = unit_for_code(code=DISTRICT, day=date(YEAR, 12, 31))
    if HistoricalFigure.all_objects.filter(unit=district).exists():
        return 0
    text = files("antoan.indicators").joinpath("data/demo_report_2018.txt").read_text("utf-8")
    extraction = extract_text(text, year=YEAR)
    saved = figures_save_extracted(user=user, unit=district, year=YEAR, extraction=extraction, document=DOCUMENT,
                                   confirm=True)  # fmt: skip
    return len(saved.figures)
