"""Accounts for the load test (bench/load/locustfile.py), made idempotently on a benchmark database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/antoan_bench_national \\
        .venv/bin/python bench/load/setup.py [--out /tmp/antoan_load/accounts.json] [--officers 150] [--leaders 80]

It creates (or brings back to the same state) `load-officer-NNN` users, each an officer of a current commune
with an API token, and `load-leader-NNN` users, leaders of a current province or commune, each with a
confirmed TOTP device whose secret is written out, so that the locustfile computes their codes as their phone
would. All share one password (hashed once). Each run replaces the load users' API tokens and TOTP secrets and
writes them, with the units, to a JSON file the locustfile reads. Nothing else in the database is touched.

It also opens a session for each user, as a login earlier in the day would have (a leader's marked as past the
TOTP step, as django-otp's own `login` does): most simulated people arrive with it, as people already at work
do, and only some log in during the run (the locustfile's LOAD_LOGIN_SHARE). A session is only valid under
the SECRET_KEY it was made with: make them with the server's (bench/load/run.py does).
"""

import argparse
import json
import os
import secrets
import sys
from pathlib import Path

PASSWORD = "Tai-trong-thu-2026!"  # shared by the load users; not a secret (they exist on benchmark databases only)
TOKEN_NAME = "bench-load"
OFFICER_PREFIX = "load-officer-"
LEADER_PREFIX = "load-leader-"
DEFAULT_OUT = Path("/tmp/antoan_load/accounts.json")


def _spread(items: list, count: int) -> list:
    """`count` items spread evenly over the list (the same ones on every run)."""
    if not items or count <= 0:
        return []
    step = len(items) / count
    return [items[int(i * step) % len(items)] for i in range(count)]


def _session(user, device=None) -> str:
    """A logged-in session for `user` (past the second step with `device`), as a finished login leaves it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import login
    from django.http import HttpRequest
    from django_otp import login as otp_login

    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        request.user = user  # django-otp marks the session of request.user
        otp_login(request, device)
    request.session.save()
    return request.session.session_key


def prepare(*, officers: int = 150, leaders: int = 80, communes: int = 60, provinces: int = 12) -> dict:
    """Make the accounts in the current database (Django is set up) and return what the locustfile needs."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from antoan.accounts.models import ApiToken, Membership, Role, User
    from antoan.accounts.services import api_token_create
    from antoan.accounts.two_factor import DEVICE_NAME
    from antoan.units.models import Hierarchy, Kind, Unit

    current = Unit.objects.filter(hierarchy=Hierarchy.CURRENT, valid_to__isnull=True)
    all_communes = list(current.filter(kind=Kind.COMMUNE).order_by("code"))
    all_provinces = list(current.filter(kind=Kind.PROVINCE).order_by("code"))
    if not all_communes or not all_provinces:
        raise SystemExit("no current units in this database: run `antoan units load` (or bench/generate.py) first")
    commune_pool = _spread(all_communes, min(communes, len(all_communes)))
    province_pool = _spread(all_provinces, min(provinces, len(all_provinces)))
    password = make_password(PASSWORD)  # once: hashing is slow on purpose

    def account(username: str, full_name: str) -> User:
        user, _ = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
        if user.password != password or not user.is_active or user.full_name != full_name:
            user.password, user.is_active, user.full_name = password, True, full_name
            user.save(update_fields=["password", "is_active", "full_name"])
        return user

    def member(user: User, unit: Unit, role: str) -> None:
        Membership.objects.filter(user=user).exclude(unit=unit, role=role).delete()
        Membership.objects.get_or_create(user=user, unit=unit, role=role)

    out: dict = {"password": PASSWORD, "officers": [], "leaders": []}
    with transaction.atomic():
        for i in range(officers):
            unit = commune_pool[i % len(commune_pool)]
            user = account(f"{OFFICER_PREFIX}{i:03d}", f"Cán bộ thử tải {i}")
            member(user, unit, Role.OFFICER)
            TOTPDevice.objects.filter(user=user).delete()  # officers log in with a password only
            ApiToken.objects.filter(user=user, name=TOKEN_NAME).delete()
            _, key = api_token_create(user=user, owner=user, name=TOKEN_NAME)
            out["officers"].append(
                {
                    "username": user.username,
                    "token": key,
                    "session": _session(user),
                    "unit_code": unit.code,
                    "unit_pk": unit.pk,
                    "latitude": unit.latitude,
                    "longitude": unit.longitude,
                }
            )
        for i in range(leaders):
            # Two leaders in three lead a commune, the others a province (each of the pool's in turn).
            if i % 3 == 2:
                unit = province_pool[(i // 3) % len(province_pool)]
            else:
                unit = commune_pool[(i * 7) % len(commune_pool)]
            user = account(f"{LEADER_PREFIX}{i:03d}", f"Lãnh đạo thử tải {i}")
            member(user, unit, Role.LEADER)
            TOTPDevice.objects.filter(user=user).delete()
            device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True, key=secrets.token_hex(20))
            out["leaders"].append(
                {
                    "username": user.username,
                    "totp_key": device.key,
                    "session": _session(user, device),
                    "totp_step": device.step,
                    "totp_digits": device.digits,
                    "unit_code": unit.code,
                    "unit_kind": unit.kind,
                }
            )
    return out


def write(data: dict, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return path


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--officers", type=int, default=150)
    parser.add_argument("--leaders", type=int, default=80)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("DATABASE_URL must name a benchmark database (its name contains 'bench')")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "antoan.settings")
    import django

    django.setup()
    data = prepare(officers=args.officers, leaders=args.leaders)
    path = write(data, args.out)
    print(f"load accounts: {len(data['officers'])} officers, {len(data['leaders'])} leaders → {path}")


if __name__ == "__main__":
    main()
