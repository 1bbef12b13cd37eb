"""Timing shared by the benchmark scripts (each run as `python bench/….py`, which puts this folder on the path)."""

import statistics
import time


def timed(func, repeat: int, prepare=None) -> tuple[float, object]:
    """(median seconds over `repeat` runs after one warm-up, the last result); `prepare()`, not timed, before each."""
    runs, result = [], None
    for warm_up in [True] + [False] * repeat:
        if prepare is not None:
            prepare()
        start = time.perf_counter()
        result = func()
        if not warm_up:
            runs.append(time.perf_counter() - start)
    return statistics.median(runs), result
