"""The application as a real server process, and a browser-like client for it: for the tests
that need real processes (a kill in the middle of a save, concurrent writers)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The application in a process of its own, threaded, as `flask run` serves it."""

    def __init__(self, url: str) -> None:
        self.url, self.port = url, free_port()
        code = (
            "from werkzeug.serving import run_simple; from evaluation import create_app; "
            f"run_simple('127.0.0.1', {self.port}, create_app(), threaded=True)"
        )
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "live-server-" + "k" * 32}
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/login", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no cleanup, no rollback by the application
        self.process.wait(timeout=10)


class Browser:
    """Cookies and CSRF tokens, the way a browser keeps them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, form_page: str, data: dict[str, str], timeout: float = 60) -> int:
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form_page).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        with self.opener.open(self.base + path, data=body, timeout=timeout) as response:
            return response.status
