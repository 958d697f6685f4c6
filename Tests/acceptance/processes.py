"""The processes the acceptance tests start: `parley serve`, `parley simulator`
(and, in test_browser.py, `parley demo`). Each runs on 127.0.0.1 with its
output in a log file; the logs of running ones are attached to failing tests.
"""

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "acceptance-Secret-42"
STOP_TIMEOUT = 20.0  # seconds between SIGTERM and SIGKILL

# Started processes; their logs are attached to failing tests.
_RUNNING_SERVERS = []

# What a crashing Swift program (or the runtime under it) prints.
_CRASH_LINE = re.compile(
    r"Fatal error|Precondition failed|Assertion failed|BUG DETECTED|SWIFT TASK CONTINUATION MISUSE"
    r"|Received signal|Illegal instruction|Segmentation fault|leaking promise|Thread \d+ crashed"
    r"|^\s*\d+\s+0x[0-9a-f]+ |^\d+\s+.*\bin\b.*\bat\b /",
    re.IGNORECASE,
)


def parley_bin():
    raw = os.environ.get("PARLEY_BIN", ".build/debug/parley")
    path = Path(raw)
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(
            f"parley binary not found or not executable: {path} "
            "(build it with `swift build`, or set PARLEY_BIN)",
            pytrace=False,
        )
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _masked(cmd):
    """The command line for the log, without the values of secret flags (tests look for leaks in logs)."""
    shown = []
    for i, part in enumerate(cmd):
        flag = cmd[i - 1] if i else ""
        secret = flag.startswith("--") and any(w in flag for w in ("secret", "token", "password"))
        shown.append("***" if secret else part)
    return shown


class ManagedProcess:
    """A `parley` subcommand serving HTTP on a free port. Subclasses say how to
    run it (`command`) and when it is ready (`probe`)."""

    name = "parley"
    ready_timeout = 60.0

    def __init__(self, log_path, extra_env=None):
        self.log_path = Path(log_path)
        self.extra_env = dict(extra_env or {})  # set after the PARLEY_* filter
        self.port = None
        self.proc = None
        self._log_file = None

    # --- what subclasses define

    def allocate_ports(self):
        self.port = free_port()

    def command(self):
        raise NotImplementedError

    def probe(self):
        """None when ready, else what was seen."""
        raise NotImplementedError

    # --- addresses and logs

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path):
        return self.base_url + path

    def log_text(self, tail_lines=None):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return f"(no {self.name} log)"
        if tail_lines is not None:
            text = "\n".join(text.splitlines()[-tail_lines:])
        return text

    def crash_lines(self, limit=40):
        """The lines of the log that tell why the process crashed, if it did."""
        lines = [line for line in self.log_text().splitlines() if _CRASH_LINE.search(line)]
        return "\n".join(lines[:limit])

    def exit_report(self, rc):
        """For assertion messages: the exit status and, after a crash, its cause from the log."""
        crash = self.crash_lines()
        report = f"{self.name} exited with {rc}"
        if crash:
            report += f"; crash lines from {self.log_path}:\n{crash}"
        elif rc not in (0, None):
            report += f"; log tail:\n{self.log_text(tail_lines=30)}"
        return report

    # --- running

    def environment(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("PARLEY_") or k == "PARLEY_LOG_LEVEL"}
        env.update(self.extra_env)
        return env

    def start(self):
        last = "not started"
        for _attempt in range(3):  # fresh ports if another process grabbed ours
            self.allocate_ports()
            cmd = [str(part) for part in self.command()]
            self._log_file = open(self.log_path, "ab")
            self._log_file.write(f"\n===== $ {' '.join(_masked(cmd))}\n".encode())
            self._log_file.flush()
            self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=self.environment(),
                                         stdin=subprocess.DEVNULL,
                                         stdout=self._log_file, stderr=subprocess.STDOUT)
            _RUNNING_SERVERS.append(self)
            last = self._wait_ready()
            if last is None:
                return self
            self.stop()
            if "in use" not in self.log_text(tail_lines=20).lower():
                break
        pytest.fail(f"{self.name} did not become ready: {last}\n"
                    f"---- log {self.log_path} (tail) ----\n{self.log_text(tail_lines=200)}",
                    pytrace=False)

    def _wait_ready(self):
        deadline = time.monotonic() + self.ready_timeout
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return f"process exited with code {self.proc.returncode}"
            try:
                last = self.probe()
                if last is None:
                    return None
            except (requests.RequestException, ValueError) as e:
                last = f"{type(e).__name__}: {e}"
            time.sleep(0.1)
        return f"timed out after {self.ready_timeout:.0f}s ({last})"

    def stop(self):
        """SIGTERM, wait, then SIGKILL. Returns (returncode, needed_sigkill)."""
        if self.proc is None:
            return None, False
        killed = False
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                killed = True
                self.proc.kill()
                self.proc.wait(timeout=10)
        rc = self.proc.returncode
        self.proc = None
        if self._log_file:
            self._log_file.close()
            self._log_file = None
        if self in _RUNNING_SERVERS:
            _RUNNING_SERVERS.remove(self)
        return rc, killed


class ParleyServer(ManagedProcess):
    """One `parley serve`, ready when /healthz says ok."""

    name = "parley serve"

    def __init__(self, data_dir, log_path, database_url=None, extra_args=(), extra_env=None):
        super().__init__(log_path, extra_env)
        self.data_dir = Path(data_dir)
        self.database_url = database_url
        self.extra_args = list(extra_args)  # more `parley serve` flags (e.g. --graph-url)

    def environment(self):
        env = super().environment()
        env.setdefault("PARLEY_ADMIN_EMAIL", ADMIN_EMAIL)
        env.setdefault("PARLEY_ADMIN_PASSWORD", ADMIN_PASSWORD)
        return env

    def start(self):
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return super().start()

    def command(self):
        cmd = [parley_bin(), "serve", "--hostname", "127.0.0.1", "--port", self.port,
               "--data-dir", self.data_dir]
        if self.database_url:
            cmd += ["--database-url", self.database_url]
        return cmd + self.extra_args

    def probe(self):
        r = requests.get(self.url("/healthz"), timeout=2)
        if r.status_code == 200 and r.json().get("status") == "ok":
            return None
        return f"GET /healthz -> {r.status_code} {r.text[:200]}"


class SimulatorProcess(ManagedProcess):
    """One `parley simulator`, ready when its control API answers."""

    name = "parley simulator"
    ready_timeout = 30.0

    def __init__(self, log_path, app_secret, access_token, extra_args=(), extra_env=None,
                 graph_version="v21.0"):
        super().__init__(log_path, extra_env)
        self.graph_version = graph_version
        self.app_secret = app_secret
        self.access_token = access_token
        self.extra_args = list(extra_args)  # --webhook-url, --phone-number-id, ...

    @property
    def graph_url(self):
        """The Graph API base URL to give Parley (`--graph-url`)."""
        return self.url("/" + self.graph_version)

    def command(self):
        return [parley_bin(), "simulator", "--hostname", "127.0.0.1", "--port", self.port,
                "--app-secret", self.app_secret, "--access-token", self.access_token,
                *self.extra_args]

    def probe(self):
        r = requests.get(self.url("/_sim/stats"), timeout=2)
        return None if r.status_code == 200 else f"GET /_sim/stats -> {r.status_code}"

    def control(self, method, path, expect=(200, 201), timeout=30, **kwargs):
        """A call to the control API (/_sim): the phone side, the clock, delivery modes."""
        r = requests.request(method, self.url("/_sim" + path), timeout=timeout, **kwargs)
        assert r.status_code in expect, f"{method} /_sim{path} -> {r.status_code} {r.text}"
        return r.json()
