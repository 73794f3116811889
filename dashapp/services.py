"""The per-app objects callbacks need (settings, curve store, caches), kept on the Flask app.

Callbacks fetch them with `services()` instead of module globals, so each app built by
`create_app` (tests build their own with temporary directories) has its own.
"""
from __future__ import annotations

from dataclasses import dataclass

import dash
import flask
from flask import Flask
from flask_caching import Cache

from dashapp.analysis import Views
from dashapp.lru import LRU
from dashapp.results import ResultCache
from dashapp.settings import Settings
from dashapp.store import CurveStore

EXTENSION_KEY = "lightcurve_dashboard"


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: CurveStore
    results: ResultCache
    cache: Cache
    views: LRU[str, Views]  # figures and tables of recently shown results, by result key (dashapp.analysis)


def attach(server: Flask, services_: Services) -> None:
    server.extensions[EXTENSION_KEY] = services_


def services() -> Services:
    """The services of the app serving this request, else (a background-callback process) of the running app.

    Flask's current_app comes first: dash.get_app() answers with whichever app last served a
    layout in this thread, which is another app when one process holds several (tests do).
    """
    server = flask.current_app if flask.has_app_context() else dash.get_app().server
    return server.extensions[EXTENSION_KEY]
