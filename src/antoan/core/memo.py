"""Memoising reads for the length of one bulk operation.

An import calls the same services 100,000 times for the same user, the same communes and the same months;
inside `with memoized.scope():` a decorated read is answered once per distinct arguments. Outside a scope
the decorator does nothing, so an ordinary request always reads fresh data.
"""

import functools
from contextlib import contextmanager
from contextvars import ContextVar

_cache: ContextVar[dict | None] = ContextVar("antoan_memo", default=None)


class _Memoized:
    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            cache = _cache.get()
            if cache is None:
                return func(*args, **kwargs)
            key = (func.__qualname__, args, tuple(sorted(kwargs.items())))
            if key not in cache:
                cache[key] = func(*args, **kwargs)
            return cache[key]

        return wrapper

    @contextmanager
    def scope(self):
        token = _cache.set({})
        try:
            yield
        finally:
            _cache.reset(token)


memoized = _Memoized()
