"""Exceptions for problems a user can fix, under one base so callers catch one type."""


class UserError(ValueError):
    """Bad input or settings, with a message written for a person.

    Callers show the message as it is (a CLI line, a dashboard alert, a 4xx
    body), never a traceback. A ValueError, so code that predates it still works.
    """


class LightCurveFormatError(UserError):
    """A file or byte string could not be read as a light curve.

    The message is written for a person: it says what was wrong and, where
    possible, what to do about it. Readers raise nothing else for bad input.
    """


class ConfigError(UserError):
    """An analysis or training parameter is outside its allowed range."""
