"""A signed-in browser for the attacks (requests.Session: cookies, the CSRF token from its
cookie on every POST as a form field and as `X-CSRFToken`), and the log of every exchange the
suite makes, which the global checks read: no answer is a server error, and no request made
without the right to see personal data is answered 2xx with any of it."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import requests

TIMEOUT = 60  # seconds: longer than any refusal should take, shorter than the server's worker
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Exchange:
    who: str
    method: str
    path: str
    status: int
    headers: dict[str, str]
    text: str  # the body as text (a Word document's XML text, unzipped)
    unauthorised: bool  # made without the right to see personal data


@dataclass
class Log:
    exchanges: list[Exchange] = field(default_factory=list)

    def since(self, start: int) -> list[Exchange]:
        return self.exchanges[start:]


def body_text(response: requests.Response) -> str:
    """The body as text; a Word document's text is inside its zip."""
    kind = response.headers.get("Content-Type", "")
    if kind.startswith(DOCX):
        try:
            with zipfile.ZipFile(io.BytesIO(response.content)) as document:
                return document.read("word/document.xml").decode("utf-8", "replace")
        except (zipfile.BadZipFile, KeyError):
            return response.content.decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


class Browser:
    """One account's browser (or an anonymous one, `who=""`)."""

    def __init__(self, base: str, log: Log, who: str = "", *, forwarded_for: str = "") -> None:
        self.base = base
        self.log = log
        self.who = who
        self.session = requests.Session()
        if forwarded_for:
            self.session.headers["X-Forwarded-For"] = forwarded_for

    # -- signing in --------------------------------------------------------------------------

    def csrf(self) -> str:
        token = self.session.cookies.get("csrftoken")
        if not token:
            page = self.session.get(self.base + "/sign-in/", timeout=TIMEOUT)
            token = self.session.cookies.get("csrftoken") or ""
            if not token and (found := CSRF_FIELD.search(page.text)):
                token = found[1]
        return token or ""

    def sign_in(self, username: str, password: str) -> requests.Response:
        """Through the sign-in form, as a browser: its CSRF token from the page and cookie."""
        page = self.session.get(self.base + "/sign-in/", timeout=TIMEOUT)
        found = CSRF_FIELD.search(page.text)
        token = found[1] if found else self.session.cookies.get("csrftoken", "")
        response = self.session.post(
            self.base + "/sign-in/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
            headers={"Referer": self.base + "/sign-in/"},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        self._logged("POST", "/sign-in/", response, unauthorised=True)
        return response

    # -- requests ----------------------------------------------------------------------------

    def get(
        self,
        path: str,
        *,
        params: Any = None,
        headers: dict[str, str] | None = None,
        unauthorised: bool = False,
    ) -> requests.Response:
        response = self.session.get(
            self.base + path,
            params=params,
            headers=headers,
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        return self._logged("GET", path, response, unauthorised=unauthorised)

    def post(
        self,
        path: str,
        data: Any = None,
        *,
        json: Any = None,
        files: Any = None,
        headers: dict[str, str] | None = None,
        unauthorised: bool = False,
        csrf: bool = True,
    ) -> requests.Response:
        token = self.csrf() if csrf else ""
        sent_headers = {"Referer": self.base + path, **(headers or {})}
        if token:
            sent_headers["X-CSRFToken"] = token
        if json is None:
            if isinstance(data, dict):
                data = {"csrfmiddlewaretoken": token, **data}
            elif isinstance(data, list):
                data = [("csrfmiddlewaretoken", token), *data]
            elif data is None:
                data = {"csrfmiddlewaretoken": token}
        response = self.session.post(
            self.base + path,
            data=data,
            json=json,
            files=files,
            headers=sent_headers,
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        return self._logged("POST", path, response, unauthorised=unauthorised)

    def _logged(
        self, method: str, path: str, response: requests.Response, *, unauthorised: bool
    ) -> requests.Response:
        self.log.exchanges.append(
            Exchange(
                who=self.who or "anonymous",
                method=method,
                path=path[:200],
                status=response.status_code,
                headers=dict(response.headers),
                text=body_text(response),
                unauthorised=unauthorised,
            )
        )
        return response
