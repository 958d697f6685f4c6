"""PostgreSQL goes away for a moment: Parley answers webhooks 5xx (so WhatsApp
retries them), reports itself unhealthy, and recovers on its own when the
database is back -- no restart -- storing the retried message once.

Runs a PostgreSQL cluster of its own (initdb in a temporary folder), so that
stopping it does not disturb the other tests' database. PostgreSQL pass only.
"""

import glob
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
import requests

from conftest import ParleyServer, free_port
from test_outbox_restart import accepted_sends, connect  # noqa: F401
from test_whatsapp_e2e import simulator, wait_until  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(not os.environ.get("PARLEY_TEST_DATABASE_URL"),
                                reason="the outage is a PostgreSQL server's")


def pg_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        pytest.fail(f"{name} not found under /usr/lib/postgresql", pytrace=False)
    return found[-1]


class Cluster:
    """A throwaway PostgreSQL server on a free port."""

    def __init__(self, root):
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.log = root / "postgres.log"

    def run(self, *args):
        cmd = list(args)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        subprocess.run(cmd, check=True, cwd="/", stdin=subprocess.DEVNULL, capture_output=True, timeout=120)

    def init(self):
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self.run(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                 "--no-locale", "--no-sync")
        return self

    def start(self):
        self.run(pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o",
                 f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} -c fsync=off",
                 "start")

    def stop(self):
        self.run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def cluster():
    # Not under pytest's temporary folder: the postgres user cannot enter root's.
    root = Path(tempfile.mkdtemp(prefix="parley-outage-pg."))
    c = Cluster(root).init()
    c.start()
    yield c
    try:
        c.stop()
    except subprocess.CalledProcessError:
        pass  # already stopped
    shutil.rmtree(root, ignore_errors=True)


def test_database_outage_answers_5xx_then_recovers_without_restart(tmp_path, simulator, cluster):  # noqa: F811
    server = ParleyServer(tmp_path / "data", tmp_path / "parley.log", cluster.url,
                          extra_args=["--graph-url", simulator.graph_url])
    server.start()
    try:
        api = connect(server, simulator)
        uid = simulator.control("POST", "/users", json={"name": "Olga Outage", "phone": "4915177711122"})["user_id"]
        first = simulator.control("POST", f"/users/{uid}/messages", json={"type": "text", "text": "before the outage"})
        assert first["delivery"]["delivered"] is True, first

        # --- the database goes away: webhooks are refused with 5xx, health says so, nothing is acknowledged
        cluster.stop()
        health = requests.get(server.url("/healthz"), timeout=10)
        assert health.status_code == 503, health.text
        simulator.control("PUT", "/delivery", json={"webhook_url": server.url("/webhooks/whatsapp")})
        during = {}

        def send_during_outage():
            during["answer"] = simulator.control("POST", f"/users/{uid}/messages",
                                                 json={"type": "text", "text": "during the outage"}, timeout=300)

        sender = threading.Thread(target=send_during_outage)
        sender.start()
        # The simulator retries with backoff; its first attempts must have failed with a 5xx.

        def failed_attempt():
            records = simulator.control("GET", "/deliveries")["deliveries"]
            last = records[-1] if records else {}
            return (last.get("attempts", 0) >= 1 and not last.get("delivered")
                    and 500 <= (last.get("last_status") or 0) < 600, last)

        record = wait_until("a webhook refused with 5xx", failed_attempt, timeout=30)
        assert record["last_status"] >= 500, record
        assert server.proc.poll() is None, "parley died when the database went away"

        # --- the database is back: the retried webhook is stored, health recovers, no restart
        cluster.start()
        sender.join(timeout=180)
        assert not sender.is_alive(), "the simulator never got the webhook through"
        assert during["answer"]["delivery"]["delivered"] is True, during["answer"]
        wait_until("healthz ok", lambda: (lambda r: (r.status_code == 200, r.text))(
            requests.get(server.url("/healthz"), timeout=10)), timeout=30)
        tickets = api.call("GET", "/api/v2/tickets.json")["tickets"]
        assert len(tickets) == 1, tickets
        bodies = [c["body"] for c in api.call("GET", f"/api/v2/tickets/{tickets[0]['id']}/comments.json")["comments"]]
        assert bodies == ["before the outage", "during the outage"], bodies
        assert server.proc.poll() is None
    finally:
        rc, _ = server.stop()
        assert rc == 0, server.exit_report(rc)
