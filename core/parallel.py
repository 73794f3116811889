"""Many independent analyses (curves of a batch, injections of a completeness run) on a process pool.

Processes, not threads: an analysis is mostly Python and scikit-learn code that holds
the GIL, so threads would take turns. The pool has one process per usable CPU
unless told otherwise. Workers come from a fork server that has already imported
the pipeline, so each starts in milliseconds instead of re-importing for seconds,
and no worker inherits a thread of the caller's (forking a process that runs
threads can deadlock). Inside a worker, numeric libraries and the transit search's
kernels run one thread each, so N workers use N CPUs, not N times more.

A worker ends when the process that started the pool ends, however it ends (a
batch killed with SIGKILL): Python's pool workers would otherwise wait forever on
their queue, so each watches its caller.

Arguments and results travel between our own processes by pickle; pass arrays,
light curves and settings, never objects read from a user's pickle.
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

PRELOAD = ("core.pipeline",)  # imported once in the fork server, inherited by every worker
_IN_WORKER = False


def usable_cpus() -> int:
    """CPUs this process may run on (a container or `taskset` may allow fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def worker_count(jobs: int | None = None) -> int:
    """Processes to use: `jobs` when given, else one per usable CPU."""
    if jobs is None:
        return usable_cpus()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ConfigError(f"jobs must be a whole number >= 1, got {jobs!r}")
    return jobs


def threads_per_process(wanted: int) -> int:
    """Threads a kernel may start here: `wanted` (at most the usable CPUs), or 1 inside a pool worker."""
    return 1 if _IN_WORKER else max(1, min(wanted, usable_cpus()))


def parallel_map(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    *,
    jobs: int | None = None,
    on_result: Callable[[int, Result], None] | None = None,
) -> list[Result]:
    """[function(item) for item in items], computed on `jobs` processes; results in the items' order.

    `function` must be importable by name (a module-level function). `on_result(index,
    result)` hears each result as it arrives, in completion order (progress, a summary
    written as it grows). With one process, or one item, everything runs here, in
    order. An exception in `function` is raised here, after the pool is shut down.
    """
    workers = min(worker_count(jobs), len(items))
    if workers <= 1:
        results = []
        for index, item in enumerate(items):
            results.append(function(item))
            if on_result is not None:
                on_result(index, results[-1])
        return results
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    results: list = [None] * len(items)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_become_worker,
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


def _become_worker(caller_pid: int) -> None:
    """One thread per numeric library and kernel in a pool worker (the pool is the parallelism),
    and an end when the caller ends."""
    global _IN_WORKER
    _IN_WORKER = True
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
