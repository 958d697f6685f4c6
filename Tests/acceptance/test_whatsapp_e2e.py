"""WhatsApp end to end with real processes: `parley simulator` plays Meta and a
customer's phone, `parley serve` (debug logging) receives its signed webhooks.

An admin connects the number through the API; the simulated customer sends a
text, an image and a contact card, all with payment card numbers in them. The
test then checks that

- the messages become one ticket with three comments, and the image is
  downloaded in the background and served byte for byte;
- card numbers are masked before anything is stored or logged: they appear
  nowhere in Parley's log, its database (the SQLite file with its -wal/-shm,
  or a pg_dump of the PostgreSQL database), or any API output, while the
  masked form is on the comments;
- the access token and app secret never leave Parley (API output, log);
- with masking turned off for the integration, a card number is kept as sent;
- the ticket shows the WhatsApp reply window;
- Parley shuts down cleanly (exit 0) on SIGTERM.

Runs on SQLite, or on a fresh PostgreSQL database when PARLEY_TEST_DATABASE_URL
is set (like the rest of the suite).
"""

import base64
import glob
import hashlib
import json
import os
import shutil
import subprocess
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ParleyServer,
    SimulatorProcess,
    _run_psql,
    _with_database,
)

ADMIN = (ADMIN_EMAIL, ADMIN_PASSWORD)
PHONE_NUMBER_ID = "106540352242922"
WABA_ID = "102290129340398"
DISPLAY_NUMBER = "15550001234"
VERIFY_TOKEN = "vt"
GRAPH_VERSION = "v21.0"
# Unique per run, so that finding them anywhere is never a coincidence.
ACCESS_TOKEN = "EAAe2eAccessToken" + uuid.uuid4().hex
APP_SECRET = "e2eAppSecret" + uuid.uuid4().hex

# Card numbers the customer sends while masking is on: none may be stored or logged.
CARD_NEEDLES = ["4242 4242 4242 4242", "4242424242424242",
                "5555-5555-5555-4444", "5555555555554444"]
MASKED_TEXT_CARD = "4242 42\u2587\u2587 \u2587\u2587\u2587\u2587 4242"
MASKED_CAPTION_CARD = "424242" + "\u2587" * 6 + "4242"
MASKED_CONTACT_CARD = "5555-55\u2587\u2587-\u2587\u2587\u2587\u2587-4444"
CONTACT_PHONE = "+4915100000000"  # a phone number, not a card: kept
UNMASKED_CARD = "4000 0566 5566 5556"  # sent after masking was turned off

# The image the customer sends: a 1x1 PNG, plus a unique tail so its hash is ours.
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    "hKmMIQAAAABJRU5ErkJggg=="
)
IMAGE_BYTES = PNG_1X1 + uuid.uuid4().bytes

WAIT_TIMEOUT = 15.0


# ------------------------------------------------------------------ processes

@pytest.fixture
def e2e_database():
    """None (SQLite), or a PostgreSQL database of this test's own: the suite's
    shared one holds the other tests' tickets, and this test counts tickets."""
    server_url = os.environ.get("PARLEY_TEST_DATABASE_URL")
    if not server_url:
        yield None
        return
    dbname = "parley_e2e_" + uuid.uuid4().hex[:10]
    _run_psql(server_url, f'CREATE DATABASE "{dbname}"')
    yield _with_database(server_url, dbname)
    try:
        _run_psql(server_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    except (subprocess.SubprocessError, OSError):
        pass


@pytest.fixture
def simulator(tmp_path):
    sim = SimulatorProcess(tmp_path / "simulator.log", APP_SECRET, ACCESS_TOKEN,
                           extra_env={"PARLEY_LOG_LEVEL": "debug"},
                           graph_version=GRAPH_VERSION).start()
    yield sim
    sim.stop()


@pytest.fixture
def server(tmp_path, simulator, e2e_database):
    srv = ParleyServer(tmp_path / "data", tmp_path / "parley.log", e2e_database,
                       extra_args=["--graph-url", simulator.graph_url],
                       extra_env={"PARLEY_LOG_LEVEL": "debug"})
    srv.start()
    yield srv
    srv.stop()


# -------------------------------------------------------------------- helpers

class Api:
    """Admin calls to Parley; keeps every response body for the leak checks."""

    def __init__(self, server):
        self.server = server
        self.outputs = []  # (what, text)

    def call(self, method, path, expect=200, **kwargs):
        r = requests.request(method, self.server.url(path), auth=ADMIN, timeout=30, **kwargs)
        what = f"{method} {path}"
        self.outputs.append((what, r.text))
        assert r.status_code == expect, f"{what} -> {r.status_code} (expected {expect}) {r.text[:2000]}"
        return r.json() if r.content else None

    def content(self, path):
        r = requests.get(self.server.url(path), auth=ADMIN, timeout=30)
        assert r.status_code == 200, f"GET {path} -> {r.status_code} {r.text[:500]}"
        return r


def wait_until(what, probe, timeout=WAIT_TIMEOUT, interval=0.2):
    """Calls probe() until it returns something truthy; fails with the last value."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = probe()
        if last and last[0]:
            return last[1]
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}; last: {last[1]!r}"[:3000],
                        pytrace=False)
        time.sleep(interval)


def find_in_bytes(blob, needles):
    """[(needle, context)] for each needle in blob (UTF-8 and UTF-16LE)."""
    found = []
    for needle in needles:
        for encoding in ("utf-8", "utf-16-le"):
            raw = needle.encode(encoding)
            at = blob.find(raw)
            if at >= 0:
                context = blob[max(0, at - 120): at + len(raw) + 120]
                found.append((needle, encoding, context.decode("utf-8", "replace")))
    return found


def assert_absent(needles, sources, why):
    """sources: [(name, bytes)]; fails naming every place a needle was found."""
    hits = []
    for name, blob in sources:
        for needle, encoding, context in find_in_bytes(blob, needles):
            hits.append(f"  {needle!r} ({encoding}) in {name}: ...{context}...")
    assert not hits, f"{why}:\n" + "\n".join(hits)


def parley_log(server):
    return ("Parley's log " + str(server.log_path), server.log_path.read_bytes())


def database_files(server):
    """The raw bytes Parley keeps: every file under --data-dir (the SQLite file,
    its -wal and -shm, attachments), plus a data dump when on PostgreSQL."""
    files = []
    for path in sorted(server.data_dir.rglob("*")):
        if path.is_file():
            files.append((str(path), path.read_bytes()))
    if server.database_url:
        files.append((f"pg_dump --data-only of {server.database_url}", pg_dump(server.database_url)))
    else:
        names = {Path(name).name for name, _ in files}
        assert "parley.sqlite" in names, f"no SQLite file in {server.data_dir}: {sorted(names)}"
    return files


def pg_dump(url):
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_dump"))
    binary = candidates[-1] if candidates else shutil.which("pg_dump")
    if binary is None:
        pytest.fail("PostgreSQL run, but pg_dump is not installed", pytrace=False)
    result = subprocess.run([binary, "--data-only", "--no-owner", "--dbname", url],
                            stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    assert result.returncode == 0, f"pg_dump failed: {result.stderr.decode(errors='replace')}"
    assert b"COPY public.comments" in result.stdout, "pg_dump has no comments table data"
    return result.stdout


def parse_time(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# ----------------------------------------------------------------------- test

def test_whatsapp_end_to_end(server, simulator):
    api = Api(server)
    simulator.control("PUT", "/delivery",
                      json={"webhook_url": server.url("/webhooks/whatsapp")})

    # --- 2. the admin connects the number; the secrets are write-only
    created = api.call("POST", "/api/v2/channels/whatsapp/integrations", expect=201, json={"integration": {
        "name": "Support line", "phone_number_id": PHONE_NUMBER_ID, "waba_id": WABA_ID,
        "display_number": DISPLAY_NUMBER, "access_token": ACCESS_TOKEN, "app_secret": APP_SECRET,
        "verify_token": VERIFY_TOKEN,
    }})["integration"]
    integration_id = created["id"]
    assert created["phone_number_id"] == PHONE_NUMBER_ID, created
    assert created["mask_credit_card_numbers"] is True, "masking must be on by default"
    assert created["access_token_set"] is True and created["app_secret_set"] is True, created
    api.call("GET", f"/api/v2/channels/whatsapp/integrations/{integration_id}")
    api.call("GET", "/api/v2/channels/whatsapp/integrations")
    assert_absent([ACCESS_TOKEN, APP_SECRET],
                  [(what, text.encode()) for what, text in api.outputs],
                  "the integrations API shows a write-only secret")

    handshake = simulator.control("POST", "/verify", json={"verify_token": VERIFY_TOKEN})
    assert handshake.get("ok") is True, f"webhook verification handshake failed: {handshake}"

    # --- 3. the customer writes: text, image, contact card, each with a card number
    user = simulator.control("POST", "/users", json={"name": "Jane", "phone": "4915112345678"})
    uid = user["user_id"]
    sends = [
        {"type": "text", "text": "Hi, my card 4242 4242 4242 4242 was charged twice"},
        {"type": "image", "caption": "card 4242424242424242", "mime_type": "image/png",
         "data_base64": base64.b64encode(IMAGE_BYTES).decode()},
        {"type": "contacts", "name": "Card 5555-5555-5555-4444", "phone": CONTACT_PHONE},
    ]
    sent = []
    for body in sends:
        answer = simulator.control("POST", f"/users/{uid}/messages", json=body)
        assert answer.get("delivery", {}).get("delivered") is True, \
            f"webhook for {body['type']} not delivered to Parley: {answer}"
        sent.append(answer)

    def one_ticket_three_comments():
        tickets = api.call("GET", "/api/v2/tickets.json")["tickets"]
        if len(tickets) != 1:
            return False, tickets
        comments = api.call("GET", f"/api/v2/tickets/{tickets[0]['id']}/comments.json")["comments"]
        return len(comments) == 3, comments

    comments = wait_until("1 ticket with 3 comments", one_ticket_three_comments)
    ticket_id = api.call("GET", "/api/v2/tickets.json")["tickets"][0]["id"]
    text_comment, image_comment, contact_comment = comments
    assert text_comment["body"] == f"Hi, my card {MASKED_TEXT_CARD} was charged twice", text_comment
    assert image_comment["body"] == f"card {MASKED_CAPTION_CARD}", image_comment
    assert MASKED_CONTACT_CARD in contact_comment["body"], contact_comment
    assert CONTACT_PHONE in contact_comment["body"], "the contact's phone number must not be masked"
    assert [c["external_message_id"] for c in comments] == [s["message_id"] for s in sent]

    # The image is fetched from the simulator's Graph API after the webhook was answered.
    assert len(image_comment["attachments"]) == 1, image_comment
    attachment_id = image_comment["attachments"][0]["id"]

    def attachment_stored():
        a = api.call("GET", f"/api/v2/attachments/{attachment_id}.json")["attachment"]
        return a["status"] == "stored", a

    attachment = wait_until("the image to be downloaded", attachment_stored)
    content = api.content(f"/api/v2/attachments/{attachment_id}/content").content
    assert content == IMAGE_BYTES, f"downloaded {len(content)} bytes, not the {len(IMAGE_BYTES)} sent"
    assert attachment["sha256"] == hashlib.sha256(content).hexdigest(), attachment
    assert attachment["size"] == len(IMAGE_BYTES), attachment
    assert attachment["content_type"] == "image/png", attachment

    # --- 4. card numbers: masked everywhere, the masked form on the comments
    ticket = api.call("GET", f"/api/v2/tickets/{ticket_id}.json")["ticket"]
    api.call("GET", f"/api/v2/tickets/{ticket_id}/comments.json")
    audits = api.call("GET", f"/api/v2/tickets/{ticket_id}/audits.json")["audits"]
    api.call("GET", f"/api/v2/users/{ticket['requester_id']}.json")
    assert audits, "no audits on the ticket"
    assert MASKED_TEXT_CARD in json.dumps(comments, ensure_ascii=False)

    assert_absent(CARD_NEEDLES, [(w, t.encode()) for w, t in api.outputs],
                  "a card number is in Parley's API output")
    log_name, log_bytes = parley_log(server)
    assert b" debug " in log_bytes, "Parley's log has no debug lines: PARLEY_LOG_LEVEL=debug had no effect"
    assert_absent(CARD_NEEDLES, [(log_name, log_bytes)], "a card number is in Parley's log")
    stored = database_files(server)
    # The scan reads where the comments really are: their masked form is there.
    assert find_in_bytes(b"".join(blob for _, blob in stored), [MASKED_TEXT_CARD]), \
        f"the masked comment is not in {[name for name, _ in stored]}: the scan looks in the wrong place"
    assert_absent(CARD_NEEDLES, stored, "a card number is stored")

    # --- 5. masking off: the next card number is kept as sent
    updated = api.call("PUT", f"/api/v2/channels/whatsapp/integrations/{integration_id}",
                       json={"integration": {"mask_credit_card_numbers": False}})["integration"]
    assert updated["mask_credit_card_numbers"] is False, updated
    answer = simulator.control("POST", f"/users/{uid}/messages",
                               json={"type": "text", "text": f"my card {UNMASKED_CARD}"})
    assert answer.get("delivery", {}).get("delivered") is True, answer
    sent.append(answer)

    def fourth_comment():
        cs = api.call("GET", f"/api/v2/tickets/{ticket_id}/comments.json")["comments"]
        return len(cs) == 4, cs

    comments = wait_until("the 4th comment", fourth_comment)
    assert comments[3]["body"] == f"my card {UNMASKED_CARD}", comments[3]

    # --- 6. the reply window, counted from the customer's newest message
    ticket = api.call("GET", f"/api/v2/tickets/{ticket_id}.json")["ticket"]
    window = ticket.get("whatsapp")
    assert isinstance(window, dict), f"ticket has no whatsapp object: {ticket}"
    assert window["integration_id"] == integration_id, window
    assert window["window_open"] is True, window
    last_sent = datetime.fromtimestamp(max(s["timestamp"] for s in sent), tz=timezone.utc)
    closes = parse_time(window["window_closes_at"])
    expected = last_sent + timedelta(hours=24)
    assert abs((closes - expected).total_seconds()) <= 2, \
        f"window_closes_at {window['window_closes_at']}, expected {expected.isoformat()}"
    assert abs((parse_time(window["last_end_user_message_at"]) - last_sent).total_seconds()) <= 2, window
    assert 0 < window["window_remaining_seconds"] <= 24 * 3600, window

    # --- 7. graceful shutdown, then the final leak checks on the complete log and files
    rc, needed_kill = server.stop()
    assert not needed_kill, "parley ignored SIGTERM"
    assert rc == 0, f"on SIGTERM, {server.exit_report(rc)}"

    assert_absent([ACCESS_TOKEN, APP_SECRET], [parley_log(server)],
                  "the access token or app secret is in Parley's log")
    assert_absent([ACCESS_TOKEN, APP_SECRET], [(w, t.encode()) for w, t in api.outputs],
                  "the access token or app secret is in Parley's API output")
    assert_absent(CARD_NEEDLES, [parley_log(server)], "a card number is in Parley's log")
    # Again after shutdown (SQLite checkpoints its WAL into the main file then).
    stored = database_files(server)
    assert find_in_bytes(b"".join(blob for _, blob in stored), [UNMASKED_CARD]), \
        "the comment sent with masking off is not in the database files"
    assert_absent(CARD_NEEDLES, stored, "a card number is stored")
