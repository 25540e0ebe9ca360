"""A real headless Chromium (Debian's, installed by scripts/install-chromium) driven over its DevTools protocol, with
aiohttp's websocket client (a dependency of wifiops already): open a page, read it with JavaScript, wait for it to
change by itself, take a screenshot, and list every request it made. tests/reports prints with the same binary."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM = Path("/usr/bin/chromium")


class Chromium:
    def __init__(self, profile: Path, width: int = 1400, height: int = 1100) -> None:
        profile.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", "--remote-debugging-port=0", "--remote-allow-origins=*",
             f"--window-size={width},{height}", f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.05)
        self.port = int(port_file.read_text().split()[0])
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.ids = itertools.count(1)
        self.pending: dict[int, asyncio.Future[Any]] = {}
        self.requests: list[str] = []
        self.navigations = 0
        self._call(self._connect())

    def _call(self, coro: Any, timeout: float = 30) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=timeout)

    async def _connect(self) -> None:
        self.http = aiohttp.ClientSession()
        async with self.http.get(f"http://127.0.0.1:{self.port}/json/list") as answer:
            targets = await answer.json()
        page = next(t for t in targets if t["type"] == "page")
        self.ws = await self.http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        self.reader = asyncio.ensure_future(self._read())
        for method in ("Page.enable", "Network.enable", "Runtime.enable"):
            await self._send(method)

    async def _read(self) -> None:
        async for message in self.ws:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            elif data.get("method") == "Network.requestWillBeSent":
                self.requests.append(data["params"]["request"]["url"])
            elif data.get("method") == "Page.frameNavigated" and not data["params"]["frame"].get("parentId"):
                self.navigations += 1

    async def _send(self, method: str, **params: Any) -> Any:
        number = next(self.ids)
        future: asyncio.Future[Any] = self.loop.create_future()
        self.pending[number] = future
        await self.ws.send_str(json.dumps({"id": number, "method": method, "params": params}))
        answer = await asyncio.wait_for(future, 30)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def navigate(self, url: str) -> None:
        self._call(self._send("Page.navigate", url=url))

    def evaluate(self, expression: str) -> Any:
        result = self._call(self._send("Runtime.evaluate", expression=expression, returnByValue=True))
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 10.0) -> Any:
        """Until `expression` is truthy in the page (read every 50 ms); its value."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.evaluate(expression)
            except RuntimeError:  # the document is not there yet
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"the page never showed {expression} within {timeout} s")
            time.sleep(0.05)

    def screenshot(self, path: Path) -> Path:
        result = self._call(self._send("Page.captureScreenshot", format="png", captureBeyondViewport=True))
        path.write_bytes(base64.b64decode(result["data"]))
        return path

    def close(self) -> None:
        if hasattr(self, "ws"):
            async def end() -> None:
                await self.ws.close()
                await self.http.close()
            try:
                self._call(end(), timeout=5)
            except Exception:
                pass
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=5)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
