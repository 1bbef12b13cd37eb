"""Results of pure computations kept in the cache, under a digest of everything they are computed from.

A chart's drawing (0.1 – 0.2 s) or the black spots of a province's year (0.3 s for Hà Nội's 11,000 accidents) is a
function of its inputs and of the code that computes it, nothing else. `kept(…)` gives what the computation gave
before for the same inputs and the same code, or computes it: a kept result is exactly what computing it again
would give, so nothing is ever stale — new records make new inputs, hence a new digest. They are kept in Django's
cache "kept" (settings.py: `antoan serve` shares it between its workers through a folder), for a day.
"""

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path

from django.core.cache import caches


def code_version(*files: str | Path, extra: str = "") -> str:
    """A digest of source files (and of `extra`, e.g. a library's version): part of every key made with it, so
    that changing the code that computes a result never gives a result the old code computed."""
    digest = hashlib.sha256(extra.encode())
    for file in files:
        digest.update(Path(file).read_bytes())
    return digest.hexdigest()[:16]


def kept(namespace: str, version: str, inputs, compute: Callable):
    """`compute()`, or its result for the same `inputs` and code `version` kept from before. `inputs` must be
    plain values (numbers, strings, dates, tuples, lists, dicts of them): they are pickled for the digest, so two
    equal inputs give one key, and anything whose pickle is not its value (a lazy translation) must be made plain
    by the caller."""
    digest = hashlib.sha256(pickle.dumps((version, inputs), protocol=5)).hexdigest()
    key = f"{namespace}:{digest}"
    store = caches["kept"]
    result = store.get(key)
    if result is None:
        result = compute()
        store.set(key, result)
    return result
