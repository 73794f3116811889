"""A file written atomically is either the old one or the whole new one, never half of either."""
import pytest

from core.atomic import write_atomically, write_bytes_atomically


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "model.json"
    write_bytes_atomically(target, b"old")

    def half_then_crash(temporary: str) -> None:
        with open(temporary, "wb") as handle:
            handle.write(b"ne")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, half_then_crash)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


def test_the_new_content_replaces_the_old_and_is_readable_by_others(tmp_path):
    target = tmp_path / "curve.csv"
    write_bytes_atomically(target, b"old")
    assert write_bytes_atomically(target, b"new") == target
    assert target.read_bytes() == b"new" and target.stat().st_mode & 0o777 == 0o644
