"""core.kept: a result kept for the same inputs and code, computed again for any other."""

import pytest
from django.core.cache import caches

from antoan.core.kept import code_version, kept


@pytest.fixture(autouse=True)
def empty_cache():
    caches["kept"].clear()


def counted(result):
    calls = []

    def compute():
        calls.append(1)
        return result

    return compute, calls


def test_the_same_inputs_and_code_give_the_kept_result_without_computing():
    compute, calls = counted({"spots": 3})
    assert kept("test", "v1", (1, "a", (2.5, None)), compute) == {"spots": 3}
    assert kept("test", "v1", (1, "a", (2.5, None)), compute) == {"spots": 3}
    assert len(calls) == 1


@pytest.mark.parametrize(
    "namespace, version, inputs",
    [("test", "v1", (1, "a", (2.5, 1))), ("test", "v2", (1, "a", (2.5, None))), ("other", "v1", (1, "a", (2.5, None)))],
)
def test_other_inputs_code_or_namespace_compute_again(namespace, version, inputs):
    kept("test", "v1", (1, "a", (2.5, None)), lambda: "first")
    assert kept(namespace, version, inputs, lambda: "second") == "second"


def test_the_code_version_follows_the_files_and_the_extra(tmp_path):
    source = tmp_path / "drawing.py"
    source.write_text("A = 1\n")
    before = code_version(source, extra="3.9")
    assert code_version(source, extra="3.9") == before != code_version(source, extra="3.10")
    source.write_text("A = 2\n")
    assert code_version(source, extra="3.9") != before
