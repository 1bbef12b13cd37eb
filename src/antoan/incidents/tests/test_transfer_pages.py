"""The upload page (with its progress fragment) and the export downloads."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from antoan.incidents.models import ImportJob, Incident
from antoan.incidents.services import incident_create
from antoan.incidents.tests.conftest import local

pytestmark = pytest.mark.django_db

GOOD = "kind,unit_code,occurred_at,summary,dead,injured\ntraffic,23059,2026-03-01 08:00,Va chạm,0,1\n"


@pytest.fixture(autouse=True)
def inline_imports(settings, tmp_path):
    settings.ANTOAN_IMPORT_DIR = tmp_path


def upload(client, text, name="a.csv", **extra):
    return client.post(reverse("incident-import"), {"file": SimpleUploadedFile(name, text.encode()), **extra})


def test_upload_runs_the_import_and_shows_the_report(client, officer):
    client.force_login(officer)
    response = upload(client, GOOD + "traffic,23059,2026-03-02,Va chạm,-1,1\n")
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("incident-import-job", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "<progress" in page and 'value="100"' in page
    assert "thêm mới 1" in page and "Không được là số âm" in page
    assert Incident.objects.count() == 1
    fragment = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="import-progress"' in fragment and "hx-trigger" not in fragment  # finished: polling stops
    problems = client.get(reverse("incident-import-problems", args=[job.pk]))
    assert b"3,dead,rejected" in b"".join(problems.streaming_content)


def test_upload_all_or_nothing_and_a_wrong_file_type(client, officer):
    client.force_login(officer)
    upload(client, GOOD + "traffic,23059,2026-03-02,Va chạm,x,1\n", all_or_nothing="on")
    assert ImportJob.objects.get().rolled_back and not Incident.objects.exists()
    response = upload(client, "hello", name="a.exe")
    assert response.status_code == 200 and "Chỉ nhận tệp .csv hoặc .xlsx" in response.content.decode()


def test_a_job_page_is_its_owners_only(client, officer, make_user):
    client.force_login(officer)
    upload(client, GOOD)
    client.force_login(make_user())
    assert client.get(reverse("incident-import-job", args=[ImportJob.objects.get().pk])).status_code == 404


def test_export_follows_the_filters_and_the_scope(client, officer, ham_thuan, hong_son, make_user):
    from antoan.accounts.models import Role

    incident_create(
        user=officer, unit=ham_thuan, kind="traffic", occurred_at=local(2026, 3, 1, 8), summary="A", dead=0, injured=1
    )
    incident_create(
        user=officer,
        unit=ham_thuan,
        kind="crime",
        occurred_at=local(2026, 3, 1, 9),
        summary="B",
        category="drugs",
        solved=False,
    )
    other = make_user(Role.OFFICER, hong_son)
    incident_create(
        user=other, unit=hong_son, kind="traffic", occurred_at=local(2026, 3, 1, 8), summary="C", dead=0, injured=1
    )
    client.force_login(officer)
    text = b"".join(client.get(reverse("incident-export", args=["csv"]) + "?kind=traffic").streaming_content)
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert [r["summary"] for r in rows] == ["A"]
    response = client.get(reverse("incident-export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sorted(row[8] for row in sheet.iter_rows(min_row=2, values_only=True)) == ["A", "B"]
    assert client.get(reverse("incident-export", args=["csv"]) + "?date_from=hôm-qua").status_code == 400


def test_the_template_file_has_the_import_columns_and_imports_as_nothing(client, officer, tmp_path):
    from antoan.incidents.transfer import COLUMNS, import_incidents

    client.force_login(officer)
    content = client.get(reverse("incident-import-template")).content
    assert content.decode("utf-8-sig").strip() == ",".join(COLUMNS)
    path = tmp_path / "mau.csv"
    path.write_bytes(content)
    assert import_incidents(user=officer, path=path).rows == 0


def test_an_import_whose_stored_path_left_the_import_folder_serves_and_reads_nothing(client, officer, settings,
                                                                                      tmp_path_factory):  # fmt: skip
    """#27: a restored backup's ImportJob.stored_path could name any readable file; its problems file (and the file
    itself, were the job run again) must not be served or read."""
    from antoan.incidents import jobs

    client.force_login(officer)
    upload(client, GOOD + "traffic,23059,2026-03-02,Va chạm,-1,1\n")
    job = ImportJob.objects.get()
    assert client.get(reverse("incident-import-problems", args=[job.pk])).status_code == 200
    outside = tmp_path_factory.mktemp("elsewhere") / "passwd"
    assert not outside.is_relative_to(settings.ANTOAN_IMPORT_DIR)
    outside.write_text("root:x:0:0\n")
    outside.with_suffix(".errors.csv").write_text("row,column\n1,root:x:0:0\n")
    ImportJob.objects.filter(pk=job.pk).update(stored_path=str(outside))
    assert client.get(reverse("incident-import-problems", args=[job.pk])).status_code == 404
    page = client.get(reverse("incident-import-job", args=[job.pk])).content.decode()
    assert "root:x" not in page
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED)
    job.refresh_from_db()
    before = Incident.objects.count()
    ran = jobs.import_job_run(job, runner="test")  # run again: the file it names is not read
    assert ran.state == ImportJob.State.FAILED and "thư mục nhập" in ran.message_vi
    assert Incident.objects.count() == before
