"""The load scenario (bench/load/) works, without a load: bench/load/setup.py makes its accounts in the test
database, then every user class of the locustfile starts (the officer and the leader log in, the leader
through TOTP with the code computed from the secret setup wrote) and runs each of its tasks once, through
locust's own HTTP client and request events, against a live server. No request may fail, and the tips the
citizen sent must be in the database under the tracking codes the pages showed."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from antoan.accounts.models import ApiToken, Membership, Role, User
from antoan.portal.models import Tip

ROOT = Path(__file__).resolve().parent.parent
# Not imported here: locust patches the standard library (gevent) when imported; it runs in a child process.
HAS_LOCUST = importlib.util.find_spec("locust") is not None


def _setup_module():
    sys.path.insert(0, str(ROOT / "bench" / "load"))
    try:
        import setup as load_setup
    finally:
        sys.path.pop(0)
    return load_setup


@pytest.mark.django_db
def test_setup_is_idempotent():
    load_setup = _setup_module()
    first = load_setup.prepare(officers=3, leaders=2, communes=2, provinces=1)
    second = load_setup.prepare(officers=3, leaders=2, communes=2, provinces=1)
    assert User.objects.filter(username__startswith="load-").count() == 5
    assert Membership.objects.filter(user__username__startswith="load-officer-", role=Role.OFFICER).count() == 3
    assert Membership.objects.filter(user__username__startswith="load-leader-", role=Role.LEADER).count() == 2
    assert ApiToken.objects.filter(user__username__startswith="load-").count() == 3  # replaced, not added
    assert [o["unit_code"] for o in first["officers"]] == [o["unit_code"] for o in second["officers"]]
    assert first["leaders"][0]["totp_key"] != second["leaders"][0]["totp_key"]


@pytest.mark.django_db
def test_the_sessions_setup_opens_are_logged_in_and_past_two_factor(client):
    data = _setup_module().prepare(officers=1, leaders=1, communes=1, provinces=1)
    for person in (data["officers"][0], data["leaders"][0]):
        client.cookies["sessionid"] = person["session"]
        response = client.get("/api/v1/indicators/catalogue")  # a session refused by two-factor login: 401
        assert response.status_code == 200, (person["username"], response.content[:300])


@pytest.mark.skipif(not HAS_LOCUST, reason="locust is in the dev extra (make install)")
def test_each_task_of_the_scenario_once_against_a_live_server(loaded_units, live_server, tmp_path, settings):
    settings.ANTOAN_TIP_MIN_FILL_SECONDS = 0.3
    load_setup = _setup_module()
    accounts = load_setup.write(load_setup.prepare(officers=1, leaders=1, communes=1, provinces=1), tmp_path / "a.json")
    tips_before = Tip.objects.count()
    env = {
        **os.environ,
        "LOAD_ACCOUNTS": str(accounts),
        "LOAD_RESULTS": str(tmp_path / "results.json"),
        "LOAD_TIP_MIN_FILL": "0.3",
        "LOAD_THINK": "0.01",
        "LOAD_STAGGER": "0",
        "LOAD_LOGIN_SHARE": "1",
        "LOAD_PHOTO_SHARE": "1",
        "LOAD_TRACK_SHARE": "1",
    }
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load" / "locustfile.py"), live_server.url],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for request in (
        "POST /dang-nhap/ (password)",
        "POST /xac-thuc/ (TOTP code)",
        "POST /api/v1/incidents ",
        "PATCH /api/v1/incidents/[id]",
        "POST /api/v1/movement/patrols",
        "GET /chi-tieu/ (dashboard)",
        "GET /api/v1/indicators/trend (dashboard)",
        "GET /bao-cao/ (preview)",
        "POST /tin-bao/ (send)",
        "POST /tin-bao/tra-cuu/ (look up)",
    ):
        assert f"ok   {request}" in run.stdout, run.stdout
    results = json.loads((tmp_path / "results.json").read_text())
    assert (results["attempted"], results["stored"], results["photos"], results["tracked"]) == (1, 1, 1, 1)
    assert Tip.objects.count() - tips_before == 1
    assert Tip.objects.filter(tracking_code__in=results["codes"]).count() == 1
