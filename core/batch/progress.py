"""The batch's progress line: how many curves are done, how fast, and how long the rest will take."""
from __future__ import annotations

import sys
import time
from typing import Callable, TextIO

BAR_WIDTH = 24
TTY_EVERY_S = 0.2  # a terminal line is redrawn at most this often
LOG_EVERY_S = 30.0  # elsewhere (a log file, CI) a line every this many seconds, or every tenth of the batch


def duration(seconds: float) -> str:
    """'42s', '3m05s', '2h07m'."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


def progress_text(done: int, total: int, failed: int, elapsed_s: float) -> str:
    """'[#########...............] 37/100, 2 failed, 1.85 curves/s, 34s left'."""
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    parts = [f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total}"]
    if failed:
        parts.append(f"{failed} failed")
    if done and elapsed_s > 0:
        rate = done / elapsed_s
        parts.append(f"{rate:.2f} curves/s")
        if done < total:
            parts.append(f"{duration((total - done) / rate)} left")
    return ", ".join(parts)


class ProgressLine:
    """Reports to `stream`: one line redrawn in place on a terminal, else a line now and then."""

    def __init__(self, total: int, stream: TextIO | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.clock = clock
        self.live = self.stream.isatty()
        self.started = clock()
        self._shown_at = -float("inf")
        self._shown_tenth = -1

    def update(self, done: int, failed: int) -> None:
        now = self.clock()
        tenth = 10 * done // self.total if self.total else 10
        due = (now - self._shown_at >= TTY_EVERY_S) if self.live else (
            tenth > self._shown_tenth or now - self._shown_at >= LOG_EVERY_S)
        if not due and done < self.total:
            return
        self._shown_at, self._shown_tenth = now, tenth
        text = progress_text(done, self.total, failed, now - self.started)
        if self.live:
            self.stream.write("\r" + text + " " * 4)
            if done >= self.total:
                self.stream.write("\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def elapsed(self) -> float:
        return self.clock() - self.started
