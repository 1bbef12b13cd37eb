"""An officer opens the report of their commune in a real browser, sees its charts drawn, writes section II in
their own words, saves, downloads the Word file and finds those words in it."""

from datetime import datetime

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

OWN_WORDS = "Việc kiểm tra mô hình tự quản ở thôn Phú Cường chưa thường xuyên do thiếu cán bộ chuyên trách."


def docx_text(path) -> str:
    document = Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def records_of_2025(officer, home_units):
    """An accident and a theft in 2025 (the commune exists from 1 July): the report has figures, hence charts."""
    from antoan.incidents.services import incident_create

    def local(*args):
        return timezone.make_aware(datetime(*args))

    incident_create(user=officer, unit=home_units, kind="traffic", occurred_at=local(2025, 8, 3, 18),
                    summary="Xe máy va chạm ô tô", dead=1, injured=2)  # fmt: skip
    incident_create(user=officer, unit=home_units, kind="crime", occurred_at=local(2025, 9, 9, 22),
                    category="social_order", summary="Trộm cắp xe máy", solved=False)  # fmt: skip


def test_officer_edits_section_two_and_downloads_it_in_the_docx(
    officer, password, log_in, live_server, home_units, records_of_2025
):
    page = log_in(officer.username, password)
    console = []
    page.on("console", lambda message: console.append(message.text))

    with page.expect_navigation():
        page.locator("header nav").get_by_role("link", name="Báo cáo").click()
    assert "/bao-cao/" in page.url, page.url
    expect(page.locator("#report-page > h1")).to_contain_text(home_units.name)  # the officer's own commune by default

    # The annual report of the commune for 2025, picked with the form.
    page.select_option("#pick-unit", home_units.code)
    page.select_option("#pick-year", "2025")
    with page.expect_navigation():
        page.click("#report-annual-form button[type=submit]")
    assert "year=2025" in page.url and f"unit={home_units.code}" in page.url, page.url
    expect(page.locator("#report-preview article.report")).to_be_visible()
    expect(page.locator("#report-preview article.report")).to_contain_text(home_units.name.upper())
    # The charts are drawn by the browser from their data (reports/preview.js), one canvas each.
    charts = page.locator("#report-preview figure.report-chart canvas")
    assert charts.count() >= 1  # a commune: the traffic accidents month by month
    for index in range(charts.count()):
        expect(charts.nth(index)).to_have_attribute("data-drawn", "1")
        assert charts.nth(index).bounding_box()["height"] > 100
    assert page.locator("#report-preview svg").count() == 0
    drafted = page.input_value("#id_shortcomings")
    assert drafted.strip(), "section II starts from the system's draft"

    page.fill("#id_shortcomings", OWN_WORDS + "\n" + drafted)
    page.fill("#id_number", "12")
    with page.expect_navigation():
        page.click("#report-edit-form button[type=submit]")
    expect(page.locator(".messages")).to_be_visible()
    section_two = page.locator('#report-preview section[data-editable="shortcomings"]')
    expect(section_two).to_contain_text(OWN_WORDS)
    expect(page.locator("#report-preview .report-number")).to_contain_text("Số: 12/BC-UBND")
    expect(page.locator("#id_shortcomings")).to_have_value(OWN_WORDS + "\n" + drafted.strip())
    screenshot(page, "report-page")

    with page.expect_download() as download_info:
        page.click('#report-downloads a[data-format="docx"]')
    download = download_info.value
    assert download.suggested_filename == f"bao-cao-tong-ket-{home_units.code}-2025.docx"
    text = docx_text(download.path())
    assert OWN_WORDS in text
    assert "Số: 12/BC-UBND" in text
    # The page, its preview and htmx run under the CSP (no inline script, style or handler).
    assert [line for line in console if "Content Security Policy" in line] == []


@pytest.fixture
def shared_cache_reads():
    """The test database is SQLite in memory with a shared cache, where a reader meets another connection's
    write as an immediate "table is locked" (a database file would wait for the lock instead). Readers that do
    not lock let the batch's thread and the server's thread work side by side, as they do on a file."""
    from django.db import connection
    from django.db.backends.signals import connection_created

    def no_read_locks(sender, connection, **kwargs):
        if connection.vendor == "sqlite":
            connection.cursor().execute("PRAGMA read_uncommitted = 1")

    connection_created.connect(no_read_locks)
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.cursor().execute("PRAGMA read_uncommitted = 1")
    yield
    connection_created.disconnect(no_read_locks)
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.cursor().execute("PRAGMA read_uncommitted = 0")


@pytest.fixture
def province_leader(home_units, password, settings, tmp_path, shared_cache_reads):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from antoan.accounts.services import membership_grant, user_create

    settings.ANTOAN_REPORT_BATCH_DIR = tmp_path / "batches"
    user = user_create(actor=None, username="lanhdao.tinh", password=password, full_name="Trần Thị Lãnh")
    membership_grant(actor=None, user=user, unit=home_units.parent, role="leader")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)  # leaders must use two-factor login
    return user


@pytest.fixture
def task_worker(live_server, settings, tasks_queued, shared_cache_reads):
    """A worker taking the tasks the server queues (the database backend). On PostgreSQL it is a real `antoan worker`
    process on the test database, which the live server's transactions commit to. The SQLite test database lives in
    this process's memory, so there django-tasks-db's worker runs in a thread of it, taking each task with one UPDATE:
    its exclusive transaction would lock the whole shared in-memory database against the server's requests."""
    import os
    import signal
    import subprocess
    import sys
    import threading
    from pathlib import Path

    from django.db import connection

    if connection.vendor == "postgresql":
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTOAN_")}
        server = connection.settings_dict
        env.update(
            DATABASE_URL=f"postgres://{server['USER']}:{server['PASSWORD']}@{server['HOST'] or '127.0.0.1'}:"
            f"{server['PORT'] or 5432}/{server['NAME']}",
            ANTOAN_TASKS_BACKEND="database", ANTOAN_TASKS_QUEUE=settings.ANTOAN_TASKS_QUEUE,
            ANTOAN_REPORT_BATCH_DIR=str(settings.ANTOAN_REPORT_BATCH_DIR), DEBUG="0",
        )  # fmt: skip
        cli = Path(sys.executable).with_name("antoan")
        worker = subprocess.Popen([str(cli), "worker", "--interval", "0.2"], env=env, start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
        yield worker
        os.killpg(worker.pid, signal.SIGTERM)  # the task in hand is finished first
        worker.wait(60)
        return
    from django_tasks_db.models import DBTaskResult

    from antoan.core.management.commands.worker import database_worker

    worker = database_worker(worker_id="e2e-thread", interval=0.2, startup_delay=False)
    stop = threading.Event()

    def work():
        while not stop.is_set():
            task = DBTaskResult.objects.ready().filter(queue_name=settings.ANTOAN_TASKS_QUEUE).first()
            if task is None:
                stop.wait(0.2)
                continue
            task.claim(worker.worker_id)
            worker.run_task(task)

    thread = threading.Thread(target=work, name="task-worker", daemon=True)
    thread.start()
    yield worker
    stop.set()
    thread.join(60)
    assert not thread.is_alive()


def test_a_batch_cut_short_resumes_when_its_page_is_opened_and_the_bar_fills(
    province_leader, password, log_in, pass_second_step, live_server, home_units, task_worker
):
    """The worker running a batch died (RUNNING, nobody holding its run lock): opening its page (or the next worker's
    sweep) queues it again, a worker takes it, and the page polls the progress with htmx until the ZIP is there —
    never reloaded by hand."""
    import zipfile

    from antoan.indicators.periods import period_parse
    from antoan.reports import jobs
    from antoan.reports.models import BatchJob

    province = home_units.parent
    job = jobs.batch_create(user=province_leader, unit=province, period=period_parse("2025"), kind="annual",
                            formats="docx,html")  # fmt: skip
    # Only the home commune (the other communes may or may not be in the test database), cut short before it.
    BatchJob.objects.filter(pk=job.pk).update(
        children=[home_units.pk], state=BatchJob.State.RUNNING, task_id="a-dead-run"
    )
    log_in(province_leader.username, password)
    page = pass_second_step(province_leader)
    page.goto(f"{live_server.url}/bao-cao/lo/{job.pk}/")
    expect(page.locator("#batch-progress progress")).to_be_visible()
    expect(page.locator("#batch-zip")).to_be_visible(timeout=60_000)
    expect(page.locator("#batch-progress")).to_have_attribute("data-state", "done")
    expect(page.locator("#batch-progress progress")).to_have_attribute("value", "100")
    with page.expect_download() as download_info:
        page.click("#batch-zip")
    download = download_info.value
    assert download.suggested_filename == f"bao-cao-tong-ket-{province.code}-2025-theo-don-vi.zip"
    with zipfile.ZipFile(download.path()) as archive:
        names = set(archive.namelist())
        manifest = archive.read("MANIFEST.txt").decode()
    stem = f"{home_units.code}-xa-ham-thuan"
    assert names == {f"{stem}.docx", f"{stem}.html", "MANIFEST.txt", "manifest.csv"}
    assert "Đã lập / written: 1/1" in manifest
    job.refresh_from_db()
    assert job.task_id not in ("", "a-dead-run")  # a task of the worker wrote it

    # The report page of the province offers the batch form.
    page.goto(f"{live_server.url}/bao-cao/?unit={province.code}&year=2025")
    expect(page.locator("#report-batch-form")).to_be_visible()
