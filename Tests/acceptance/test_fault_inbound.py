"""Inbound under faults: every message stored exactly once, on the right ticket, while Parley is killed.

The simulator plays 2,000 customers (one in ten hides their number behind a username) who send 100,000
text messages. WhatsApp's delivery is at its least polite: 10% of webhook bodies are delivered twice,
messages travel in batches of up to 20 per body, shuffled (and submitted in random order, so a customer's
newer message often arrives before an older one), and Parley is killed with SIGKILL three times and
restarted on the same data while the webhooks keep coming (the simulator retries what was not answered
200, with backoff, as Meta does). One message in a hundred carries a card number.

Afterwards, read from Parley's own database and API:
- every message is stored exactly once (none lost, none twice), on the ticket of the customer who sent it,
  one ticket per customer;
- every ticket's `last_end_user_message_at` is the send time of its customer's newest message;
- the 24-hour rule holds: one customer in fifty wrote more than 24 hours ago; replies to them are kept but
  not delivered, replies to as many others are; the simulator counts zero free-form messages outside a
  window;
- the card number is nowhere: not in the database files (raw webhook payloads included), not in the logs.

Sizes: PARLEY_FAULT_INBOUND_MESSAGES (default 100,000 on SQLite, 5,000 on PostgreSQL, where the rest of
the suite runs again). The figures are printed (and recorded in RELIABILITY.md).
"""

import datetime
import glob
import os
import random
import shutil
import subprocess
import threading
import time

import pytest

from conftest import ParleyServer, database_rows
from test_outbox_restart import accepted_sends, connect, point_webhook_at, sigkill
from test_whatsapp_e2e import e2e_database, simulator, wait_until  # noqa: F401  (fixtures)

ON_POSTGRES = bool(os.environ.get("PARLEY_TEST_DATABASE_URL"))
MESSAGES = int(os.environ.get("PARLEY_FAULT_INBOUND_MESSAGES", 5_000 if ON_POSTGRES else 100_000))
PER_USER = 50
USERS = max(2, MESSAGES // PER_USER)
KILL_AT = (0.20, 0.45, 0.70)  # share of messages delivered when Parley is killed
DUPLICATE_RATE = 0.10
BATCH_SIZE = 20
STALE_EVERY = 50  # every 50th customer wrote more than 24 hours ago
CARD_EVERY = 100
CARD = "4111 1111 1111 1111"
SUBMIT_CHUNK = 2_000
SENT_STATES = {"sent", "delivered", "read"}


@pytest.fixture
def server(tmp_path, simulator, e2e_database):  # noqa: F811
    srv = ParleyServer(tmp_path / "data", tmp_path / "parley.log", e2e_database,
                       extra_args=["--graph-url", simulator.graph_url],
                       extra_env={"PARLEY_LOG_LEVEL": "info"})
    srv.start()
    yield srv
    srv.stop()


def iso(timestamp):
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def plan_messages(user_ids, now, rng):
    """[(user id, text, timestamp)] in the random order they are submitted; a customer's k-th message is
    sent k minutes after their first, stale customers' more than 24 hours ago."""
    plan = []
    for n, uid in enumerate(user_ids):
        first = now - (30 * 3600 if n % STALE_EVERY == 0 else 3 * 3600) + n
        for k in range(PER_USER):
            index = n * PER_USER + k
            text = f"message {k} from customer {n}"
            if index % CARD_EVERY == 0:
                text += f", my card is {CARD}"
            plan.append((uid, text, first + 60 * k))
    rng.shuffle(plan)
    return plan


def submit(simulator, plan, sent, failures):
    """Hands the customers' messages to the simulator in chunks; records wamid -> (user id, timestamp)."""
    try:
        for start in range(0, len(plan), SUBMIT_CHUNK):
            chunk = plan[start:start + SUBMIT_CHUNK]
            answer = simulator.control("POST", "/messages", timeout=300, json={"messages": [
                {"user_id": uid, "type": "text", "text": text, "timestamp": ts} for uid, text, ts in chunk]})
            for (uid, _, ts), item in zip(chunk, answer["messages"]):
                sent[item["message_id"]] = (uid, ts)
    except Exception as error:  # reported by the main thread
        failures.append(error)


def summary(simulator):
    return simulator.control("GET", "/deliveries/summary")


def all_tickets(api):
    tickets, page = [], 1
    while True:
        batch = api.call("GET", f"/api/v2/tickets.json?per_page=100&page={page}")["tickets"]
        tickets += batch
        if len(batch) < 100:
            return tickets
        page += 1


def card_findings(server, tmp_path):
    """Where the card number (with or without spaces) is found among Parley's stored bytes and logs."""
    needles = [CARD.encode(), CARD.replace(" ", "").encode()]
    blobs = {}
    if server.database_url:
        pg_dump = shutil.which("pg_dump") or sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))[-1]
        dump = subprocess.run([pg_dump, "--data-only", server.database_url], check=True,
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=600).stdout
        blobs["pg_dump of the database"] = dump
    else:
        for path in glob.glob(str(server.data_dir / "**" / "*"), recursive=True):
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    blobs[path] = f.read()
    with open(server.log_path, "rb") as f:
        blobs[str(server.log_path)] = f.read()
    return [where for where, data in blobs.items() if any(needle in data for needle in needles)]


def test_every_message_stored_exactly_once_through_duplicates_shuffling_and_kills(
        server, simulator, tmp_path, capsys):
    started = time.monotonic()
    rng = random.Random(20261125)
    api = connect(server, simulator)

    def report(line):
        with capsys.disabled():
            print(f"[fault-inbound] {line}", flush=True)

    # --- the customers
    user_ids = []
    for n in range(USERS):
        profile = {"name": f"Customer {n}"}
        if n % 10 == 9:
            profile["username"] = f"customer.{n}"  # the number is hidden behind a username
        else:
            profile["phone"] = f"49152{n:08d}"
        user_ids.append(simulator.control("POST", "/users", json=profile)["user_id"])
    stale = {uid for n, uid in enumerate(user_ids) if n % STALE_EVERY == 0}

    # --- WhatsApp at its least polite
    simulator.control("PUT", "/delivery", json={"duplicate_rate": DUPLICATE_RATE, "batch_size": BATCH_SIZE,
                                                "shuffle": True})
    plan = plan_messages(user_ids, int(time.time()), rng)
    newest = {}
    for uid, _, ts in plan:
        newest[uid] = max(newest.get(uid, 0), ts)
    sent, failures = {}, []
    submitter = threading.Thread(target=submit, args=(simulator, plan, sent, failures), daemon=True)
    submitter.start()
    report(f"{MESSAGES} messages from {USERS} customers, {DUPLICATE_RATE:.0%} of bodies twice, "
           f"batches of {BATCH_SIZE}, shuffled; {len(KILL_AT)} SIGKILLs "
           f"({'postgresql' if ON_POSTGRES else 'sqlite'})")

    # --- killed three times while the webhooks keep coming
    kills = []
    deadline = time.monotonic() + max(900, MESSAGES / 20)
    last_report = time.monotonic()
    while True:
        state = summary(simulator)
        assert not failures, f"submitting the messages failed: {failures[0]!r}"
        assert state["gave_up"] == 0, f"the simulator gave up delivering webhooks: {state}"
        if len(kills) < len(KILL_AT) and state["delivered"] >= KILL_AT[len(kills)] * MESSAGES:
            sigkill(server)
            kills.append(state["delivered"])
            time.sleep(rng.uniform(0.5, 2.0))  # the simulator's deliveries fail meanwhile, and are retried
            server.start()
            point_webhook_at(simulator, server)
            report(f"kill {len(kills)} at {state['delivered']} delivered; restarted")
        if not submitter.is_alive() and state["queued"] >= MESSAGES and state["pending"] == 0:
            break
        if time.monotonic() - last_report > 60:
            last_report = time.monotonic()
            elapsed = last_report - started
            report(f"{state['delivered']}/{MESSAGES} delivered after {elapsed:.0f}s "
                   f"({state['delivered'] / elapsed:.0f}/s), {state['retried']} retried, {state['duplicated']} twice")
        assert time.monotonic() < deadline, f"deliveries did not finish in time: {state}"
        time.sleep(0.25)
    delivered_in = time.monotonic() - started
    final = summary(simulator)
    assert len(kills) == len(KILL_AT), f"only {len(kills)} kills happened: {final}"
    assert len(sent) == MESSAGES

    # --- every message once, on its customer's ticket
    rows = database_rows(server, """
        SELECT c.external_message_id, c.ticket_id, i.value
        FROM comments c JOIN tickets t ON t.id = c.ticket_id
        LEFT JOIN user_identities i ON i.user_id = t.requester_id AND i.type = 'whatsapp_bsuid'
        WHERE c.external_message_id LIKE 'wamid.%'""")
    stored_count = {}
    tickets_of = {}
    wrong_ticket = []
    for wamid, ticket_id, bsuid in rows:
        stored_count[wamid] = stored_count.get(wamid, 0) + 1
        sender = sent.get(wamid, (None,))[0]
        if sender is None:
            continue
        tickets_of.setdefault(sender, set()).add(int(ticket_id))
        if bsuid != sender:
            wrong_ticket.append((wamid, sender, ticket_id, bsuid))
    lost = [wamid for wamid in sent if wamid not in stored_count]
    twice = [wamid for wamid, count in stored_count.items() if count > 1]
    strangers = [wamid for wamid in stored_count if wamid not in sent]
    ledger = int(database_rows(server, "SELECT count(*) FROM whatsapp_inbound")[0][0])

    # --- each ticket's last end-user message time is its customer's newest send time
    tickets = {t["id"]: t for t in all_tickets(api)}
    wrong_time = []
    for uid, ids in tickets_of.items():
        for tid in ids:
            if tickets[tid]["last_end_user_message_at"] != iso(newest[uid]):
                wrong_time.append((tid, uid, tickets[tid]["last_end_user_message_at"], iso(newest[uid])))

    report(f"messages sent {MESSAGES} in {final['batches']} webhook bodies; delivered twice on purpose: "
           f"{final['duplicated_batches']} bodies holding {final['duplicated']} messages; messages retried after a "
           f"failed delivery {final['retried']}; kills {len(kills)} "
           f"(at {kills}); stored {len(stored_count)}; lost {len(lost)}; duplicated {len(twice)}; "
           f"on a wrong ticket {len(wrong_ticket)}; wrong last-message time {len(wrong_time)}; "
           f"delivered in {delivered_in:.0f}s ({MESSAGES / delivered_in:.0f} msg/s)")
    assert not lost, f"{len(lost)} messages never stored, e.g. {lost[:5]}"
    assert not twice, f"{len(twice)} messages stored more than once, e.g. {twice[:5]}"
    assert not strangers, f"comments for messages nobody sent: {strangers[:5]}"
    assert not wrong_ticket, f"{len(wrong_ticket)} messages on another customer's ticket, e.g. {wrong_ticket[:5]}"
    assert all(len(ids) == 1 for ids in tickets_of.values()), \
        f"customers with several tickets: {[(u, i) for u, i in tickets_of.items() if len(i) > 1][:5]}"
    assert len(tickets_of) == USERS
    assert ledger == MESSAGES, f"the inbound ledger holds {ledger} message ids for {MESSAGES} messages"
    assert not wrong_time, f"{len(wrong_time)} tickets with a wrong last_end_user_message_at, e.g. {wrong_time[:5]}"

    # --- the 24-hour rule: replies to stale customers are kept but not delivered
    stale_tickets = [next(iter(tickets_of[uid])) for uid in user_ids if uid in stale]
    fresh_tickets = [next(iter(tickets_of[uid])) for uid in user_ids if uid not in stale][:len(stale_tickets)]
    before = accepted_sends(simulator)
    reply_of = {}
    for tid in stale_tickets + fresh_tickets:
        audit = api.call("PUT", f"/api/v2/tickets/{tid}.json", json={
            "ticket": {"comment": {"body": f"an agent answers ticket {tid}", "public": True}}})["audit"]
        reply_of[tid] = next(e for e in audit["events"] if e.get("type") == "Comment")["id"]

    def reply_state(tid):
        return next(c for c in api.call("GET", f"/api/v2/tickets/{tid}/comments.json?per_page=100")["comments"]
                    if c["id"] == reply_of[tid])

    wait_until("the fresh customers' replies to be sent",
               lambda: (lambda n: (n >= before + len(fresh_tickets), n))(accepted_sends(simulator)), timeout=120)
    for tid in fresh_tickets:
        reply = wait_until(f"reply on ticket {tid} to be sent", lambda: (lambda c: (
            c["delivery_status"] in SENT_STATES, c))(reply_state(tid)))
        assert reply["delivery_error"] is None, reply
    for tid in stale_tickets:
        reply = reply_state(tid)
        assert reply["delivery_status"] == "failed", reply
        assert (reply["delivery_error"] or {}).get("code") == "window_closed", reply
    time.sleep(1.0)  # a late send outside the window would be counted by now
    stats = simulator.control("GET", "/stats")
    assert stats["accepted_sends"] == before + len(fresh_tickets), stats
    assert stats["window_violations"] == 0, stats
    report(f"window: {len(fresh_tickets)} replies inside sent, {len(stale_tickets)} outside kept and not sent; "
           f"window violations {stats['window_violations']}")

    # --- no card number anywhere Parley writes
    rc, _ = server.stop()
    assert rc == 0, server.exit_report(rc)
    found = card_findings(server, tmp_path)
    assert not found, f"the card number was found in: {found}"
    report(f"card number in database/raw payloads/logs: {len(found)} places; test took "
           f"{time.monotonic() - started:.0f}s")
