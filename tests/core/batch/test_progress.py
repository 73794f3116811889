"""The progress line says how many, how fast and how long, without flooding a log."""
from __future__ import annotations

import io

from core.batch.progress import ProgressLine, duration, progress_text


def test_text_has_count_rate_and_time_left():
    text = progress_text(done=25, total=100, failed=2, elapsed_s=50.0)
    assert text == "[######..................] 25/100, 2 failed, 0.50 curves/s, 2m30s left"
    assert progress_text(100, 100, 0, 40.0).endswith("100/100, 2.50 curves/s")
    assert progress_text(0, 10, 0, 0.0) == "[........................] 0/10"


def test_durations_read_naturally():
    assert [duration(s) for s in (4.4, 65, 3600 * 2 + 7 * 60)] == ["4s", "1m05s", "2h07m"]


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_away_from_a_terminal_the_first_line_then_one_per_tenth_of_the_batch():
    stream, clock = io.StringIO(), _Clock()
    line = ProgressLine(40, stream=stream, clock=clock)
    for done in range(1, 41):
        clock.now = done * 0.1
        line.update(done, 0)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11 and lines[-1].startswith("[" + "#" * 24 + "] 40/40")


def test_on_a_terminal_the_line_is_redrawn_in_place():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream, clock = Terminal(), _Clock()
    line = ProgressLine(2, stream=stream, clock=clock)
    clock.now = 1.0
    line.update(1, 0)
    clock.now = 2.0
    line.update(2, 1)
    assert stream.getvalue().count("\r") == 2 and stream.getvalue().endswith("\n")
