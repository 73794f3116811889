"""Real files: labels checked for an impulsive rise, CSV exports checked as they are."""
from __future__ import annotations

import numpy as np

from core.evaluation.real import halves, impulsive_rise, load_real
from core.lightcurve import from_arrays


def test_impulsive_rise_tells_a_flare_from_a_rising_flank():
    t = np.arange(0.0, 2.0, 29.4 / 1440.0)
    flank = 1.0 + 0.002 * np.arange(t.size)  # 4 sigma per cadence, but no faster at the "peak"
    assert not impulsive_rise(t, flank, t[40], t[43], 5e-4)
    flare = np.ones(t.size)
    flare[40:44] += [0.02, 0.01, 0.005, 0.002]
    assert impulsive_rise(t, flare, t[40], t[43], 5e-4)
    assert impulsive_rise(t, flare, t[41], t[43], 5e-4)  # a label starting a cadence after the peak
    assert not impulsive_rise(t, flare, 10.0, 11.0, 5e-4)  # no data in the label


def test_csv_exports_of_real_files_are_checked_as_they_are_but_not_injected(real_data_dir):
    loaded, _ = load_real(real_data_dir)
    copies = {entry["file"]: entry.get("copy_of") for entry, _ in loaded}
    assert copies["ktwo211117077-c04_llc.csv"] == "ktwo211117077-c04_llc.fits"
    assert copies["ktwo211117077-c04_llc.fits"] is None
    assert sum(source is not None for source in copies.values()) == 4


def test_halves_split_the_span_in_two_and_keep_every_point_once():
    time = np.concatenate([np.arange(0.0, 3.0, 0.02), np.arange(7.0, 10.0, 0.02)])  # a gap across the middle
    lc = from_arrays(time, np.ones(time.size))
    (first_name, first), (second_name, second) = halves(lc)
    assert (first_name, second_name) == ("first half", "second half")
    assert first.time.max() <= 5.0 < second.time.min()
    assert np.array_equal(np.concatenate([first.time, second.time]), lc.time)
