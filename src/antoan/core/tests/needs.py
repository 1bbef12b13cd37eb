"""What a test does when a tool it needs is missing (#29): on a developer's machine it is skipped, saying what to
install; in CI (CI=true, as .ci/run sets it) the run fails with the tool's name — a missing tool must fail CI, not
shrink it. Skips by design (a PostgreSQL-only test on SQLite) are plain skipif marks and stay skips."""

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(what: str) -> NoReturn:
    """`what`: the tool and why it is missing, e.g. "LibreOffice (soffice) is not installed"."""
    if in_ci():
        pytest.fail(f"{what}: CI must run this test (.ci/run installs what it needs)", pytrace=False)
    pytest.skip(what)
