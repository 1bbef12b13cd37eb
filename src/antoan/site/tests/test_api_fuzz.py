"""Property-based API test: schemathesis generates requests from /api/v1/openapi.json (valid and invalid
bodies, parameters of every type, odd strings) for every operation, and none may get a server error; every
answer has a status the document declares for the operation and matches its response schema.
Every JSON error the API gives is the bilingual {"errors": {field: {"vi", "en"}}} shape."""

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from antoan.site.tests.probe_world import build_world

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 12  # per operation and mode (valid data, then invalid data)


@pytest.fixture
def api_schema(db):
    """The schema, and the WSGI app it calls. As Django's test client does, requests must not close the
    database connection when they end: the test's transaction lives on it (on PostgreSQL that matters)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from antoan.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(settings, tmp_path, tasks_queued):
    """An officer's token, in a unit that holds a record of every kind (the probe's world): lists and details
    answer with real records, so their shapes are checked against the document too."""
    settings.ANTOAN_IMPORT_DIR, settings.ANTOAN_TIP_PHOTO_DIR = tmp_path / "imports", tmp_path / "photos"
    settings.ANTOAN_REPORT_BATCH_DIR = tmp_path / "batches"  # a batch the API starts is queued only (tasks_queued)
    world = build_world(tmp_path)
    return {"Authorization": f"Bearer {world.keys['a.officer']}"}


def _check(case, bearer) -> None:
    response = case.call(headers=bearer)
    where = (case.method, case.formatted_path, response.status_code, response.text[:400])
    assert response.status_code < 500, where
    # What the API answers is what its document says: a status it declares, and a body of the declared shape (an error
    # too: site/api.py declares the refusals every operation may give).
    case.validate_response(response, checks=[status_code_conformance, response_schema_conformance])
    if response.status_code >= 400 and "json" in (response.headers.get("content-type") or [""])[0]:
        errors = response.json().get("errors") or {}
        assert errors and all({"vi", "en"} <= set(message) for message in errors.values()), where


def test_no_request_gets_a_server_error(api_schema, bearer):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation, mode in itertools.product(operations, GenerationMode):
        run = given(case=operation.as_strategy(mode))(lambda case: _check(case, bearer))
        hypothesis_settings(
            max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )(run)()
