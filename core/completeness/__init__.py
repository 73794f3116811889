"""Injection-recovery completeness on a user's own light curve: what could this curve have hidden?

run.py holds `completeness()`; grid.py the grid and its limits; orbit.py and
inject.py the injected signals; plan.py every random draw; trial.py one injected
copy analysed in a pool worker; completeness_map.py the counts and intervals;
sentence.py the limit in words.
"""
from core.completeness.completeness_map import CompletenessMap
from core.completeness.grid import MAX_GRID_CELLS, MAX_INJECTIONS, Grid
from core.completeness.run import Setup, check_request, completeness

__all__ = ["CompletenessMap", "Grid", "MAX_GRID_CELLS", "MAX_INJECTIONS", "Setup", "check_request", "completeness"]
