"""The command line answers at once: `--help` and a bad file's error import none of the heavy science
libraries (their import is what took seconds), and a reader closing the pipe ends it quietly."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("sklearn", "numba", "astropy", "scipy")


def _heavy_imported_by(argv: list[str]) -> tuple[str, list[str]]:
    """Run main(argv) in a fresh interpreter; return its stderr and the heavy packages it imported."""
    script = (
        "import sys\n"
        "from core.__main__ import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('imported:', *(name for name in {HEAVY!r} if name in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stderr, done.stdout.splitlines()[-1].split()[1:]


def test_help_imports_no_science():
    stderr, heavy = _heavy_imported_by(["--help"])
    assert stderr == "" and heavy == []


def test_a_bad_files_one_line_error_comes_before_any_science_is_imported(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time,flux\nnot,numbers\n")
    stderr, heavy = _heavy_imported_by(["analyze", str(bad)])
    assert stderr.startswith("error: ") and stderr.count("\n") == 1
    assert heavy == []


def test_a_reader_that_closes_the_pipe_gets_no_traceback(tmp_path):
    curve = tmp_path / "curve.csv"
    curve.write_text("time,flux\n" + "".join(f"{i * 0.02:.2f},{1 + 0.001 * (i % 7):.4f}\n" for i in range(400)))
    child = subprocess.Popen([sys.executable, "-m", "core", "analyze", str(curve), "--json"], cwd=REPO_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.close()  # gone before the analysis has printed anything, as `| head -1` may be
    _, stderr = child.communicate(timeout=300)
    assert b"Traceback" not in stderr and b"BrokenPipeError" not in stderr, stderr.decode()
    assert child.returncode == 1
