"""A browser's side of the Dash protocol, for the load test: one keep-alive connection and its cookie.

A visitor's requests are only realistic if they carry the session cookie (uploads and
results are filed by it) and post callback bodies shaped exactly as dash-renderer posts
them, which the server's /_dash-dependencies spells out.
"""
from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any

CALLBACK_PATH = "/_dash-update-component"


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def _output_parts(output: str) -> list[str]:
    """Dash's output string ("..a.b...c.d@hash.." or "a.b") split into "id.property[@hash]" parts."""
    return output[2:-2].split("...") if output.startswith("..") else [output]


def output_specs(output: str) -> list[dict[str, str]]:
    """The `outputs` list the renderer sends for a callback's output string."""
    return [{"id": part.rsplit(".", 1)[0], "property": part.rsplit(".", 1)[1].split("@")[0]}
            for part in _output_parts(output)]


class Callback:
    """One server-side callback from /_dash-dependencies, able to build its request body."""

    def __init__(self, dependency: dict[str, Any]) -> None:
        self.output = dependency["output"]
        self.inputs = dependency["inputs"]
        self.state = dependency["state"]

    def body(self, values: dict[str, Any], changed: list[str]) -> bytes:
        """The JSON the renderer posts; `values` maps "id.property" to the value in the page."""
        def filled(specs: list[dict[str, str]]) -> list[dict[str, Any]]:
            return [{**spec, "value": values.get(f"{spec['id']}.{spec['property']}")} for spec in specs]

        return json.dumps({"output": self.output, "outputs": output_specs(self.output), "inputs": filled(self.inputs),
                           "changedPropIds": changed, "state": filled(self.state)}).encode()


def find_callback(dependencies: list[dict[str, Any]], output_part: str) -> Callback:
    """The callback that owns output `output_part` ("id.property"; duplicate-allowed copies carry "@hash")."""
    for dependency in dependencies:
        if output_part in _output_parts(dependency["output"]):
            return Callback(dependency)
    raise LookupError(f"no callback outputs {output_part}")


class DashSession:
    """HTTP/1.1 keep-alive connection with the session cookie; reconnects after any failure."""

    def __init__(self, host: str, port: int, timeout_s: float = 120) -> None:
        self.host, self.port, self.timeout_s = host, port, timeout_s
        self.cookie = ""
        self._connection = http.client.HTTPConnection(host, port, timeout=timeout_s)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        """Send one request; raises OSError / http.client.HTTPException (after reconnecting) on failure."""
        headers = dict(headers or {})
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            self._connection.request(method, path, body=body, headers=headers)
            response = self._connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.reconnect()
            raise
        set_cookie = response.getheader("Set-Cookie")
        if set_cookie and set_cookie.startswith("session="):
            self.cookie = set_cookie.split(";", 1)[0]
        return Reply(response.status, data)

    def callback(self, callback: Callback, values: dict[str, Any], changed: list[str]) -> Reply:
        return self.request("POST", CALLBACK_PATH, callback.body(values, changed),
                            {"Content-Type": "application/json", "Accept": "application/json"})

    def reconnect(self) -> None:
        """Close the connection and open a new one (the session cookie is kept)."""
        self.close()
        self._connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout_s)

    def close(self) -> None:
        self._connection.close()
