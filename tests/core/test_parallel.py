"""The process pool runs work in other processes, returns results in the items' order, and is sized
by the usable CPUs unless told otherwise."""
from __future__ import annotations

import os

import pytest

from core.errors import ConfigError
from core.parallel import parallel_map, threads_per_process, usable_cpus, worker_count


def where_and_what(item: int) -> tuple[int, int, int]:
    """(process id, square of item, threads a search kernel may start here)."""
    return os.getpid(), item * item, threads_per_process(2)


def fails_on_three(item: int) -> int:
    if item == 3:
        raise ValueError("three is refused")
    return item


def test_runs_in_worker_processes_and_keeps_the_items_order():
    heard: list[int] = []
    results = parallel_map(where_and_what, list(range(8)), jobs=2, on_result=lambda index, _: heard.append(index))
    assert [square for _, square, _ in results] == [i * i for i in range(8)]
    assert all(pid != os.getpid() for pid, _, _ in results)
    assert sorted(heard) == list(range(8))
    # Inside a worker the kernels run one thread each: the pool is the parallelism.
    assert all(threads == 1 for _, _, threads in results)


def test_one_job_runs_here_in_order():
    heard: list[int] = []
    results = parallel_map(where_and_what, [3, 1, 2], jobs=1, on_result=lambda index, _: heard.append(index))
    assert [(pid, square) for pid, square, _ in results] == [(os.getpid(), 9), (os.getpid(), 1), (os.getpid(), 4)]
    assert heard == [0, 1, 2]
    assert parallel_map(where_and_what, [], jobs=4) == []


def test_an_error_in_a_worker_is_raised_to_the_caller():
    with pytest.raises(ValueError, match="three is refused"):
        parallel_map(fails_on_three, [1, 2, 3, 4], jobs=2)


def test_pool_size_is_the_usable_cpus_unless_given():
    assert worker_count() == usable_cpus() >= 1
    assert worker_count(3) == 3
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ConfigError, match="jobs"):
            worker_count(bad)
    assert threads_per_process(2) == min(2, usable_cpus())


def test_workers_end_when_their_caller_is_killed(tmp_path):
    """A batch killed with SIGKILL leaves no pool process behind, waiting forever on its queue."""
    import signal
    import subprocess
    import sys
    import textwrap
    import time
    from pathlib import Path

    (tmp_path / "napping.py").write_text(textwrap.dedent("""
        import os, time
        from pathlib import Path

        def nap(folder):
            (Path(folder) / f"worker-{os.getpid()}").touch()
            time.sleep(300)
    """))
    script = textwrap.dedent(f"""
        import sys
        sys.path[:0] = [{str(tmp_path)!r}, {os.getcwd()!r}]
        from core.parallel import parallel_map
        from napping import nap
        parallel_map(nap, [{str(tmp_path)!r}] * 2, jobs=2)
    """)
    caller = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("worker-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    workers = [int(p.name.split("-")[1]) for p in tmp_path.glob("worker-*")]
    assert len(workers) == 2, "the pool never started its two workers"
    caller.send_signal(signal.SIGKILL)
    caller.wait()

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        status = Path(f"/proc/{pid}/stat")
        return not (status.exists() and status.read_text().split(")")[1].split()[0] == "Z")  # a zombie has ended

    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(pid) for pid in workers)
