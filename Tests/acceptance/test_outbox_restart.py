"""The WhatsApp outbox survives a crash: a server killed (SIGKILL) with queued
replies delivers them after a restart, none lost and none sent twice that had
already been recorded as sent.

`parley simulator` plays Meta and the customers' phones; Parley sends slowly
(PARLEY_WHATSAPP_RATE_LIMIT=2) so that replies pile up in its outbox.

- Ten customers write (ten tickets); an agent posts three public replies to
  each. Parley is killed while most replies are still queued, killed again in
  the middle of the next slow drain, and restarted on the same data at full
  speed. Every reply reaches its phone exactly once, and every reply comment is
  sent with the id of the WhatsApp message the phone holds.
- A reply with three images is three WhatsApp messages. Parley is killed after
  the first two; after the restart it sends only the third.
- (expected to fail, a known Parley bug) such a reply must not show as
  delivered while one of its messages is still waiting to be sent.

Each kill is timed between two sends (see kill_between_sends): a kill in the
few milliseconds between WhatsApp accepting a message and Parley recording its
id makes Parley send it again after the restart, which no design can rule out
(the Cloud API has no idempotency key), so the tests do not aim at that window.
What Parley had recorded as sent when it was killed is read from its database
and must never go out again.

Runs on SQLite, or on a fresh PostgreSQL database when PARLEY_TEST_DATABASE_URL
is set. On PostgreSQL, rows a killed server had claimed ("sending") are taken
over only once the claim is stale (OutboxWorker.staleAfter, 60 s: another
instance may still be sending them), so the wait after a restart is about a
minute there.
"""

import signal
import time
import uuid

import pytest
import requests

from conftest import ADMIN_EMAIL, ParleyServer, create_api_token, database_rows
from test_whatsapp_e2e import (  # noqa: F401  (simulator and e2e_database are fixtures)
    ACCESS_TOKEN,
    APP_SECRET,
    DISPLAY_NUMBER,
    PHONE_NUMBER_ID,
    PNG_1X1,
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


def kill_between_sends(server, simulator, after):
    """Lets the slow outbox send for `after` seconds, then kills Parley between two bursts of sends.

    At 2/s Parley sends a pair about a second after the previous pair was answered. Between WhatsApp accepting a message and Parley
    committing its id lie ~3-10 ms (up to ~100 ms right after a restart, debug build); a kill in there
    loses the record and the message goes out twice. A kill at a fixed delay after a restart falls on
    such a burst often (4 runs in 15 did), so the kill waits for a quiet moment instead: 0.3-0.6 s
    after the simulator counted the last send. Returns the number of sends the simulator accepted."""
    begun = time.monotonic()
    deadline = begun + after
    last_count, last_change = accepted_sends(simulator), None
    while True:
        count, now = accepted_sends(simulator), time.monotonic()
        if count != last_count:
            last_count, last_change = count, now
        if now >= deadline:
            quiet_for = now - (last_change if last_change is not None else begun)
            if last_change is None and quiet_for >= after:
                break  # nothing to send right now (PostgreSQL: the dead server's claims are not stale yet)
            if 0.3 <= quiet_for <= 0.6:
                break
        assert now - deadline < 10, "found no quiet moment between sends to kill parley in"
        time.sleep(0.025)
    sigkill(server)
    return accepted_sends(simulator)


def recorded_sends(server):
    """{comment id: {wamid}}: the sends Parley's database holds as done, read while Parley is dead."""
    recorded = {}
    for comment_id, wamid in database_rows(server, "SELECT comment_id, wamid FROM whatsapp_outbound_ids"):
        recorded.setdefault(int(comment_id), set()).add(wamid)
    return recorded


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


def connect(server, simulator):
    """An API client (token auth: tokens survive restarts) and the number connected, read receipts off."""
    api = TokenApi(server, create_api_token(server, "outbox restart"))
    point_webhook_at(simulator, server)
    api.call("POST", "/api/v2/channels/whatsapp/integrations", expect=201, json={"integration": {
        "name": "Support line", "phone_number_id": PHONE_NUMBER_ID, "waba_id": WABA_ID,
        "display_number": DISPLAY_NUMBER, "access_token": ACCESS_TOKEN, "app_secret": APP_SECRET,
        "verify_token": VERIFY_TOKEN, "mark_read": False,  # only replies reach the phones
    }})
    return api


def accepted_sends(simulator):
    return simulator.control("GET", "/stats")["accepted_sends"]


def test_killed_server_delivers_queued_replies_after_restart(server, simulator):
    started = time.monotonic()
    api = connect(server, simulator)

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
    comment_of = {}  # reply text -> comment id
    statuses_at_post = []
    for k in range(1, REPLIES_PER_TICKET + 1):
        for tid, uid in user_of_ticket.items():
            text = f"reply {k} to ticket {tid}"
            expected[text] = (tid, uid)
            audit = api.call("PUT", f"/api/v2/tickets/{tid}.json", json={
                "ticket": {"comment": {"body": text, "public": True}}})["audit"]
            comment = next(e for e in audit["events"] if e.get("type") == "Comment")
            assert comment["body"] == text, comment
            comment_of[text] = comment["id"]
            statuses_at_post.append(comment["delivery_status"])
    replies = len(expected)
    assert replies == USERS * REPLIES_PER_TICKET
    # The API answers before sending; at 2/s only the first few can be out already.
    assert set(statuses_at_post) <= {"queued"} | SENT_STATES, statuses_at_post
    assert statuses_at_post.count("queued") >= replies - 2 * SLOW_RATE, statuses_at_post

    # --- 3. killed while draining slowly, twice; then restarted at full speed
    kills = []  # (sends the simulator accepted, {comment id: {wamid}} recorded in Parley's database)
    kills.append((kill_between_sends(server, simulator, SLOW_DRAIN_SECONDS), recorded_sends(server)))
    assert 0 < kills[0][0] < replies, \
        f"{kills[0][0]} of {replies} replies were out when Parley was killed: not a crash mid-drain"

    restart(server, simulator, SLOW_RATE)
    kills.append((kill_between_sends(server, simulator, SLOW_DRAIN_SECONDS), recorded_sends(server)))
    assert kills[1][0] < replies, f"all {replies} replies were out before the second kill: not a crash mid-drain"

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
    copies = {text: [] for text in expected}  # reply text -> [(simulator message id, at)]
    inbox_ids = {}  # simulator message id -> (user id, text)
    for uid in set(user_of_ticket.values()):
        for m in simulator.control("GET", f"/users/{uid}/inbox")["messages"]:
            text = m["message"].get("text", {}).get("body")
            inbox_ids[m["id"]] = (uid, text)
            assert text in expected and expected[text][1] == uid, f"user {uid} received an unexpected message: {m}"
            copies[text].append((m["id"], m["at"]))

    def recorded_when(text):
        cid = comment_of[text]
        return "; ".join(f"kill {n}: " + (f"recorded as sent ({sorted(rec[cid])})" if cid in rec else "not recorded")
                         for n, (_, rec) in enumerate(kills, 1))

    lost = sorted(text for text, got in copies.items() if not got)
    twice = {text: got for text, got in copies.items() if len(got) > 1}
    assert not lost, f"replies never reached the phone: {lost}"
    assert not twice, "replies sent more than once:\n" + "\n".join(
        f"  {text!r} (comment {comment_of[text]}): {got}; {recorded_when(text)}" for text, got in twice.items())
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
            for n, (_, recorded) in enumerate(kills, 1):  # what was recorded before a kill stays
                assert recorded.get(c["id"], {wamid}) == {wamid}, \
                    f"comment {c['id']}: {recorded[c['id']]} recorded before kill {n}, now {wamid}"
    assert seen == set(expected), f"reply comments missing: {set(expected) - seen}"
    for n, (accepted, recorded) in enumerate(kills, 1):  # the kills fell between sends, as intended
        assert sum(map(len, recorded.values())) == accepted, \
            f"at kill {n} WhatsApp had accepted {accepted} sends, Parley had recorded {recorded}"

    print(f"\nreplies out at the 1st kill: {kills[0][0]}/{replies}, at the 2nd: {kills[1][0]}/{replies}; "
          f"drained {drained_after:.1f}s after the final restart; "
          f"test took {time.monotonic() - started:.1f}s ({'postgresql' if server.database_url else 'sqlite'})")


def reply_with_three_images(server, simulator, api):
    """A customer writes; the agent answers with a text and three images: three WhatsApp messages, the
    text riding as the first image's caption. Returns (user id, ticket id, comment id, images, text)."""
    uid = simulator.control("POST", "/users", json={"name": "Paula Parts", "phone": "4915100000099"})["user_id"]
    answer = simulator.control("POST", f"/users/{uid}/messages", json={"type": "text", "text": "hi"})
    assert answer.get("delivery", {}).get("delivered") is True, answer
    tid = wait_until("the ticket", lambda: (lambda ts: (len(ts) == 1, ts))(
        api.call("GET", "/api/v2/tickets.json")["tickets"]))[0]["id"]
    images = [PNG_1X1 + uuid.uuid4().bytes for _ in range(3)]
    tokens = []
    for n, data in enumerate(images, 1):
        r = api.session.post(server.url(f"/api/v2/uploads?filename=part{n}.png"), data=data,
                             headers={"Content-Type": "image/png"}, timeout=30)
        assert r.status_code == 201, f"upload {n} -> {r.status_code} {r.text}"
        tokens.append(r.json()["upload"]["token"])
    text = f"three pictures {uuid.uuid4().hex[:8]}"
    audit = api.call("PUT", f"/api/v2/tickets/{tid}.json", json={
        "ticket": {"comment": {"body": text, "public": True, "uploads": tokens}}})["audit"]
    cid = next(e for e in audit["events"] if e.get("type") == "Comment")["id"]
    # At 2/s the first two parts go at once, the third a second later.
    wait_until("two parts to be sent", lambda: (lambda n: (n >= 2, n))(accepted_sends(simulator)), interval=0.025)
    return uid, tid, cid, images, text


def the_comment(api, tid, cid):
    return next(c for c in api.call("GET", f"/api/v2/tickets/{tid}/comments.json")["comments"] if c["id"] == cid)


def test_killed_between_parts_sends_only_the_rest(server, simulator):
    """Killed after two of a reply's three messages, Parley sends only the third after the restart."""
    started = time.monotonic()
    api = connect(server, simulator)
    uid, tid, cid, images, text = reply_with_three_images(server, simulator, api)
    time.sleep(0.3)
    assert accepted_sends(simulator) == 2, "the third part went out too soon: no kill between parts"
    sigkill(server)
    recorded = recorded_sends(server).get(cid, set())
    assert len(recorded) == 2, f"Parley recorded {recorded} for the 2 parts WhatsApp accepted before the kill"

    restart(server, simulator, FAST_RATE)
    restarted = time.monotonic()
    # Waits for the phone, not the comment: the comment already shows the first part's delivery state.
    timeout = DRAIN_TIMEOUT + (CLAIM_STALE_AFTER if server.database_url else 0)
    wait_until("the third part to be sent", lambda: (lambda n: (n >= 3, n))(accepted_sends(simulator)),
               timeout=timeout, interval=0.5)
    resumed_after = time.monotonic() - restarted
    comment = wait_until("the reply to be sent", lambda: (lambda c: (
        c["delivery_status"] in SENT_STATES | {"failed"}, c))(the_comment(api, tid, cid)))
    assert comment["delivery_status"] in SENT_STATES and comment["delivery_error"] is None, comment

    inbox = simulator.control("GET", f"/users/{uid}/inbox")["messages"]
    got = []
    for m in inbox:
        assert m["type"] == "image", m
        media_id = m["message"]["image"]["id"]
        r = requests.get(simulator.url(f"/_sim/media/{media_id}"), timeout=30)
        assert r.status_code == 200, f"GET /_sim/media/{media_id} -> {r.status_code}"
        got.append((images.index(r.content) + 1 if r.content in images else "unknown bytes",
                    m["message"]["image"].get("caption")))
    assert got == [(1, text), (2, None), (3, None)], \
        f"the phone received (image, caption) {got}, expected each image once, in order, the text on the first"
    assert {m["id"] for m in inbox[:2]} == recorded, "the parts recorded before the kill were sent again"
    assert comment["external_message_id"] == inbox[0]["id"], comment
    stats = simulator.control("GET", "/stats")
    assert stats["accepted_sends"] == 3 and stats["window_violations"] == 0, stats
    print(f"\nkilled after 2 of 3 parts; the 3rd went out {resumed_after:.1f}s after the restart; "
          f"test took {time.monotonic() - started:.1f}s ({'postgresql' if server.database_url else 'sqlite'})")


def test_comment_is_not_delivered_before_all_its_parts_are_sent(server, simulator):
    api = connect(server, simulator)
    _, tid, cid, _, _ = reply_with_three_images(server, simulator, api)
    # The simulator reports sent and delivered for the first two parts at once; the third is due ~1 s later.
    deadline = time.monotonic() + 0.6
    while True:
        status = the_comment(api, tid, cid)["delivery_status"]
        if status != "queued" or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if accepted_sends(simulator) != 2:
        pytest.fail("the third part went out already: the check came too late")  # not the expected failure
    assert status == "queued", f"the comment is {status!r} while 1 of its 3 WhatsApp messages is not sent yet"
