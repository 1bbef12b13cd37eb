"""A request that only reads (GET, HEAD) answers each memoised read once; one that writes reads them fresh."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from antoan.core import memo
from antoan.core.middleware import ReadMemoMiddleware


@pytest.mark.parametrize("method, memoised", [("get", True), ("head", True), ("post", False), ("patch", False)])
def test_only_a_request_that_reads_memoises(method, memoised):
    seen = {}

    def view(request):
        seen["cache"] = memo._cache.get()
        return HttpResponse()

    ReadMemoMiddleware(view)(getattr(RequestFactory(), method)("/"))
    assert (seen["cache"] is not None) is memoised
    assert memo._cache.get() is None  # nothing memoised outlives the request
