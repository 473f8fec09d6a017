"""A minimal W3C WebDriver client for Debian's chromedriver, over urllib: enough to open a page in headless
Chromium, run a script in it, click, type and take a screenshot. The browser tests and benchmarks/bench_html.py
use it; it needs nothing beyond the standard library."""
from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars",
                  # Nothing resolves but the loopback address, so no request leaves the machine.
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


def available() -> bool:
    return CHROMIUM.exists() and CHROMEDRIVER.exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebDriverError(RuntimeError):
    pass


class Browser:
    """Headless Chromium driven through chromedriver; use as a context manager."""

    def __init__(self, width: int = 1400, height: int = 900):
        self.port = free_port()
        self._tmp = tempfile.TemporaryDirectory(prefix="kgraph-webdriver-")
        self._driver = subprocess.Popen([str(CHROMEDRIVER), f"--port={self.port}"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                self._call("GET", "/status")
                break
            except (OSError, WebDriverError):
                if time.monotonic() > deadline:
                    self.close()
                    raise
                time.sleep(0.1)
        flags = CHROMIUM_FLAGS + [f"--window-size={width},{height}", f"--user-data-dir={self._tmp.name}/profile"]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": str(CHROMIUM), "args": flags}}}}
        self.session = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method: str, path: str, body: dict | None = None, timeout: float = 120):
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.load(response).get("value")
        except urllib.error.HTTPError as exc:
            raise WebDriverError(exc.read().decode("utf-8", "replace")[:2000]) from exc

    def _session(self, method: str, path: str, body: dict | None = None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def open(self, url: str) -> None:
        self._session("POST", "/url", {"url": url})

    def run(self, script: str, *args):
        """Run ``script`` (a function body; ``arguments`` holds ``args``) in the page; its return value."""
        return self._session("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait_for(self, script: str, timeout: float = 30, *args):
        """Poll ``script`` until it returns something truthy; that value. Raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.run(script, *args)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"waited {timeout} s for: {script}")
            time.sleep(0.05)

    def find(self, css: str) -> str:
        found = self._session("POST", "/element", {"using": "css selector", "value": css})
        return next(iter(found.values()))

    def click(self, css: str) -> None:
        self._session("POST", f"/element/{self.find(css)}/click", {})

    def type(self, css: str, text: str) -> None:
        self._session("POST", f"/element/{self.find(css)}/value", {"text": text})

    def search(self, text: str, timeout: float = 30) -> None:
        """Type ``text`` into the kgraph page's search box and click the first result that names it (by script:
        the list is redrawn as the keys arrive, so a found element may be gone when clicked)."""
        self.run("document.getElementById('kg-search').value = ''")
        self.type("#kg-search", text)
        pick = ("return Array.from(document.querySelectorAll('#kg-results button'))"
                ".find(b => b.textContent.indexOf(arguments[0]) >= 0) || null")
        self.wait_for(pick.replace("|| null", "? true : false"), timeout, text)
        self.run(pick.replace("return ", "var b = ").replace("|| null", "; b.click(); return true"), text)

    def screenshot(self, path: str | os.PathLike) -> None:
        Path(path).write_bytes(base64.b64decode(self._session("GET", "/screenshot")))

    def close(self) -> None:
        try:
            if getattr(self, "session", None):
                self._session("DELETE", "")
        except (OSError, WebDriverError):
            pass
        finally:
            if self._driver.poll() is None:
                os.killpg(self._driver.pid, signal.SIGTERM)
                try:
                    self._driver.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(self._driver.pid, signal.SIGKILL)
            self._tmp.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
