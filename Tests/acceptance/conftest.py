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
import subprocess
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from processes import (  # noqa: F401  (re-exported for the test modules)
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    REPO_ROOT,
    STOP_TIMEOUT,
    _RUNNING_SERVERS,
    ParleyServer,
    SimulatorProcess,
    free_port,
    parley_bin,
)

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


def database_rows(server, sql):
    """Rows (tuples of strings, or of SQLite's values) of a query on a ParleyServer's own database, read
    directly: on SQLite a read-only connection to its file (safe while it runs, or after it was killed)."""
    if server.database_url:
        out = subprocess.run([_psql(), server.database_url, "-X", "-A", "-t", "-F", "\t", "-c", sql],
                             check=True, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=300).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line.strip()]
    import sqlite3
    db = sqlite3.connect(f"file:{server.data_dir / 'parley.sqlite'}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


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
