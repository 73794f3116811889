"""A process pool for the batch: `parallel_map(function, items, jobs=..., on_result=...)`.

Branch `speed` brings `core.parallel.parallel_map` with this same signature for every
caller of a pool (batch, completeness); when it is on main, `core.batch.run` imports it
from there and this module goes.

Processes, not threads: an analysis holds the GIL for most of its time. Workers come
from a fork server that has imported the pipeline once, so each starts at once without
inheriting the caller's threads, and each runs its numeric libraries on one thread, so N
workers use N CPUs. Work items and results travel by pickle between our own processes.

A worker ends when the process that started the pool ends, however it ends: Python's
pool workers wait forever on their queue once the caller is killed (each holds the
queue's writing end, and the fork server's lifeline), so each watches the caller itself.
"""
from __future__ import annotations

import multiprocessing
import os
import select
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Callable, Sequence, TypeVar

from core.errors import ConfigError

Item = TypeVar("Item")
Result = TypeVar("Result")

PRELOAD = ["core.pipeline"]


def worker_count(jobs: int | None = None) -> int:
    """`jobs`, checked; by default one process per CPU this process may use."""
    if jobs is None:
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ConfigError(f"jobs must be a whole number >= 1, got {jobs!r}")
    return jobs


def parallel_map(function: Callable[[Item], Result], items: Sequence[Item], *, jobs: int | None = None,
                 on_result: Callable[[int, Result], None] | None = None) -> list[Result]:
    """[function(item) for item in items] on `jobs` processes, in the items' order.

    `function` must be a module-level function. `on_result(index, result)` hears each result
    as it arrives. With one process or one item everything runs here, in order.
    """
    workers = min(worker_count(jobs), len(items))
    results: list = [None] * len(items)
    if workers <= 1:
        for index, item in enumerate(items):
            results[index] = function(item)
            if on_result is not None:
                on_result(index, results[index])
        return results
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                             initargs=(os.getpid(),)) as pool:
        pending: dict[Future, int] = {pool.submit(function, item): index for index, item in enumerate(items)}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    index = pending.pop(future)
                    results[index] = future.result()
                    if on_result is not None:
                        on_result(index, results[index])
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return results


def _start_worker(caller_pid: int) -> None:
    """One thread per numeric library (the pool is the parallelism), and an end when the caller ends."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    threading.Thread(target=_exit_after, args=(caller_pid,), name="caller-watch", daemon=True).start()


def _exit_after(pid: int) -> None:
    """Return never: wait for process `pid` to end, then end this process at once."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd (not Linux, or an old kernel): look every second
        while _alive(pid):
            time.sleep(1.0)
        os._exit(1)
    select.select([handle], [], [])
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
