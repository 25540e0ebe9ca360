"""Reading a device over its REST API (HTTPS, `showcommand`): the `transport: rest | auto` of a host.

Only reads: a show command's JSON (docs/rest-api.md). Pushes stay on the SSH session, whose per-line
refusal, purge and verification the REST path does not have. The device's certificate is verified
against the inventory's CA file (as for ClearPass), else the system's CAs; never turned off. The token
travels as the `UIDARUBA` parameter, as the API guide shows, and the session is logged out at close:
a device holds few API sessions.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import httpx

from wifiops.errors import CommandRefused, DeviceError, LoginRefused, NoAnswer

DEFAULT_PORT = 4343  # where real Mobility Conductors and controllers serve it


class RestUnavailable(DeviceError):
    """The REST API could not be reached or spoke something else: `auto` then reads over SSH."""


class RestCertificateError(DeviceError):
    """The API's certificate does not verify against the CA file: never a reason to read over SSH
    instead without a word (it may be another server answering); the person decides."""


def _bad_certificate(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class RestReader:
    """One logged-in API session of one host."""

    def __init__(self, name: str, address: str, port: int | None, username: str, password: str, *,
                 ca_file: str | Path | None = None, timeout: float = 30.0) -> None:
        self.name = name
        verify = ssl.create_default_context(cafile=str(ca_file)) if ca_file else ssl.create_default_context()
        self.client = httpx.Client(base_url=f"https://{address}:{port or DEFAULT_PORT}", verify=verify,
                                   timeout=timeout, trust_env=False)
        self.uid = ""
        try:
            answer = self.client.post("/v1/api/login", data={"username": username, "password": password})
        except httpx.TimeoutException:
            self.client.close()
            raise NoAnswer(name, f"no answer from its REST API in {timeout:g} s") from None
        except httpx.HTTPError as exc:
            self.client.close()
            bad = _bad_certificate(exc)
            if bad is not None:
                raise RestCertificateError(name, f"its REST API's certificate does not verify against "
                                                 f"{ca_file or 'the system CAs'} ({bad.verify_message}): put the "
                                                 f"CA that signed it in that file, or read it over SSH "
                                                 f"(transport: ssh)") from None
            raise RestUnavailable(name, f"its REST API cannot be reached ({type(exc).__name__}: {exc})") from None
        result = self._result(answer)
        if answer.status_code == 401:
            self.client.close()
            raise LoginRefused(name, "its REST API refused the username or password")
        if answer.status_code != 200 or not result.get("UIDARUBA"):
            self.client.close()
            raise RestUnavailable(name, f"its REST API answered login with HTTP {answer.status_code}")
        self.uid = str(result["UIDARUBA"])

    def _result(self, answer: httpx.Response) -> dict[str, Any]:
        try:
            body = answer.json()
        except ValueError:
            return {}
        result = body.get("_global_result") if isinstance(body, dict) else None
        return result if isinstance(result, dict) else {}

    def show(self, command: str) -> dict[str, Any]:
        """The JSON answer of one show command."""
        try:
            answer = self.client.get("/v1/configuration/showcommand", params={"command": command,
                                                                               "UIDARUBA": self.uid})
        except httpx.TimeoutException:
            raise NoAnswer(self.name, f"its REST API did not answer {command!r} in time") from None
        except httpx.HTTPError as exc:
            raise RestUnavailable(self.name, f"its REST API was lost during {command!r} ({exc})") from None
        if answer.status_code != 200:
            raise CommandRefused(self.name, command, str(self._result(answer).get("status_str") or answer.status_code))
        try:
            body = answer.json()
        except ValueError:
            raise RestUnavailable(self.name, f"its REST API answered {command!r} with something not JSON") from None
        if not isinstance(body, dict):
            raise RestUnavailable(self.name, f"its REST API answered {command!r} with a JSON {type(body).__name__}")
        return body

    def close(self) -> None:
        try:
            if self.uid:
                self.client.get("/v1/api/logout", params={"UIDARUBA": self.uid})
        except httpx.HTTPError:
            pass  # the session times out on the device
        finally:
            self.client.close()
