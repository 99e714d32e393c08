"""A real `claimlens serve` (gunicorn) in a subprocess, for tests and benchmarks that need real workers."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


@dataclass
class LiveServer:
    """A running service: its base URL, the gunicorn master process and the file its log goes to."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def request(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                timeout: float = 120) -> Reply:
        """Send one request; HTTP errors come back as a Reply, connection failures raise OSError."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Reply(response.status, json.loads(response.read() or b"null"), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, json.loads(error.read() or b"null"), dict(error.headers))

    def wait_until_healthy(self, timeout: float = 300) -> Reply:
        """Poll /v1/health until a worker answers (models load in each worker first)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}; log in {self.log_path}")
            try:
                reply = self.request("GET", "/v1/health", timeout=5)
                if reply.status == 200:
                    return reply
            except OSError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"no healthy worker within {timeout} s; log in {self.log_path}")

    def log_lines(self) -> list[str]:
        return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(database_url: str, log_path: Path, workers: int = 1, **settings: str) -> Iterator[LiveServer]:
    """Run `claimlens serve` on a free port with these CLAIMLENS_* settings; stop it (SIGTERM) on exit."""
    port = free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "CLAIMLENS_DATABASE_URL": database_url,
           **{f"CLAIMLENS_{name.upper()}": value for name, value in settings.items()}}
    log: BinaryIO
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", str(workers)],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield LiveServer(f"http://127.0.0.1:{port}", process, log_path)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
