"""Batches: one report per child unit, zipped with a manifest; resumed from `done` when its run died (its run lock
free while the row says RUNNING); a failing child reported, not fatal; only the job's user (or an administrator) sees
it; no child ever gets another's data. Here tasks run at once (the immediate backend, conftest.py); the real worker,
killed half-way, is site/tests/test_faults.py's.

Huyện Phú Quí (602, Bình Thuận, before 1/7/2025) has three communes — Ngũ Phụng, Long Hải, Tam Thanh — which
became Đặc khu Phú Quý: a small, real case of "every commune of a district"."""

import csv
import hashlib
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document

from antoan.accounts.models import Role
from antoan.core.errors import DomainError, NotFound
from antoan.core.runlock import run_lock
from antoan.incidents.services import incident_create
from antoan.indicators.periods import period_parse
from antoan.reports import jobs
from antoan.reports.models import BatchJob
from antoan.units.models import Unit

pytestmark = pytest.mark.django_db

LEGACY = date(2020, 1, 1)
COMMUNES = {"23272": "Xã Ngũ Phụng", "23275": "Xã Long Hải", "23278": "Xã Tam Thanh"}
ACCIDENTS = {"23272": 2, "23275": 1, "23278": 0}


@pytest.fixture(autouse=True)
def batch_settings(settings, tmp_path):
    settings.ANTOAN_REPORT_BATCH_DIR = tmp_path / "batches"


@pytest.fixture
def phu_qui(unit):
    return unit("602", LEGACY)


@pytest.fixture
def leader(make_user, phu_qui):
    return make_user(Role.LEADER, phu_qui, username="lanhdao.phuqui")


@pytest.fixture
def accidents(make_user, unit, phu_qui):
    """Two traffic accidents in Ngũ Phụng in 2020, one in Long Hải, none in Tam Thanh."""
    officer = make_user(Role.OFFICER, phu_qui, username="canbo.phuqui")
    for code, count in ACCIDENTS.items():
        for day in range(1, count + 1):
            incident_create(user=officer, unit=unit(code, LEGACY), kind="traffic", summary="Va chạm", dead=0,
                            injured=1, occurred_at=timezone.make_aware(datetime(2020, 5, day, 9)))  # fmt: skip


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def start(user, unit, formats="docx", **kwargs) -> BatchJob:
    return jobs.batch_start(user=user, unit=unit, period=period_parse("2020"), kind="annual", formats=formats, **kwargs)


def stem(code: str) -> str:
    return {"23272": "23272-xa-ngu-phung", "23275": "23275-xa-long-hai", "23278": "23278-xa-tam-thanh"}[code]


def test_a_batch_writes_each_communes_report_in_each_format_and_a_manifest(leader, phu_qui, accidents):
    job = start(leader, phu_qui, formats="docx,pdf,xlsx,html")
    job.refresh_from_db()
    assert job.state == BatchJob.State.DONE and job.percent == 100 and job.failed == []
    assert len(job.done) == 3 and job.done == job.children
    with zipfile.ZipFile(job.zip_path) as archive:
        names = set(archive.namelist())
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())
        expected = {f"{stem(code)}.{fmt}" for code in COMMUNES for fmt in ("docx", "pdf", "xlsx", "html")}
        assert names == expected | {"MANIFEST.txt", "manifest.csv"}
        manifest = archive.read("MANIFEST.txt").decode()
        rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
        documents = {code: archive.read(f"{stem(code)}.docx") for code in COMMUNES}
        assert all(archive.read(f"{stem(code)}.pdf").startswith(b"%PDF") for code in COMMUNES)
    assert "Đã lập / written: 3/3" in manifest and "Không lập được / failed: 0" in manifest
    assert {row["unit_code"]: row["status"] for row in rows} == dict.fromkeys(COMMUNES, "written")
    # Never mixed: each commune's document names that commune, no sibling, and carries its own figures.
    for code, name in COMMUNES.items():
        text = docx_text(documents[code]).upper()
        assert name.upper() in text
        for other in set(COMMUNES.values()) - {name}:
            assert other.upper() not in text, (name, other)
        accidents_line = f"XẢY RA {ACCIDENTS[code]:02d} VỤ TAI NẠN GIAO THÔNG"
        if ACCIDENTS[code]:
            assert accidents_line in text, (code, accidents_line)
        else:  # no record at all in Tam Thanh: its report says so, and borrows no sibling's figures
            assert "KHÔNG XẢY RA VỤ PHẠM PHÁP HÌNH SỰ, TAI NẠN GIAO THÔNG" in text
            assert "VỤ TAI NẠN GIAO THÔNG, LÀM" not in text
    assert not (Path(job.work_dir) / jobs.PARTIAL).exists()


def test_an_interrupted_batch_resumes_from_done_and_leaves_the_first_file_alone(
    client, leader, phu_qui, login_verified
):
    job = start(leader, phu_qui)
    job.refresh_from_db()
    work = Path(job.work_dir)
    in_order = Unit.objects.in_bulk(job.children)  # by name: Long Hải, Ngũ Phụng, Tam Thanh
    first, *others = [work / f"{stem(in_order[pk].code)}.docx" for pk in job.children]
    fingerprint = (first.stat().st_mtime_ns, hashlib.sha256(first.read_bytes()).hexdigest())
    # The worker died after the first commune: RUNNING, nobody holding its run lock, one child done, the others not
    # written.
    for path in others:
        path.unlink()
    Path(job.zip_path).unlink()
    dead_run = job.task_id
    BatchJob.objects.filter(pk=job.pk).update(
        state=BatchJob.State.RUNNING, done=job.children[:1], zip_path="", finished_at=None
    )
    login_verified(client, leader)
    page = client.get(reverse("reports:batch", args=[job.pk]))  # the next visit queues it again
    job.refresh_from_db()
    assert page.status_code == 200 and "Lô này bị gián đoạn" in page.content.decode()
    assert job.task_id and job.task_id != dead_run  # a new task ran it
    assert job.state == BatchJob.State.DONE and job.done == job.children
    assert all(path.exists() for path in others)
    assert (first.stat().st_mtime_ns, hashlib.sha256(first.read_bytes()).hexdigest()) == fingerprint
    with zipfile.ZipFile(job.zip_path) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".docx")]) == 3


def test_a_child_whose_files_vanished_is_written_again_on_resume(leader, phu_qui):
    job = start(leader, phu_qui)
    job.refresh_from_db()
    lost = Path(job.work_dir) / f"{stem('23278')}.docx"
    lost.unlink()
    Path(job.zip_path).unlink()
    BatchJob.objects.filter(pk=job.pk).update(state=BatchJob.State.FAILED)
    job = jobs.batch_resume(job, inline=True)
    assert job.state == BatchJob.State.DONE and len(job.done) == 3 and lost.is_file()
    with zipfile.ZipFile(job.zip_path) as archive:
        assert f"{stem('23278')}.docx" in archive.namelist()


def test_a_running_batch_whose_run_holds_its_lock_is_not_taken_over(client, leader, phu_qui, login_verified):
    job = jobs.batch_create(user=leader, unit=phu_qui, period=period_parse("2020"), kind="annual", formats="docx")
    BatchJob.objects.filter(pk=job.pk).update(state=BatchJob.State.RUNNING, task_id="a-live-run")
    login_verified(client, leader)
    with run_lock(f"report-batch-{job.pk}") as held:  # the live run, in "another process"
        assert held
        fragment = client.get(reverse("reports:batch", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
        with pytest.raises(DomainError, match="đang chạy ở một tiến trình khác"):
            jobs.batch_resume(job, inline=True)
        assert jobs.batch_run(job, runner="a-second-run").task_id == "a-live-run"  # waited, then left it alone
    job.refresh_from_db()
    assert job.state == BatchJob.State.RUNNING and job.done == [] and job.task_id == "a-live-run"
    assert 'hx-trigger="every 1s"' in fragment and "còn 3 đơn vị chưa lập" in fragment


def test_a_run_that_lost_its_job_stops_writing(leader, phu_qui):
    """Thought dead (its lock lost with its database connection), replaced by another run: its next write finds
    the job no longer names it."""
    job = jobs.batch_create(user=leader, unit=phu_qui, period=period_parse("2020"), kind="annual", formats="docx")

    def taken_over(job, unit, ok):
        BatchJob.objects.filter(pk=job.pk).update(task_id="the-run-that-took-over")

    jobs.batch_run(job, runner="the-first-run", on_progress=taken_over)
    job.refresh_from_db()
    assert job.state == BatchJob.State.RUNNING and len(job.done) == 1  # the other run carries on
    assert job.task_id == "the-run-that-took-over"


def test_a_child_that_fails_is_reported_and_the_batch_goes_on(leader, phu_qui, unit):
    job = jobs.batch_create(user=leader, unit=phu_qui, period=period_parse("2020"), kind="annual", formats="docx")
    outside = unit("23086")  # Xã Hồng Sơn: the leader no longer sees it (a membership changed mid-batch)
    job.children = [job.children[0], outside.pk, *job.children[1:]]
    job.save(update_fields=["children"])
    jobs.batch_run(job, runner="test")
    job.refresh_from_db()
    assert job.state == BatchJob.State.DONE and len(job.done) == 3
    assert job.failed == [{"unit": outside.pk, "code": "23086", "name": outside.name,
                           "vi": "Không tìm thấy đơn vị", "en": "Unit not found"}]  # fmt: skip
    with zipfile.ZipFile(job.zip_path) as archive:
        manifest = archive.read("MANIFEST.txt").decode()
        rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
        assert not [n for n in archive.namelist() if n.startswith("23086")]
    assert "Không lập được / failed: 1" in manifest and f"23086 {outside.name}: Không tìm thấy đơn vị" in manifest
    assert [row for row in rows if row["status"] == "failed"][0]["reason_en"] == "Unit not found"


def test_only_the_jobs_user_or_an_administrator_sees_it(client, leader, phu_qui, make_user, unit, login_verified):
    job = start(leader, phu_qui)
    other = make_user(Role.LEADER, phu_qui)  # same unit, another person
    with pytest.raises(NotFound):
        jobs.batch_get(user=other, pk=job.pk)
    login_verified(client, other)
    assert client.get(reverse("reports:batch", args=[job.pk])).status_code == 404
    assert client.get(reverse("reports:batch_zip", args=[job.pk])).status_code == 404
    assert client.post(reverse("reports:batch", args=[job.pk])).status_code == 404
    admin = make_user(Role.ADMIN, unit("68"))
    login_verified(client, admin)
    assert client.get(reverse("reports:batch", args=[job.pk])).status_code == 200


def test_a_commune_has_no_units_to_batch(leader, unit):
    with pytest.raises(DomainError, match="không có đơn vị trực thuộc"):
        start(leader, unit("23272", LEGACY))
    assert not BatchJob.objects.exists()


def test_the_page_starts_a_batch_shows_its_progress_and_gives_the_zip(client, leader, login_verified):
    login_verified(client, leader)
    response = client.post(reverse("reports:batches"), {"unit": "602", "on": "2025-06-30", "year": "2020",
                                                          "formats": ["docx", "xlsx"]})  # fmt: skip
    job = BatchJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:batch", args=[job.pk])
    assert job.formats == "docx,xlsx" and job.period_code == "2020" and job.kind == "annual"
    page = client.get(response.url).content.decode()
    assert '<progress value="100"' in page and 'id="batch-zip"' in page and "đã lập 3/3 đơn vị" in page
    fragment = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="batch-progress"' in fragment and "hx-trigger" not in fragment  # finished: polling stops
    download = client.get(reverse("reports:batch_zip", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert 'filename="bao-cao-tong-ket-602-2020-theo-don-vi.zip"' in download["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        assert len(archive.namelist()) == 3 * 2 + 2
    listing = client.get(reverse("reports:batches")).content.decode()
    assert f"#{job.pk}" in listing


def test_the_page_refuses_a_batch_out_of_scope_or_without_a_format(client, make_user, unit, leader, login_verified):
    officer = make_user(Role.OFFICER, unit("23059"))
    client.force_login(officer)
    response = client.post(reverse("reports:batches"), {"unit": "602", "on": "2025-06-30", "year": "2020",
                                                          "formats": "docx"})  # fmt: skip
    assert response.status_code == 404
    login_verified(client, leader)
    response = client.post(reverse("reports:batches"), {"unit": "602", "on": "2025-06-30", "year": "2020"})
    assert response.status_code == 400 and "Chọn ít nhất một định dạng" in response.content.decode()
    assert not BatchJob.objects.exists()


def test_the_command_runs_a_batch_with_a_progress_line_and_resumes_one(tmp_path, leader):
    out = io.StringIO()
    target = tmp_path / "phu-qui.zip"
    call_command("report", "batch", "--unit", "602", "--on", "2025-06-30", "--year", "2020", "--formats", "docx",
                 "-o", str(target), "--user", leader.username, stdout=out)  # fmt: skip
    printed = out.getvalue()
    assert "\r 1/3" in printed and "\r 3/3" in printed and str(target) in printed
    with zipfile.ZipFile(target) as archive:
        assert sorted(n for n in archive.namelist() if n.endswith(".docx")) == sorted(
            f"{stem(code)}.docx" for code in COMMUNES
        )
    job = BatchJob.objects.get()
    BatchJob.objects.filter(pk=job.pk).update(state=BatchJob.State.RUNNING, done=job.children[:2])  # run dead
    out = io.StringIO()
    call_command("report", "batch", "--resume", str(job.pk), "--user", leader.username, stdout=out)
    printed = out.getvalue()
    assert "2/3" in printed and "\r 3/3 Xã Tam Thanh" in printed
    job.refresh_from_db()
    assert job.state == BatchJob.State.DONE


def test_the_command_refuses_bad_batch_arguments(leader):
    with pytest.raises(CommandError, match="--unit"):
        call_command("report", "batch", "--year", "2020", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Định dạng 'odt' không hợp lệ"):
        call_command("report", "batch", "--unit", "602", "--year", "2020", "--formats", "odt", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Report batch not found"):
        call_command("report", "batch", "--resume", "999", "--user", leader.username, stdout=io.StringIO())


def test_an_archive_path_outside_the_batches_folder_is_never_served(client, leader, login_verified, tmp_path):
    """#27: a restored backup brings its rows as they were written; a crafted one could name any readable file as a
    batch's archive, which the download would then serve."""
    login_verified(client, leader)
    client.post(reverse("reports:batches"), {"unit": "602", "on": "2025-06-30", "year": "2020", "formats": ["docx"]})
    job = BatchJob.objects.get()
    assert client.get(reverse("reports:batch_zip", args=[job.pk])).status_code == 200
    secret = tmp_path / "secret.zip"
    secret.write_bytes(b"PK not an archive of this batch")
    for path in (str(secret), str(jobs.batch_root() / ".." / secret.name)):
        BatchJob.objects.filter(pk=job.pk).update(zip_path=path)
        assert client.get(reverse("reports:batch_zip", args=[job.pk])).status_code == 404
        assert 'id="batch-zip"' not in client.get(reverse("reports:batch", args=[job.pk])).content.decode()
