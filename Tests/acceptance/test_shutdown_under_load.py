"""SIGTERM while customers keep writing and agents keep replying.

Parley must stop accepting connections, finish the requests it is handling,
and exit 0 -- never crash -- and every webhook it answered 200 must be stored
(WhatsApp does not resend what was acknowledged). Three rounds, each stopping
the server at a different moment of the traffic, on the same data; after the
last one a fresh server checks what was kept.

Before graceful shutdown stopped the HTTP server first, Vapor cleared the
database configuration while requests were still being accepted, and a request
arriving in that moment crashed the process (`req.db` on a nil database): this
test saw that in every round.
"""

import random
import string
import threading
import time

import requests

from conftest import ADMIN_EMAIL, ParleyServer
from test_outbox_restart import TokenApi, connect
from test_whatsapp_e2e import e2e_database, simulator  # noqa: F401  (fixtures)

ROUNDS = 3
CUSTOMERS = 4


def words(n=3):
    """Letters only: a long run of digits could be taken for a card number and masked."""
    return " ".join("".join(random.choices(string.ascii_lowercase, k=6)) for _ in range(n))


class Traffic:
    """Customers writing (through the simulator, which retries a webhook until some Parley answers it) and an
    agent answering on their tickets, until stopped."""

    def __init__(self, simulator, users):
        self.simulator = simulator
        self.users = users
        self.server = None  # the Parley currently running; swapped on restart
        self.token = None
        self.acknowledged = []  # texts whose webhook Parley answered 2xx
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.customer, args=(i, uid)) for i, uid in enumerate(users)]
        self.threads.append(threading.Thread(target=self.agent))

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=120)
        assert not any(t.is_alive() for t in self.threads), "a customer's message was never delivered or given up"

    def customer(self, index, uid):
        n = 0
        while not self.stopping.is_set():
            n += 1
            text = f"customer {index} message {n}: {words()}"
            answer = self.simulator.control("POST", f"/users/{uid}/messages", json={"type": "text", "text": text},
                                            timeout=300)
            if answer.get("delivery", {}).get("delivered") is True:
                with self.lock:
                    self.acknowledged.append(text)

    def agent(self):
        session = requests.Session()
        while not self.stopping.is_set():
            server = self.server
            session.auth = (f"{ADMIN_EMAIL}/token", self.token)
            try:
                tickets = session.get(server.url("/api/v2/tickets.json"), timeout=5).json()["tickets"]
                if tickets:
                    ticket = random.choice(tickets)
                    session.put(server.url(f"/api/v2/tickets/{ticket['id']}.json"), timeout=5, json={
                        "ticket": {"comment": {"body": f"We are on it: {words(2)}", "public": True}}})
            except (requests.RequestException, ValueError, KeyError, TypeError):
                time.sleep(0.05)  # the server is restarting


def stored_texts(api):
    texts = set()
    for ticket in api.call("GET", "/api/v2/tickets.json?per_page=100")["tickets"]:
        path = f"/api/v2/tickets/{ticket['id']}/comments.json?per_page=100"
        while path:
            page = api.call("GET", path)
            texts.update(c["body"] for c in page["comments"])
            path = page.get("next_page") and page["next_page"].replace(api.server.base_url, "")
    return texts


def test_sigterm_under_load_exits_cleanly_and_keeps_what_it_acknowledged(tmp_path, simulator, e2e_database):  # noqa: F811
    server = ParleyServer(tmp_path / "data", tmp_path / "parley.log", e2e_database,
                          extra_args=["--graph-url", simulator.graph_url])
    server.start()
    try:
        api = connect(server, simulator)
        users = [simulator.control("POST", "/users", json={"name": f"Customer {i}", "phone": f"4915177700{i:02d}"})
                 ["user_id"] for i in range(CUSTOMERS)]
        traffic = Traffic(simulator, users)
        traffic.server, traffic.token = server, api.session.auth[1]
        traffic.start()
        try:
            for round_number in range(ROUNDS):
                time.sleep(1.0 + round_number * 0.7)
                rc, needed_kill = server.stop()
                assert not needed_kill, f"round {round_number + 1}: parley ignored SIGTERM; {server.exit_report(rc)}"
                assert rc == 0, f"round {round_number + 1}: on SIGTERM under load, {server.exit_report(rc)}"
                assert not server.crash_lines(), server.exit_report(rc)
                server.start()
                simulator.control("PUT", "/delivery", json={"webhook_url": server.url("/webhooks/whatsapp")})
            time.sleep(1.0)
        finally:
            traffic.stop()

        acknowledged = traffic.acknowledged
        assert len(acknowledged) >= ROUNDS * CUSTOMERS, f"too little traffic to test anything: {len(acknowledged)}"
        missing = set(acknowledged) - stored_texts(TokenApi(server, traffic.token))
        assert not missing, f"{len(missing)} of {len(acknowledged)} acknowledged messages were lost: {sorted(missing)[:5]}"
    finally:
        server.stop()
