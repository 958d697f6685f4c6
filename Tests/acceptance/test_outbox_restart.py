"""The WhatsApp outbox survives a crash: a server killed (SIGKILL) with queued
replies delivers them after a restart, none lost and none sent twice that had
already been recorded as sent.

`parley simulator` plays Meta and ten customers' phones. Each customer writes
once (ten tickets); an agent then posts three public replies to every ticket
while Parley sends slowly (PARLEY_WHATSAPP_RATE_LIMIT=2), so most replies are
still in the outbox when Parley is killed without warning. Parley is killed a
second time in the middle of the next slow drain, and restarted on the same data
(SQLite file or PostgreSQL database) at full speed. The test then checks, at
the simulated phones, that every reply arrived exactly once, and that every
reply comment is sent and carries the WhatsApp message id the phone received.

Runs on SQLite, or on a fresh PostgreSQL database when PARLEY_TEST_DATABASE_URL
is set. On PostgreSQL, rows a killed server had claimed ("sending") are taken
over only once the claim is stale (OutboxWorker.staleAfter, 60 s: another
instance may still be sending them), so the wait after a restart is longer
there.
"""

import os
import signal
import time

import pytest
import requests

from conftest import ADMIN_EMAIL, ParleyServer, create_api_token
from test_whatsapp_e2e import (  # noqa: F401  (simulator and e2e_database are fixtures)
    ACCESS_TOKEN,
    APP_SECRET,
    DISPLAY_NUMBER,
    PHONE_NUMBER_ID,
    VERIFY_TOKEN,
    WABA_ID,
    e2e_database,
    simulator,
    wait_until,
)

USERS = 10
REPLIES_PER_TICKET = 3
SLOW_RATE = 2  # messages per second and number while the replies pile up
FAST_RATE = 80  # after the final restart
SLOW_DRAIN_SECONDS = 2.0  # how long a slow server sends before it is killed
SENT_STATES = {"sent", "delivered", "read"}
CLAIM_STALE_AFTER = 60.0  # OutboxWorker.staleAfter: PostgreSQL's takeover of a dead server's claims
DRAIN_TIMEOUT = 30.0


@pytest.fixture
def server(tmp_path, simulator, e2e_database):  # noqa: F811
    srv = ParleyServer(tmp_path / "data", tmp_path / "parley.log", e2e_database,
                       extra_args=["--graph-url", simulator.graph_url],
                       extra_env={"PARLEY_LOG_LEVEL": "debug",
                                  "PARLEY_WHATSAPP_RATE_LIMIT": str(SLOW_RATE)})
    srv.start()
    yield srv
    srv.stop()


def point_webhook_at(simulator, server):
    simulator.control("PUT", "/delivery", json={"webhook_url": server.url("/webhooks/whatsapp")})


def sigkill(server):
    """Kills the server without warning; returns when the process is gone."""
    assert server.proc is not None and server.proc.poll() is None, "parley is not running"
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=10)
    rc, _ = server.stop()  # closes the log; nothing left to stop
    assert rc == -signal.SIGKILL, f"parley exited with {rc}, not by SIGKILL"


def restart(server, simulator, rate):
    """The same data dir / database, a new port, the given send rate."""
    server.extra_env["PARLEY_WHATSAPP_RATE_LIMIT"] = str(rate)
    server.start()
    point_webhook_at(simulator, server)


class TokenApi:
    """Admin calls with an API token: a password is checked with bcrypt on every request, slow enough
    (debug build) to let the slow outbox keep pace with the replies this test piles up."""

    def __init__(self, server, token):
        self.server = server
        self.session = requests.Session()
        self.session.auth = (f"{ADMIN_EMAIL}/token", token)

    def call(self, method, path, expect=200, **kwargs):
        r = self.session.request(method, self.server.url(path), timeout=30, **kwargs)
        assert r.status_code == expect, f"{method} {path} -> {r.status_code} (expected {expect}) {r.text[:2000]}"
        return r.json() if r.content else None


def accepted_sends(simulator):
    return simulator.control("GET", "/stats")["accepted_sends"]


def test_killed_server_delivers_queued_replies_after_restart(server, simulator):
    started = time.monotonic()
    api = TokenApi(server, create_api_token(server, "outbox restart"))  # tokens survive restarts
    point_webhook_at(simulator, server)
    api.call("POST", "/api/v2/channels/whatsapp/integrations", expect=201, json={"integration": {
        "name": "Support line", "phone_number_id": PHONE_NUMBER_ID, "waba_id": WABA_ID,
        "display_number": DISPLAY_NUMBER, "access_token": ACCESS_TOKEN, "app_secret": APP_SECRET,
        "verify_token": VERIFY_TOKEN, "mark_read": False,  # only replies reach the phones
    }})

    # --- 1. ten customers write: ten tickets
    first_message = {}  # simulator message id -> user id
    for i in range(USERS):
        uid = simulator.control("POST", "/users", json={
            "name": f"Customer {i}", "phone": f"49151000000{i:02d}"})["user_id"]
        answer = simulator.control("POST", f"/users/{uid}/messages", json={"type": "text", "text": "hi"})
        assert answer.get("delivery", {}).get("delivered") is True, \
            f"webhook of user {uid} not delivered to Parley: {answer}"
        first_message[answer["message_id"]] = uid

    def ten_tickets():
        tickets = api.call("GET", "/api/v2/tickets.json")["tickets"]
        return len(tickets) == USERS, tickets

    tickets = wait_until(f"{USERS} tickets", ten_tickets)
    user_of_ticket = {}
    for ticket in tickets:
        comments = api.call("GET", f"/api/v2/tickets/{ticket['id']}/comments.json")["comments"]
        assert len(comments) == 1, comments
        uid = first_message.get(comments[0]["external_message_id"])
        assert uid is not None, f"ticket {ticket['id']} is not from one of our users: {comments[0]}"
        user_of_ticket[ticket["id"]] = uid
    assert sorted(user_of_ticket.values()) == sorted(first_message.values()), "one ticket per user"

    # --- 2. three public replies per ticket, posted faster than Parley may send them
    expected = {}  # reply text -> (ticket id, user id)
    statuses_at_post = []
    for k in range(1, REPLIES_PER_TICKET + 1):
        for tid, uid in user_of_ticket.items():
            text = f"reply {k} to ticket {tid}"
            expected[text] = (tid, uid)
            audit = api.call("PUT", f"/api/v2/tickets/{tid}.json", json={
                "ticket": {"comment": {"body": text, "public": True}}})["audit"]
            comment = next(e for e in audit["events"] if e.get("type") == "Comment")
            assert comment["body"] == text, comment
            statuses_at_post.append(comment["delivery_status"])
    replies = len(expected)
    assert replies == USERS * REPLIES_PER_TICKET
    # The API answers before sending; at 2/s only the first few can be out already.
    assert set(statuses_at_post) <= {"queued"} | SENT_STATES, statuses_at_post
    assert statuses_at_post.count("queued") >= replies - 2 * SLOW_RATE, statuses_at_post

    # --- 3. killed while draining slowly, twice; then restarted at full speed
    time.sleep(SLOW_DRAIN_SECONDS)
    sigkill(server)
    after_first_kill = accepted_sends(simulator)
    assert 0 < after_first_kill < replies, \
        f"{after_first_kill} of {replies} replies were out when Parley was killed: not a crash mid-drain"

    restart(server, simulator, SLOW_RATE)
    time.sleep(SLOW_DRAIN_SECONDS)
    sigkill(server)
    after_second_kill = accepted_sends(simulator)
    assert after_second_kill < replies, \
        f"all {replies} replies were out before the second kill: not a crash mid-drain"

    restart(server, simulator, FAST_RATE)
    restarted = time.monotonic()

    def all_replies_sent():
        pending = []
        for tid in user_of_ticket:
            for c in api.call("GET", f"/api/v2/tickets/{tid}/comments.json")["comments"]:
                if c["body"] in expected and c["delivery_status"] not in SENT_STATES:
                    pending.append((tid, c["id"], c["body"], c["delivery_status"]))
        return not pending, pending

    timeout = DRAIN_TIMEOUT + (CLAIM_STALE_AFTER if server.database_url else 0)
    wait_until(f"all {replies} replies to be sent", all_replies_sent, timeout=timeout, interval=0.5)
    drained_after = time.monotonic() - restarted

    # --- 4. at the phones: every reply exactly once, within the window
    inbox_ids = {}  # simulator message id -> (user id, text)
    for uid in user_of_ticket.values():
        messages = simulator.control("GET", f"/users/{uid}/inbox")["messages"]
        texts = [m["message"].get("text", {}).get("body") for m in messages]
        mine = sorted(text for text, (_, owner) in expected.items() if owner == uid)
        assert sorted(texts) == mine, \
            f"user {uid} received {sorted(texts)}, expected each of {mine} exactly once"
        for m, text in zip(messages, texts):
            inbox_ids[m["id"]] = (uid, text)
    stats = simulator.control("GET", "/stats")
    assert stats["window_violations"] == 0, stats
    assert stats["accepted_sends"] == replies, f"WhatsApp accepted {stats['accepted_sends']} sends for {replies} replies"

    # ... and in Parley: every reply sent, with the id of the message the phone holds
    seen = set()
    for tid, uid in user_of_ticket.items():
        for c in api.call("GET", f"/api/v2/tickets/{tid}/comments.json")["comments"]:
            if c["body"] not in expected:
                continue
            seen.add(c["body"])
            assert c["delivery_status"] in SENT_STATES, c
            assert c["delivery_error"] is None, c
            wamid = c["external_message_id"]
            assert wamid is not None, f"reply comment without a WhatsApp message id: {c}"
            assert inbox_ids.get(wamid) == (uid, c["body"]), \
                f"comment {c['id']} ({c['body']!r}) has message id {wamid}, " \
                f"which the phone holds as {inbox_ids.get(wamid)}"
    assert seen == set(expected), f"reply comments missing: {set(expected) - seen}"

    print(f"\nreplies out at the 1st kill: {after_first_kill}/{replies}, at the 2nd: "
          f"{after_second_kill}/{replies}; drained {drained_after:.1f}s after the final restart; "
          f"test took {time.monotonic() - started:.1f}s ({'postgresql' if server.database_url else 'sqlite'})")
