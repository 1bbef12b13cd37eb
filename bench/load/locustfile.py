"""The load scenario: commune officers entering records, leaders reading dashboards and reports, citizens
sending tips — against `antoan serve` on a benchmark database. bench/load/run.py runs it (see its docstring);
by hand:

    locust -f bench/load/locustfile.py --headless --host http://127.0.0.1:8000 -u 200 -r 20 -t 5m

Environment: LOAD_ACCOUNTS (the JSON bench/load/setup.py wrote; default /tmp/antoan_load/accounts.json),
LOAD_RESULTS (where the tip counts and tracking codes are written at the end; default next to the accounts),
LOAD_TIP_MIN_FILL (seconds the tip form must stay open: the server's ANTOAN_TIP_MIN_FILL_SECONDS, 4),
LOAD_THINK (a factor on every think time; 1 = the times below), LOAD_STAGGER (seconds over which users
arrive; 20), LOAD_LOGIN_SHARE (the share of officers and leaders who log in — password, then the TOTP code for
leaders — when they arrive; the others come with the session setup.py opened for them, as people already at
work; 0.2).

Every simulated person sends the address nginx would pass on (`X-Real-IP`), one per person, so that the
per-source limits (tips per hour, login throttling) apply per person as in production.
"""

import base64
import io
import itertools
import json
import os
import random
import re
import struct
import threading
import time
import zlib
from datetime import datetime, timedelta
from hashlib import sha1
from hmac import HMAC
from pathlib import Path
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task

ACCOUNTS = Path(os.environ.get("LOAD_ACCOUNTS", "/tmp/antoan_load/accounts.json"))
RESULTS = Path(os.environ.get("LOAD_RESULTS", str(ACCOUNTS.with_name("results.json"))))
TIP_MIN_FILL = float(os.environ.get("LOAD_TIP_MIN_FILL", "4"))
THINK = float(os.environ.get("LOAD_THINK", "1"))
STAGGER = float(os.environ.get("LOAD_STAGGER", "20"))
LOGIN_SHARE = float(os.environ.get("LOAD_LOGIN_SHARE", "0.2"))
PHOTO_SHARE = float(os.environ.get("LOAD_PHOTO_SHARE", "0.1"))  # tips sent with a photo
TRACK_SHARE = float(os.environ.get("LOAD_TRACK_SHARE", "0.3"))  # tips looked up afterwards
TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_accounts: dict | None = None
_officer_seq = itertools.count()
_leader_seq = itertools.count()
_address_seq = itertools.count(1)
_lock = threading.Lock()
# attempted: POSTs of the form sent; stored: answered with the redirect to the page of the tracking code (the tip
# is saved); refused: answered otherwise; unanswered: no answer (the connection broke, or the run ended first).
TIPS = {"attempted": 0, "stored": 0, "refused": 0, "unanswered": 0, "photos": 0, "tracked": 0, "codes": []}


def accounts() -> dict:
    global _accounts
    if _accounts is None:
        _accounts = json.loads(ACCOUNTS.read_text(encoding="utf-8"))
    return _accounts


def new_address() -> str:
    """A distinct client address (10.x.y.z), as nginx would pass it in X-Real-IP."""
    n = next(_address_seq)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255 or 1}"


def think(low: float, high: float) -> float:
    return random.uniform(low, high) * THINK


def totp(hex_key: str, *, step: int = 30, digits: int = 6, at: float | None = None) -> str:
    """RFC 6238, as the phone app computes it (django-otp's TOTPDevice with t0 = 0)."""
    counter = int((time.time() if at is None else at) // step)
    digest = HMAC(bytes.fromhex(hex_key), struct.pack(">Q", counter), sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_STARTED = re.compile(r'name="started" value="([^"]+)"')
_OPTIONS = re.compile(r'<option value="(\d+)"')
_TRACKING = re.compile(r'class="tracking-code"[^>]*><strong>([A-Z0-9-]+)</strong>')
_INCIDENT_LINKS = re.compile(r'href="/su-viec/(\d+)/"')
_CONFIG = re.compile(r'<script id="dashboard-config" type="application/json">(.*?)</script>', re.S)
_CHART_INDICATOR = re.compile(r'<select id="chart-indicator">\s*<option value="([^"]+)"')


def code_in(location: str) -> str:
    """The tracking code carried by the redirect after a tip is saved (/tin-bao/da-gui/<token>/): the token is
    Django's signing.dumps of the code — base64 JSON (zlib-compressed if it starts with a dot), then a signature.
    Read without the key: the page it leads to is checked to show the same code."""
    payload = location.rstrip("/").rsplit("/", 1)[-1].split(":", 1)[0]
    compressed = payload.startswith(".")
    raw = base64.urlsafe_b64decode(payload.lstrip(".") + "=" * (-len(payload.lstrip(".")) % 4))
    return json.loads(zlib.decompress(raw) if compressed else raw)


def _jpeg() -> bytes:
    """A small photo (about 20 KB), made once."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a dependency of antoan
        return b""
    rng = random.Random(7)
    image = Image.new("RGB", (480, 360))
    image.putdata([(rng.randrange(256), rng.randrange(120, 200), rng.randrange(90)) for _ in range(480 * 360)])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


_PHOTO: bytes | None = None


def photo() -> bytes:
    global _PHOTO
    if _PHOTO is None:
        _PHOTO = _jpeg()
    return _PHOTO


def local_now() -> datetime:
    return datetime.now(TZ)


class _Person(HttpUser):
    abstract = True

    def on_start(self):
        self.address = new_address()
        self.client.headers.update({"X-Real-IP": self.address, "Accept-Language": "vi"})

    def arrive(self, session: str, username: str, **totp) -> None:
        """Either log in now, or come back with the session of a login made earlier in the day."""
        time.sleep(random.uniform(0, STAGGER))  # people do not all arrive in the same second
        if random.random() < LOGIN_SHARE:
            self.login(username, accounts()["password"], **totp)
        else:
            self.client.cookies.set("sessionid", session, path="/")

    def login(self, username: str, password: str, totp_key: str | None = None, step: int = 30, digits: int = 6):
        page = self.client.get("/dang-nhap/", name="/dang-nhap/ (login page)")
        match = _CSRF_INPUT.search(page.text or "")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": match.group(1) if match else ""}
        with self.client.post(
            "/dang-nhap/", data=form, name="/dang-nhap/ (password)", allow_redirects=False, catch_response=True
        ) as response:
            target = response.headers.get("Location", "")
            if response.status_code != 302:
                response.failure(f"login refused ({response.status_code})")
                return False
        if totp_key is None:
            return "/xac-thuc/" not in target
        # Leaders: the next page asks for the code of their authenticator app.
        target = target if "/xac-thuc/" in target else "/xac-thuc/"
        page = self.client.get(target, name="/xac-thuc/ (TOTP page)")
        match = _CSRF_INPUT.search(page.text or "")
        code = totp(totp_key, step=step, digits=digits)
        form = {"otp_token": code, "csrfmiddlewaretoken": match.group(1) if match else ""}
        with self.client.post(
            target, data=form, name="/xac-thuc/ (TOTP code)", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"TOTP code refused ({response.status_code})")
                return False
        return True


# Officers ------------------------------------------------------------------------------------------------------


class Officer(_Person):
    """A commune officer: reads the commune's records, enters new ones (through the API, as the commune's
    data-entry software or the form's script would), corrects one now and then, enters a patrol."""

    weight = 5
    wait_time = between(5 * THINK, 20 * THINK)

    def on_start(self):
        super().on_start()
        officers = accounts()["officers"]
        self.me = officers[next(_officer_seq) % len(officers)]
        self.api = {"Authorization": f"Bearer {self.me['token']}"}
        self.mine: list[tuple[int, str]] = []  # (id, kind) of the records this officer entered
        self.seen: list[int] = []
        self.arrive(self.me["session"], self.me["username"])

    @task(4)
    def list_incidents(self):
        params = random.choice(
            [
                {},
                {"kind": random.choice(["traffic", "crime", "social_evil"])},
                {"kind": "traffic", "date_from": (local_now() - timedelta(days=90)).strftime("%d/%m/%Y")},
                {"status": "received"},
                {"q": random.choice(["xe máy", "trộm", "đánh bạc", "ô tô"])},
            ]
        )
        response = self.client.get("/su-viec/", params=params, name="/su-viec/ (list, filters)")
        self.seen = [int(pk) for pk in _INCIDENT_LINKS.findall(response.text or "")][:20] or self.seen

    @task(3)
    def open_incident(self):
        pool = self.seen or [pk for pk, _ in self.mine]
        if not pool:
            return self.list_incidents()
        self.client.get(f"/su-viec/{random.choice(pool)}/", name="/su-viec/[id]/")

    @task(1)
    def list_incidents_api(self):
        self.client.get(
            "/api/v1/incidents",
            params={"kind": "traffic", "limit": 20},
            headers=self.api,
            name="/api/v1/incidents (list)",
        )

    def _incident(self) -> dict:
        me = self.me
        at = local_now() - timedelta(hours=random.uniform(1, 24 * 20))
        body = {
            "unit_code": me["unit_code"],
            "occurred_at": at.strftime("%Y-%m-%d %H:%M"),
            "address": random.choice(["Quốc lộ 1A", "Chợ trung tâm", "Thôn 3", "Đường liên xã", "Khu phố 2"]),
        }
        if me.get("latitude") is not None and random.random() < 0.6:
            body["latitude"] = round(me["latitude"] + random.uniform(-0.01, 0.01), 6)
            body["longitude"] = round(me["longitude"] + random.uniform(-0.01, 0.01), 6)
        kind = random.choices(["traffic", "crime", "social_evil"], weights=[5, 4, 2])[0]
        if kind == "traffic":
            body.update(
                kind="traffic",
                category="road",
                summary=random.choice(["Xe máy va chạm ô tô", "Xe máy tự ngã", "Hai xe máy va chạm"]),
                dead=random.choices([0, 1, 2], weights=[85, 13, 2])[0],
                injured=random.choices([0, 1, 2, 3], weights=[20, 55, 20, 5])[0],
                vehicles=random.choice([1, 2, 2, 3]),
                property_damage_vnd=random.choice([0, 2_000_000, 15_000_000]),
            )
        elif kind == "crime":
            body.update(
                kind="crime",
                category=random.choice(["social_order", "social_order", "drugs", "economic"]),
                summary=random.choice(["Trộm cắp xe máy", "Cố ý gây thương tích", "Tàng trữ trái phép chất ma túy"]),
                suspects=random.choice([1, 1, 2]),
                solved=random.random() < 0.4,
            )
        else:
            body.update(
                kind="social_evil",
                category=random.choice(["gambling", "loan_sharking", "drug_abuse"]),
                summary=random.choice(["Đánh bạc ăn tiền", "Cho vay lãi nặng", "Tụ tập sử dụng ma túy"]),
                persons_involved=random.randint(1, 8),
            )
        return body

    @task(2)
    def create_incident(self):
        body = self._incident()
        with self.client.post(
            "/api/v1/incidents", json=body, headers=self.api, name="/api/v1/incidents", catch_response=True
        ) as response:
            if response.status_code == 201:
                self.mine.append((response.json()["id"], body["kind"]))
            else:
                response.failure(f"{response.status_code}: {response.text[:300]}")

    @task(1)
    def edit_own_incident(self):
        if not self.mine:
            return self.create_incident()
        pk, kind = random.choice(self.mine)
        self.client.get(f"/api/v1/incidents/{pk}", headers=self.api, name="/api/v1/incidents/[id]")
        changes = [{"status": "processing"}, {"summary": "Đã xác minh, bổ sung lời khai"}]
        changes.append({"injured": 2} if kind == "traffic" else {"solved": True} if kind == "crime" else {})
        change = random.choice([c for c in changes if c])
        with self.client.patch(
            f"/api/v1/incidents/{pk}", json=change, headers=self.api, name="/api/v1/incidents/[id]", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:300]}")

    @task(1)
    def enter_patrol(self):
        body = {
            "unit_id": self.me["unit_pk"],
            "patrolled_on": (local_now() - timedelta(days=random.randint(0, 5))).strftime("%Y-%m-%d"),
            "hours": random.choice([2, 3, 4]),
            "violations_found": (found := random.randint(0, 12)),
            "violations_handled": random.randint(0, found),
            "fines_vnd": random.choice([0, 1_500_000, 4_000_000]),
            "vehicles_impounded": random.randint(0, 2),
        }
        with self.client.post(
            "/api/v1/movement/patrols",
            json=body,
            headers=self.api,
            name="/api/v1/movement/patrols",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:300]}")


# Leaders -------------------------------------------------------------------------------------------------------


class Leader(_Person):
    """A province or commune leader: the dashboard of their unit (the page, then the five requests its
    script makes), the indicator set for other periods, and the report's preview now and then."""

    weight = 2
    wait_time = between(10 * THINK, 30 * THINK)

    def on_start(self):
        super().on_start()
        leaders = accounts()["leaders"]
        self.me = leaders[next(_leader_seq) % len(leaders)]
        self.arrive(
            self.me["session"],
            self.me["username"],
            totp_key=self.me["totp_key"],
            step=self.me.get("totp_step", 30),
            digits=self.me.get("totp_digits", 6),
        )

    def period(self) -> str:
        now = local_now()
        quarter = (now.month - 1) // 3 + 1
        periods = [str(now.year), str(now.year - 1), f"{now.year}-Q{quarter}", f"{now.year}-{now.month:02d}"]
        return random.choice(periods)

    @task(4)
    def dashboard(self):
        unit, period = self.me["unit_code"], self.period()
        page = self.client.get("/chi-tieu/", params={"unit": unit, "period": period}, name="/chi-tieu/ (dashboard)")
        match = _CONFIG.search(page.text or "")
        if not match:
            return
        config = json.loads(match.group(1))
        api, on = config.get("api", {}), config.get("on") or ""
        year = config.get("year") or period[:4]
        chosen = _CHART_INDICATOR.search(page.text or "")
        indicator = chosen.group(1) if chosen else ""
        scoped = {"unit": config.get("unit") or unit, "on": on}
        calls = [
            ("trend", {**scoped, "year": year, "indicator": indicator}),
            ("crosstab", {**scoped, "indicator": indicator, "year": year, "by": "month"}),
            ("grid", {**scoped, "kind": "traffic", "period": config.get("period", period)}),
            ("points", {**scoped, "period": config.get("period", period), "kind": ""}),
            ("blackSpots", {**scoped, "period": config.get("period", period)}),
        ]
        for key, params in calls:
            if api.get(key):
                params = {k: v for k, v in params.items() if v not in ("", None)}
                self.client.get(api[key], params=params, name=f"{api[key]} (dashboard)")

    @task(3)
    def indicator_set(self):
        self.client.get(
            "/api/v1/indicators",
            params={"unit": self.me["unit_code"], "period": self.period()},
            name="/api/v1/indicators",
        )

    @task(1)
    def report_preview(self):
        year = local_now().year - random.choice([0, 1])
        self.client.get("/bao-cao/", params={"unit": self.me["unit_code"], "year": year}, name="/bao-cao/ (preview)")


# Citizens ------------------------------------------------------------------------------------------------------


class Citizen(HttpUser):
    """Someone who opens the tip form, picks the province and the commune, writes for a while and sends it
    (a small photo one time in ten), reads the tracking code, and sometimes looks the tip up. Each round is
    another person: another address, no cookies."""

    weight = 3
    wait_time = between(5 * THINK, 30 * THINK)

    def on_start(self):
        time.sleep(random.uniform(0, STAGGER))

    @task
    def send_tip(self):
        self.client.cookies.clear()
        self.client.headers.update({"X-Real-IP": new_address(), "Accept-Language": "vi"})
        page = self.client.get("/tin-bao/", name="/tin-bao/ (form)")
        opened = time.monotonic()  # the form's signed stamp is the time the server rendered it
        text = page.text or ""
        csrf, started, provinces = _CSRF_INPUT.search(text), _STARTED.search(text), _OPTIONS.findall(text)
        if not (csrf and started and provinces):
            return
        province = random.choice(provinces)
        options = self.client.get("/tin-bao/xa/", params={"tinh": province}, name="/tin-bao/xa/ (communes)")
        communes = _OPTIONS.findall(options.text or "")
        if not communes:
            return
        form = {
            "csrfmiddlewaretoken": csrf.group(1),
            "started": started.group(1),
            "category": random.choice(["security_order", "drugs", "gambling", "loan_sharking", "traffic", "other"]),
            "description": random.choice(
                [
                    "Có nhóm thanh niên tụ tập đánh bạc ở quán nước đầu ngõ vào buổi tối.",
                    "Xe tải chở quá tải thường xuyên chạy qua cầu yếu, nguy cơ sập cầu.",
                    "Nghi có người bán ma túy tại khu nhà trọ gần chợ.",
                    "Ùn tắc kéo dài ở ngã tư vào giờ tan học, không có người điều tiết.",
                ]
            ),
            "province": province,
            "unit": random.choice(communes),
            "occurred_at": (local_now() - timedelta(hours=random.uniform(1, 72))).strftime("%Y-%m-%dT%H:%M"),
            "address": random.choice(["", "Gần chợ", "Ngã tư đường chính"]),
            "website": "",
        }
        files = None
        if random.random() < PHOTO_SHARE and photo():
            files = {"photos": ("anh.jpg", photo(), "image/jpeg")}
        # Writing takes a while; the form refuses what comes back sooner than the minimum fill time.
        elapsed = time.monotonic() - opened
        time.sleep(max(TIP_MIN_FILL + 0.5 - elapsed, think(8, 40) - elapsed, 0))
        with _lock:
            TIPS["attempted"] += 1
        with self.client.post(
            "/tin-bao/",
            data=form,
            files=files,
            headers={"Referer": self.host + "/tin-bao/"},
            name="/tin-bao/ (send)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            target = response.headers.get("Location", "")
            if response.status_code != 302 or "/tin-bao/da-gui/" not in target:
                with _lock:
                    TIPS["refused" if response.status_code else "unanswered"] += 1
                errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text or "", re.S)
                response.failure(f"tip not taken ({response.status_code}): {' '.join(errors)[:300]}")
                return
            code = code_in(target)
            with _lock:
                TIPS["stored"] += 1
                TIPS["photos"] += 1 if files else 0
                TIPS["codes"].append(code)
        with self.client.get(target, name="/tin-bao/da-gui/[token]/", catch_response=True) as sent:
            shown = _TRACKING.search(sent.text or "")
            if sent.status_code == 200 and (not shown or shown.group(1).replace("-", "") != code):
                sent.failure(f"the page does not show the tracking code {code}")
        if random.random() < TRACK_SHARE:
            time.sleep(think(3, 15))
            self.track(code)

    def track(self, code: str):
        page = self.client.get("/tin-bao/tra-cuu/", name="/tin-bao/tra-cuu/ (page)")
        csrf = _CSRF_INPUT.search(page.text or "")
        form = {"code": code, "csrfmiddlewaretoken": csrf.group(1) if csrf else ""}
        with self.client.post(
            "/tin-bao/tra-cuu/",
            data=form,
            headers={"Referer": self.host + "/tin-bao/tra-cuu/"},
            name="/tin-bao/tra-cuu/ (look up)",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"look-up refused ({response.status_code})")
            else:
                with _lock:
                    TIPS["tracked"] += 1


@events.test_stop.add_listener
def _write_results(environment, **kwargs):
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(TIPS, indent=1), encoding="utf-8")


def run_once(host: str) -> int:
    """Each user class's start and each of its tasks once, in order, through locust's own HTTP client and
    request events, against `host` — the check that the scenario works (tests/test_bench_load.py). Prints
    the requests and returns the number of failed ones."""
    from locust.env import Environment

    environment = Environment(user_classes=[Officer, Leader, Citizen], host=host, events=events)
    seen: list[str] = []

    def on_request(request_type, name, response_time, response_length, exception=None, **kwargs):
        status = getattr(kwargs.get("response"), "status_code", "")
        seen.append(f"{'FAIL' if exception else 'ok  '} {request_type} {name} {status} {response_time:.0f} ms")
        if exception:
            seen.append(f"     {exception}")

    environment.events.request.add_listener(on_request)
    errors = 0
    for user_class in (Officer, Leader, Citizen):
        user_class.host = host  # what a runner does with --host
        user = user_class(environment)
        try:
            user.on_start()
            for task_function in dict.fromkeys(user_class.tasks):  # each task once, in declaration order
                task_function(user)
        except Exception as exc:  # noqa: BLE001 - reported, and counted as a failure
            seen.append(f"FAIL {user_class.__name__}: {exc!r}")
            errors += 1
    environment.events.test_stop.fire(environment=environment)
    print("\n".join(seen))
    return errors + sum(1 for line in seen if line.startswith("FAIL"))


if __name__ == "__main__":
    import sys

    sys.exit(1 if run_once(sys.argv[1]) else 0)
