"""The Dash dashboard: upload, analyse, train and browse light curves on top of `core`."""
