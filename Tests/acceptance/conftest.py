"""Fixtures that start a real Parley server and point clients at it.

Environment:
  PARLEY_BIN                path to the parley binary (default: .build/debug/parley,
                            relative to the repository root)
  PARLEY_TEST_DATABASE_URL  postgres://user@host:port/db of a PostgreSQL *server*;
                            when set, a fresh database is created for this run and
                            the shared server uses it instead of SQLite.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "acceptance-Secret-42"
STARTUP_TIMEOUT = 60.0  # seconds until /healthz must answer 200
STOP_TIMEOUT = 20.0  # seconds between SIGTERM and SIGKILL

# Servers started by the fixtures; their logs are attached to failing tests.
_RUNNING_SERVERS = []


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


class ParleyServer:
    """One `parley serve` process on 127.0.0.1, with its output in a log file."""

    def __init__(self, data_dir, log_path, database_url=None, extra_args=(), extra_env=None):
        self.data_dir = Path(data_dir)
        self.log_path = Path(log_path)
        self.database_url = database_url
        self.extra_args = list(extra_args)  # more `parley serve` flags (e.g. --graph-url)
        self.extra_env = dict(extra_env or {})  # set after the PARLEY_* filter below
        self.port = None
        self.proc = None
        self._log_file = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def url(self, path):
        return self.base_url + path

    def log_text(self, tail_lines=None):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        if tail_lines is not None:
            text = "\n".join(text.splitlines()[-tail_lines:])
        return text

    def start(self):
        binary = parley_bin()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("PARLEY_") or k == "PARLEY_LOG_LEVEL"}
        env["PARLEY_ADMIN_EMAIL"] = ADMIN_EMAIL
        env["PARLEY_ADMIN_PASSWORD"] = ADMIN_PASSWORD
        env.update(self.extra_env)
        last_error = None
        for _attempt in range(3):  # a fresh port if another process grabbed ours
            self.port = free_port()
            cmd = [
                str(binary), "serve",
                "--hostname", "127.0.0.1",
                "--port", str(self.port),
                "--data-dir", str(self.data_dir),
            ]
            if self.database_url:
                cmd += ["--database-url", self.database_url]
            cmd += self.extra_args
            self._log_file = open(self.log_path, "ab")
            self._log_file.write(f"\n===== $ {' '.join(cmd)}\n".encode())
            self._log_file.flush()
            self.proc = subprocess.Popen(
                cmd, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
                stdout=self._log_file, stderr=subprocess.STDOUT,
            )
            _RUNNING_SERVERS.append(self)
            last_error = self._wait_ready()
            if last_error is None:
                return self
            self.stop()
            if "in use" not in self.log_text(tail_lines=20).lower():
                break
        pytest.fail(
            f"parley did not become ready: {last_error}\n"
            f"---- server log {self.log_path} (tail) ----\n"
            f"{self.log_text(tail_lines=200)}",
            pytrace=False,
        )

    def _wait_ready(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT
        last = "no answer yet"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return f"process exited with code {self.proc.returncode}"
            try:
                r = requests.get(self.url("/healthz"), timeout=2)
                if r.status_code == 200 and r.json().get("status") == "ok":
                    return None
                last = f"GET /healthz -> {r.status_code} {r.text[:200]}"
            except (requests.RequestException, ValueError) as e:
                last = f"GET /healthz -> {type(e).__name__}"
            time.sleep(0.2)
        return f"timed out after {STARTUP_TIMEOUT:.0f}s ({last})"

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


# ---------------------------------------------------------------- PostgreSQL

def _psql():
    found = shutil.which("psql")
    if found:
        return found
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
    if candidates:
        return candidates[-1]
    pytest.fail("PARLEY_TEST_DATABASE_URL is set but psql is not installed",
                pytrace=False)


def _run_psql(server_url, sql):
    subprocess.run(
        [_psql(), server_url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=60,
    )


def _with_database(url, dbname):
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, ""))


@pytest.fixture(scope="session")
def database_url():
    """None (SQLite), or the URL of a fresh PostgreSQL database for this run."""
    server_url = os.environ.get("PARLEY_TEST_DATABASE_URL")
    if not server_url:
        yield None
        return
    dbname = "parley_acceptance_" + uuid.uuid4().hex[:10]
    try:
        _run_psql(server_url, f'CREATE DATABASE "{dbname}"')
    except subprocess.CalledProcessError as e:
        pytest.fail(f"could not create database {dbname}: {e.stderr}", pytrace=False)
    yield _with_database(server_url, dbname)
    try:
        _run_psql(server_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    except (subprocess.SubprocessError, OSError):
        pass  # the throwaway cluster is deleted anyway


# ------------------------------------------------------------------- servers

@pytest.fixture(scope="session")
def parley(tmp_path_factory, database_url):
    """The shared server for the API tests (SQLite or PostgreSQL)."""
    root = tmp_path_factory.mktemp("parley")
    server = ParleyServer(root / "data", root / "server.log", database_url)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server_factory(tmp_path):
    """Start servers by hand (restart tests); all are stopped at teardown."""
    started = []

    def make(data_dir, database_url=None, log_name="server.log"):
        server = ParleyServer(data_dir, tmp_path / log_name, database_url)
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


def create_api_token(server, description="zenpy"):
    r = requests.post(
        server.url("/api/v2/api_tokens"),
        json={"api_token": {"description": description}},
        auth=(ADMIN_EMAIL, ADMIN_PASSWORD),
        timeout=30,
    )
    assert r.status_code == 201, f"POST /api/v2/api_tokens -> {r.status_code} {r.text}"
    token = r.json()["api_token"]
    assert isinstance(token.get("id"), int), token
    assert isinstance(token.get("token"), str) and len(token["token"]) >= 16, token
    assert token.get("description") == description, token
    return token["token"]


@pytest.fixture(scope="session")
def admin_token(parley):
    return create_api_token(parley)


@pytest.fixture(scope="session")
def zenpy_client(parley, admin_token):
    """An unmodified zenpy client talking plain HTTP to the local server."""
    from zenpy import Zenpy

    saved = os.environ.get("ZENPY_FORCE_SCHEME")
    os.environ["ZENPY_FORCE_SCHEME"] = "http"
    # zenpy builds the host as f"{subdomain}.{domain}" -> "127.0.0.1:PORT".
    client = Zenpy(
        subdomain="127.0.0",
        domain=f"1:{parley.port}",
        email=ADMIN_EMAIL,
        token=admin_token,
        disable_cache=True,  # every read must hit the server
        timeout=30,
    )
    yield client
    if saved is None:
        os.environ.pop("ZENPY_FORCE_SCHEME", None)
    else:
        os.environ["ZENPY_FORCE_SCHEME"] = saved


# --------------------------------------------- server log on failing tests

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed and _RUNNING_SERVERS:
        for server in _RUNNING_SERVERS:
            report.sections.append(
                (f"parley server log, tail ({server.log_path})",
                 server.log_text(tail_lines=60)))
