"""Reading spreadsheets defensively (core/tabular.py)."""

import zipfile

import pytest
from openpyxl import Workbook

from antoan.core.tabular import ImportFileError, read_rows


def _workbook(path, rows: int):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["kind", "summary"])
    for n in range(rows):
        sheet.append(["traffic", "x" * 200 + str(n)])
    workbook.save(path)
    return path


def _unpacked(path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_reading(tmp_path, settings):
    path = _workbook(tmp_path / "big.xlsx", rows=3000)
    assert _unpacked(path) > 20 * path.stat().st_size  # small on disk, large unpacked: what a zip bomb is made of
    settings.ANTOAN_IMPORT_MAX_UNPACKED_BYTES = _unpacked(path) - 1
    with pytest.raises(ImportFileError) as raised:
        next(read_rows(path))
    message = raised.value.errors["file"]
    assert "giải nén" in message.vi and "unpacks to" in message.en


def test_a_workbook_within_the_limit_is_read(tmp_path, settings):
    path = _workbook(tmp_path / "ok.xlsx", rows=10)
    settings.ANTOAN_IMPORT_MAX_UNPACKED_BYTES = _unpacked(path)
    rows = list(read_rows(path))
    assert rows[0] == ["kind", "summary"] and len(rows) == 11
