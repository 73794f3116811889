"""Exceptions the library raises for problems a user can fix."""


class LightCurveFormatError(ValueError):
    """A file or byte string could not be read as a light curve.

    The message is written for a person: it says what was wrong and, where
    possible, what to do about it. Readers raise nothing else for bad input.
    """


class ConfigError(ValueError):
    """An analysis or training parameter is outside its allowed range."""
