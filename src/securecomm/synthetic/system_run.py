"""The system running on a home as it is deployed — ``securecomm serve`` and ``securecomm
worker``, each a process of its own — and a jail's client for it (the REST API with the
jail's key). ``securecomm demo`` drives bookings through it; nothing here takes a shortcut
around the API or the worker."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from types import TracebackType

import httpx

from securecomm.config import Settings
from securecomm.errors import SecurecommError

START_TIMEOUT_SECONDS = 120.0
STOP_GRACE_SECONDS = 30.0


class SystemRunError(SecurecommError):
    """A process of the running system failed or did not answer in time."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Answer:
    tcn: str
    tot: str
    content: str


@dataclass
class RunningSystem:
    """``serve`` and one ``worker`` on ``settings.home`` (their output under ``home/logs``)."""

    settings: Settings
    port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> RunningSystem:
        env = dict(os.environ, SECURECOMM_HOME=str(self.settings.home.resolve()))
        if self.settings.database_url:
            env["SECURECOMM_DATABASE_URL"] = self.settings.database_url
        logs = self.settings.home / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        commands = {
            "serve": ["serve", "--port", str(self.port)],
            "worker": ["worker"],
        }
        for name, args in commands.items():
            with (logs / f"{name}.log").open("ab") as log:
                self.processes[name] = subprocess.Popen(
                    [sys.executable, "-m", "securecomm", *args],
                    env=env, stdout=log, stderr=subprocess.STDOUT, process_group=0,
                )  # fmt: skip
        self._wait_for_api()
        return self

    def _wait_for_api(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                if httpx.get(f"{self.base_url}/openapi.json", timeout=2).is_success:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemRunError(f"the API did not answer within {START_TIMEOUT_SECONDS:.0f} s")

    def check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                log = self.settings.home / "logs" / f"{name}.log"
                raise SystemRunError(
                    f"securecomm {name} exited with code {process.returncode} (see {log})"
                )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def submit(self, raw: bytes, api_key: str, *, timeout: float = 600.0) -> Answer:
        """Post a booking as the jail does and wait for its SRE or ERRT."""
        headers = {"Authorization": f"Bearer {api_key}",
                   "Content-Type": "application/octet-stream"}  # fmt: skip
        with httpx.Client(base_url=self.base_url, headers=headers, timeout=30.0) as client:
            response = client.post("/submissions", content=raw)
            if response.status_code >= 400:
                raise SystemRunError(f"the API refused the booking: {response.text}")
            tcn = response.json()["tcn"]
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                self.check_alive()
                body = client.get(f"/submissions/{tcn}").raise_for_status().json()
                if body.get("answer"):
                    return Answer(tcn, body["answer"]["tot"], body["answer"]["content"])
                if body.get("fault"):
                    raise SystemRunError(f"booking {tcn}: {body['fault']}")
                time.sleep(0.2)
        raise SystemRunError(f"booking {tcn}: no answer within {timeout:.0f} s")
