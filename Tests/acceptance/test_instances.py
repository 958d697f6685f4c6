"""Two `parley serve` instances on one PostgreSQL database share the work.

- An agent connected (WebSocket) to instance A sees, live, a WhatsApp message
  that arrived through instance B (LISTEN/NOTIFY between instances).
- After each instance's relay connection is cut (pg_terminate_backend), the
  relays reconnect and live events cross between the instances again.
- Agent replies created on both instances are each sent exactly once: the
  customer's phone receives every reply once, none twice, none missing.
- An automation pass runs on one instance only (the lease), though both look
  for due passes.

PostgreSQL only: SQLite is one process's file.
"""

import base64
import json
import os
import time

import subprocess

import pytest
import requests
import websocket

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, ParleyServer, _psql
from test_outbox_restart import TokenApi, accepted_sends, connect, point_webhook_at
from test_whatsapp_e2e import e2e_database, simulator, wait_until  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(not os.environ.get("PARLEY_TEST_DATABASE_URL"),
                                reason="several instances share a PostgreSQL database")

REPLIES_PER_INSTANCE = 10


def live_socket(server):
    auth = base64.b64encode(f"{ADMIN_EMAIL}:{ADMIN_PASSWORD}".encode()).decode()
    ws = websocket.create_connection(server.url("/api/v2/live").replace("http://", "ws://"),
                                     header=[f"Authorization: Basic {auth}"], timeout=15)
    hello = json.loads(ws.recv())
    assert hello.get("type") == "hello", hello
    return ws


def next_event(ws, wanted, timeout=15.0):
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        ws.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            event = json.loads(ws.recv())
        except websocket.WebSocketTimeoutException:
            break
        seen.append(event)
        if wanted(event):
            return event
    pytest.fail(f"no such live event within {timeout:.0f}s; saw {seen}", pytrace=False)


RELAY_BACKENDS = ("FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND datname = current_database() "
                  "AND application_name = 'parley live relay'")


def psql(url, sql):
    return subprocess.run([_psql(), url, "-X", "-A", "-t", "-c", sql], check=True, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60).stdout.strip()


def message_seen_across(simulator, ws, api, uid, text):
    """The user writes (webhooks reach B); the agent's socket on A must hear of it. Returns the ticket id."""
    answer = simulator.control("POST", f"/users/{uid}/messages", json={"type": "text", "text": text})
    assert answer.get("delivery", {}).get("delivered") is True, answer
    event = next_event(ws, lambda e: e.get("type") == "message.received")
    tickets = api.call("GET", "/api/v2/tickets.json")["tickets"]
    assert [t["id"] for t in tickets] == [event["ticket_id"]], (event, tickets)
    return event["ticket_id"]


def test_two_instances_share_live_events_and_send_each_reply_once(tmp_path, simulator, e2e_database):  # noqa: F811
    a = ParleyServer(tmp_path / "a", tmp_path / "a.log", e2e_database, extra_args=["--graph-url", simulator.graph_url])
    b = ParleyServer(tmp_path / "b", tmp_path / "b.log", e2e_database, extra_args=["--graph-url", simulator.graph_url])
    a.start()  # one after the other: the first one migrates
    b.start()
    try:
        api_a = connect(a, simulator)
        api_b = TokenApi(b, api_a.session.auth[1])
        point_webhook_at(simulator, b)  # WhatsApp's webhooks reach B only

        # --- an agent on A sees what arrived through B
        ws = live_socket(a)
        uid = simulator.control("POST", "/users", json={"name": "Ines Instances", "phone": "4915199900011"})["user_id"]
        tid = message_seen_across(simulator, ws, api_a, uid, "hello from B's side")

        # --- the relays' connections are cut: they reconnect, and events cross again
        wait_until("both relays to listen", lambda: (lambda n: (n == 2, n))(
            int(psql(e2e_database, f"SELECT count(*) {RELAY_BACKENDS}"))))
        cut = psql(e2e_database, f"SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) {RELAY_BACKENDS}")
        assert cut == "2", f"terminated {cut} relay connections, expected one per instance"
        wait_until("both relays to reconnect", lambda: (lambda n: (n == 2, n))(
            int(psql(e2e_database, f"SELECT count(*) {RELAY_BACKENDS}"))), timeout=30)
        assert message_seen_across(simulator, ws, api_a, uid, "hello again after the cut") == tid
        ws.close()

        # --- replies on both instances: each reaches the phone exactly once
        before = accepted_sends(simulator)
        texts = []
        for n in range(REPLIES_PER_INSTANCE):
            for name, api in (("A", api_a), ("B", api_b)):
                text = f"reply {n} through {name}"
                texts.append(text)
                api.call("PUT", f"/api/v2/tickets/{tid}.json",
                         json={"ticket": {"comment": {"body": text, "public": True}}})
        wait_until("every reply to be sent", lambda: (lambda n: (n >= before + len(texts), n))(accepted_sends(simulator)),
                   timeout=60)
        time.sleep(1.0)  # a second send of anything would show up by now
        inbox = simulator.control("GET", f"/users/{uid}/inbox")["messages"]
        received = [m["message"]["text"]["body"] for m in inbox if m["type"] == "text"]
        assert sorted(received) == sorted(texts), \
            f"sent twice: {sorted({t for t in received if received.count(t) > 1})}; missing: {sorted(set(texts) - set(received))}"
        assert accepted_sends(simulator) == before + len(texts)
    finally:
        for server in (a, b):
            rc, _ = server.stop()
            assert rc == 0, server.exit_report(rc)


AUTOMATION_INTERVAL = 2.0
AUTOMATION_WATCH = 14.0


def test_an_automation_pass_runs_on_one_instance_only(tmp_path, e2e_database):  # noqa: F811
    """Both instances look for a due pass about every second; the lease lets one of them run each pass, so
    over the watch there are about watch/interval passes in all, not twice as many."""
    env = {"PARLEY_AUTOMATION_INTERVAL": str(AUTOMATION_INTERVAL), "PARLEY_LOG_LEVEL": "info"}
    a = ParleyServer(tmp_path / "a", tmp_path / "a.log", e2e_database, extra_env=env)
    b = ParleyServer(tmp_path / "b", tmp_path / "b.log", e2e_database, extra_env=env)
    a.start()
    b.start()
    try:
        auth = (ADMIN_EMAIL, ADMIN_PASSWORD)
        rules = requests.get(a.url("/api/v2/automations.json"), auth=auth, timeout=10).json()["automations"]
        rule = next(r for r in rules if r["title"].startswith("Close ticket 4 days"))
        enabled = requests.put(a.url(f"/api/v2/automations/{rule['id']}.json"), auth=auth, timeout=10,
                               json={"automation": {"active": True}})
        assert enabled.status_code == 200, enabled.text

        def passes(server):
            return server.log_text().count("automation pass")

        start = (passes(a), passes(b))
        time.sleep(AUTOMATION_WATCH)
        ran = (passes(a) - start[0], passes(b) - start[1])
        total = sum(ran)
        most = AUTOMATION_WATCH / AUTOMATION_INTERVAL + 2
        assert 3 <= total <= most, f"passes on A and B: {ran}; expected about {AUTOMATION_WATCH / AUTOMATION_INTERVAL:.0f} in all"
    finally:
        for server in (a, b):
            rc, _ = server.stop()
            assert rc == 0, server.exit_report(rc)
