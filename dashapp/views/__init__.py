"""What the pages show, built from plain values: figures, tables, cards and panels.

Pure functions (no request, no session), so tests call them without a browser."""
