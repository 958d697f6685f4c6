"""The WhatsApp Cloud API simulator, checked with pywa (an independent client).

Every webhook the simulator emits -- inbound messages of every type, system
notices, a call, and message statuses (sent, delivered, read, failed) -- is
parsed by an unmodified pywa with signature validation on, and must come out
as the expected pywa update with the expected fields. pywa's own client, pointed
at the simulator's Graph API, sends a text, an uploaded image and a template.

A shape that pywa rejects is a bug in the simulator, not in this test: such a
case fails with a message that names the webhook and what pywa expected.

Needs only the parley binary (`parley simulator`), not Parley's server, and so
no database: PARLEY_TEST_DATABASE_URL plays no part here.
"""

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import pywa
from pywa import WhatsApp, errors as pywa_errors
from pywa.types import (
    Button,
    CallbackButton,
    CallbackSelection,
    CallConnect,
    DeletedMessage,
    EditedMessage,
    Message,
    MessageStatus,
    MessageStatusType,
    MessageType,
    PhoneNumberChange,
    Section,
    SectionList,
    SectionRow,
)
from pywa.types.templates import BodyText, TemplateLanguage

from conftest import SimulatorProcess

APP_SECRET = "pywa-sim-app-secret"
ACCESS_TOKEN = "pywa-sim-access-token"
VERIFY_TOKEN = "pywa-sim-verify-token"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "15550001234"
WABA_ID = "102290129340398"
SIG_HEADER = "X-Hub-Signature-256"

PHONE_USER = {"name": "Ada Phone", "phone": "15551230001"}
USERNAME_USER = {"name": "Bo Username", "username": "bo.user"}
UNKNOWN_PHONE = "15559990000"
NEW_PHONE = "15551239999"

# A 1x1 PNG, for the business upload.
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
    "hKmMIQAAAABJRU5ErkJggg=="
)
WAIT_TIMEOUT = 15.0  # seconds for an expected webhook to arrive


# ------------------------------------------------------------ webhook receiver

class WebhookReceiver:
    """http.server in a thread: keeps each POST's raw bytes and headers, answers 200."""

    def __init__(self):
        self.bodies = []  # list of (raw bytes, {lowercased header: value})
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                with receiver._cond:
                    receiver.bodies.append((raw, headers))
                    receiver._cond.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/webhook"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def count(self):
        with self._cond:
            return len(self.bodies)

    def wait_for(self, predicate, since=0, what="webhook"):
        """The first body (index >= since) whose parsed JSON satisfies predicate."""
        deadline = time.monotonic() + WAIT_TIMEOUT
        with self._cond:
            while True:
                for i in range(since, len(self.bodies)):
                    raw, headers = self.bodies[i]
                    if predicate(json.loads(raw)):
                        return i, raw, headers
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [json.loads(b)["entry"][0]["changes"][0]["value"]
                            for b, _ in self.bodies[since:]]
                    pytest.fail(f"no {what} arrived within {WAIT_TIMEOUT:.0f}s; "
                                f"got after #{since}: {json.dumps(seen)[:3000]}",
                                pytrace=False)
                self._cond.wait(timeout=left)


# ---------------------------------------------------------------- pywa parsing

class _LogCapture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def make_pywa(sim_port=None):
    """A pywa client that parses webhooks (signature validation on) and talks to the simulator."""
    wa = WhatsApp(
        phone_id=PHONE_NUMBER_ID,
        token=ACCESS_TOKEN,
        server=None,
        app_secret=APP_SECRET,
        validate_updates=True,
        verify_token=VERIFY_TOKEN,
        waba_id=WABA_ID,
        filter_updates=True,  # an update for another WABA / phone number id is dropped
        skip_duplicate_updates=False,  # the same body is parsed in more than one test
        api_version="21.0",
    )
    if sim_port is not None:
        # pywa 4.x keeps its httpx.Client here; GraphAPI.__init__ sets base_url on it.
        wa.api._session.base_url = f"http://127.0.0.1:{sim_port}/v21.0"
    return wa


class PywaParser:
    """Feeds raw webhook bodies to pywa exactly as a custom server would."""

    def __init__(self, wa):
        self.wa = wa
        self._updates = []
        self._raw = []
        sink = self._updates.append

        @wa.on_message()
        def _message(_, u):
            sink(u)

        @wa.on_message_status()
        def _status(_, u):
            sink(u)

        @wa.on_callback_button()
        def _button(_, u):
            sink(u)

        @wa.on_callback_selection()
        def _selection(_, u):
            sink(u)

        @wa.on_edited_message()
        def _edited(_, u):
            sink(u)

        @wa.on_deleted_message()
        def _deleted(_, u):
            sink(u)

        @wa.on_phone_number_change()
        def _phone_change(_, u):
            sink(u)

        @wa.on_identity_change()
        def _identity(_, u):
            sink(u)

        @wa.on_call_connect()
        def _call_connect(_, u):
            sink(u)

        @wa.on_call_terminate()
        def _call_terminate(_, u):
            sink(u)

        @wa.on_call_status()
        def _call_status(_, u):
            sink(u)

        @wa.on_raw_update()
        def _raw(_, u):
            self._raw.append(u)

    def validate(self, raw, signature):
        """pywa's signature check: None when accepted, else (message, status)."""
        return self.wa.webhook_update_validator(raw, signature)

    def parse(self, raw, signature):
        """Validate and handle one body; returns (result, updates, problems)."""
        self._updates.clear()
        self._raw.clear()
        capture = _LogCapture()
        pywa_logger = logging.getLogger("pywa")
        pywa_logger.addHandler(capture)
        old_level = pywa_logger.level
        if pywa_logger.getEffectiveLevel() > logging.WARNING:
            pywa_logger.setLevel(logging.WARNING)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                rejected = self.validate(raw, signature)
                if rejected is not None:
                    result = rejected
                else:
                    result = self.wa.webhook_update_handler(raw)
        finally:
            pywa_logger.removeHandler(capture)
            pywa_logger.setLevel(old_level)
        problems = []
        for rec in capture.records:
            text = rec.getMessage()
            if rec.exc_info and rec.exc_info[1] is not None:
                exc = rec.exc_info[1]
                tb = rec.exc_info[2]
                while tb.tb_next is not None:
                    tb = tb.tb_next
                where = f"{tb.tb_frame.f_code.co_filename.split('site-packages/')[-1]}:{tb.tb_lineno}"
                text += f" -- {type(exc).__name__}: {exc} (at {where})"
            problems.append(f"pywa {rec.levelname}: {text}")
        for w in caught:
            if issubclass(w.category, pywa_errors.PywaWarning):
                problems.append(f"pywa warning {w.category.__name__}: {w.message}")
        if rejected is None:
            assert len(self._raw) == 1, "pywa did not hand the body to the raw-update handler"
        return result, list(self._updates), problems


def sign(raw):
    return "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()


def value_of(body):
    return body["entry"][0]["changes"][0]["value"]


def message_with_id(wamid):
    def match(body):
        v = value_of(body)
        return any(m.get("id") == wamid for m in v.get("messages", []))
    return match


def status_of(wamid, status):
    def match(body):
        v = value_of(body)
        return any(s.get("id") == wamid and s.get("status") == status
                   for s in v.get("statuses", []))
    return match


def call_with_id(call_id):
    def match(body):
        return any(c.get("id") == call_id for c in value_of(body).get("calls", []))
    return match


# ------------------------------------------------------------------- scenario

class Case:
    """One captured webhook and what pywa must make of it."""

    def __init__(self, label, index, raw, headers, expected_type, check):
        self.label = label
        self.index = index
        self.raw = raw
        self.headers = headers
        self.expected_type = expected_type
        self.check = check  # callable(update) -> None, asserting fields


class Scenario:
    def __init__(self, sim, receiver):
        self.sim = sim
        self.receiver = receiver
        self.cases = []
        self.users = {}
        self.sent = {}  # label -> pywa SentMessage / result
        self.errors = {}  # label -> exception raised by pywa's client

    def expect(self, label, predicate, expected_type, check, since=0):
        index, raw, headers = self.receiver.wait_for(predicate, since=since, what=label)
        self.cases.append(Case(label, index, raw, headers, expected_type, check))
        return index

    def user_sends(self, user, label, body, expected_type, check):
        answer = self.sim.control("POST", f"/users/{user['user_id']}/messages", json=body)
        assert answer["delivery"].get("delivered") is True, f"{label}: {answer}"
        wamid = answer["message_id"]
        self.expect(label, message_with_id(wamid), expected_type,
                    lambda u, check=check, wamid=wamid: check(u, wamid))
        return wamid


def _user_check(u, user, *, phone):
    """The BSUID / wa_id / name / username pywa reads from contacts[0]."""
    assert u.from_user.bsuid == user["user_id"], ("BSUID", u.from_user.bsuid, user["user_id"])
    assert u.from_user.wa_id == phone, ("wa_id", u.from_user.wa_id, phone)
    assert u.from_user.name == user["name"], ("profile.name", u.from_user.name)
    if user.get("username"):
        assert u.from_user.username == user["username"], ("profile.username", u.from_user.username)


def _meta_check(u):
    assert u.metadata.phone_number_id == PHONE_NUMBER_ID, u.metadata
    assert u.metadata.display_phone_number == DISPLAY_NUMBER, u.metadata
    assert u.waba_id == WABA_ID, u.waba_id


def run_scenario(sim, receiver, wa):
    sc = Scenario(sim, receiver)
    a = sim.control("POST", "/users", json=PHONE_USER)
    b = sim.control("POST", "/users", json=USERNAME_USER)
    assert a["user_id"] and a["phone"] == PHONE_USER["phone"], a
    assert b["user_id"] and b.get("phone") is None and b["username"] == USERNAME_USER["username"], b
    sc.users = {"phone": a, "username": b}
    A, B = PHONE_USER["phone"], None

    def msg(kind, user, phone, extra=None):
        def check(u, wamid):
            assert u.id == wamid, (u.id, wamid)
            assert u.type == kind, ("type", u.type)
            _user_check(u, user, phone=phone)
            _meta_check(u)
            if extra:
                extra(u)
        return check

    # ---- inbound messages of every type, from the phone user
    hello = sc.user_sends(a, "text (phone user)", {"type": "text", "text": "hello from Ada"},
                          Message, msg(MessageType.TEXT, a, A,
                                       lambda u: (_assert(u.text == "hello from Ada", u.text),
                                                  _assert(not u.forwarded, "forwarded"),
                                                  _assert(u.reply_to_message is None, "reply"))))

    for kind, extra_body, field in (
        ("image", {"caption": "a picture", "with_url": True}, "image"),
        ("video", {"caption": "a clip"}, "video"),
        ("audio", {}, "audio"),
        ("voice", {}, "audio"),
        ("sticker", {}, "sticker"),
        ("document", {"caption": "the invoice", "filename": "invoice.pdf",
                      "mime_type": "application/pdf",
                      "data_base64": base64.b64encode(b"%PDF-1.4 fake").decode()}, "document"),
    ):
        def media_check(u, kind=kind, extra_body=extra_body, field=field):
            media = getattr(u, field)
            _assert(media is not None, f"Message.{field} is None")
            _assert(u.media is media, "Message.media")
            _assert(isinstance(media.id, str) and media.id, ("media id", media.id))
            _assert(media.mime_type, ("mime_type", media.mime_type))
            raw_obj = value_of(json.loads(u.raw.raw))["messages"][0][field]
            _assert(media.id == raw_obj["id"], ("media id", media.id, raw_obj["id"]))
            _assert(media.sha256 == raw_obj["sha256"], "sha256")
            if "caption" in extra_body:
                _assert(u.caption == extra_body["caption"], ("caption", u.caption))
            if kind == "voice":
                _assert(u.voice is not None and u.audio.voice is True, "voice flag")
            if kind == "audio":
                _assert(u.voice is None, "plain audio must not be a voice note")
            if kind == "document":
                _assert(u.document.filename == "invoice.pdf", ("filename", u.document.filename))
                _assert(u.document.mime_type == "application/pdf", u.document.mime_type)
            if kind == "sticker":
                _assert(u.sticker.animated is False, ("animated", u.sticker.animated))
        sc.user_sends(a, f"{kind} (phone user)", {"type": kind, **extra_body}, Message,
                      msg(MessageType(field), a, A, media_check))

    sc.user_sends(a, "location", {"type": "location", "latitude": 52.52, "longitude": 13.405,
                                  "name": "Office", "address": "Main St 1"},
                  Message, msg(MessageType.LOCATION, a, A, lambda u: (
                      _assert(abs(u.location.latitude - 52.52) < 1e-9, u.location),
                      _assert(abs(u.location.longitude - 13.405) < 1e-9, u.location),
                      _assert(u.location.name == "Office", u.location),
                      _assert(u.location.address == "Main St 1", u.location))))

    sc.user_sends(a, "contacts", {"type": "contacts", "name": "Carla Card", "phone": "+15557654321",
                                  "email": "carla@example.com"},
                  Message, msg(MessageType.CONTACTS, a, A, lambda u: (
                      _assert(len(u.contacts) == 1, u.contacts),
                      _assert(u.contacts[0].name.formatted_name == "Carla Card", u.contacts),
                      _assert(u.contacts[0].phones[0].phone == "+15557654321", u.contacts),
                      _assert(u.contacts[0].emails[0].email == "carla@example.com", u.contacts))))

    sc.user_sends(a, "reply (text with context)", {"type": "text", "text": "as I said", "reply_to": hello},
                  Message, msg(MessageType.TEXT, a, A, lambda u: (
                      _assert(u.reply_to_message is not None, "no reply_to_message"),
                      _assert(u.reply_to_message.id == hello, u.reply_to_message),
                      _assert(u.reply_to_message.from_user_id == A, u.reply_to_message))))

    sc.user_sends(a, "forwarded", {"type": "text", "text": "fwd", "forwarded": True},
                  Message, msg(MessageType.TEXT, a, A, lambda u: (
                      _assert(u.forwarded is True, "forwarded"),
                      _assert(u.forwarded_many_times is False, "forwarded_many_times"))))

    sc.user_sends(a, "frequently_forwarded", {"type": "text", "text": "fwd!!", "frequently_forwarded": True},
                  Message, msg(MessageType.TEXT, a, A, lambda u: (
                      _assert(u.forwarded is True, "forwarded"),
                      _assert(u.forwarded_many_times is True, "forwarded_many_times"))))

    sc.user_sends(a, "reaction", {"type": "reaction", "reacts_to": hello, "emoji": "👍"},
                  Message, msg(MessageType.REACTION, a, A, lambda u: (
                      _assert(u.reaction.message_id == hello, u.reaction),
                      _assert(u.reaction.emoji == "👍", u.reaction),
                      _assert(not u.reaction.is_removed, u.reaction))))

    sc.user_sends(a, "reaction removal", {"type": "reaction", "reacts_to": hello},
                  Message, msg(MessageType.REACTION, a, A, lambda u: (
                      _assert(u.reaction.message_id == hello, u.reaction),
                      _assert(u.reaction.emoji is None and u.reaction.is_removed, u.reaction))))

    def edited_check(u, wamid):
        _assert(u.id == wamid, (u.id, wamid))
        _assert(u.original_message_id == hello, ("original_message_id", u.original_message_id))
        _assert(u.type == MessageType.TEXT, ("edit type", u.type))
        _assert(u.message.text == "hello from Ada (edited)", ("edited text", u.message.text))
        _assert(u.message.id == hello, ("edited message id", u.message.id))
        _user_check(u, a, phone=A)
        _meta_check(u)
    sc.user_sends(a, "edit", {"type": "edit", "edits": hello, "text": "hello from Ada (edited)"},
                  EditedMessage, edited_check)

    doomed = sc.user_sends(a, "text to be revoked", {"type": "text", "text": "oops"},
                           Message, msg(MessageType.TEXT, a, A))

    def revoked_check(u, wamid):
        _assert(u.id == wamid, (u.id, wamid))
        _assert(u.original_message_id == doomed, ("original_message_id", u.original_message_id))
        _assert(u.type == MessageType.REVOKE, u.type)
        _user_check(u, a, phone=A)
    sc.user_sends(a, "revoke", {"type": "revoke", "revokes": doomed}, DeletedMessage, revoked_check)

    sc.user_sends(a, "unsupported", {"type": "unsupported"},
                  Message, msg(MessageType.UNSUPPORTED, a, A, lambda u: (
                      _assert(u.unsupported is not None, "unsupported"),
                      _assert(u.error is not None and u.error.code == 131051,
                              ("error", u.error)))))

    def button_reply_check(u, wamid):
        _assert(u.id == wamid, (u.id, wamid))
        _assert(u.type == MessageType.INTERACTIVE, u.type)
        _assert(u.data == "yes_1" and u.title == "Yes", (u.data, u.title))
        _user_check(u, a, phone=A)
    # As the control API documents them: no reply_to.
    sc.user_sends(a, "interactive button_reply (no reply_to)",
                  {"type": "interactive", "interactive_type": "button_reply",
                   "reply_id": "yes_1", "title": "Yes"},
                  CallbackButton, button_reply_check)

    def list_reply_check(u, wamid):
        _assert(u.id == wamid, (u.id, wamid))
        _assert(u.type == MessageType.INTERACTIVE, u.type)
        _assert(u.data == "row_2" and u.title == "Billing", (u.data, u.title))
        _assert(u.description == "Invoices and payments", u.description)
        _user_check(u, a, phone=A)
    sc.user_sends(a, "interactive list_reply (no reply_to)",
                  {"type": "interactive", "interactive_type": "list_reply",
                   "reply_id": "row_2", "title": "Billing", "description": "Invoices and payments"},
                  CallbackSelection, list_reply_check)

    # ---- the username-only user (hidden phone number)
    b_hello = sc.user_sends(b, "text (username user)", {"type": "text", "text": "hi, no number here"},
                            Message, msg(MessageType.TEXT, b, B,
                                         lambda u: _assert(u.text == "hi, no number here", u.text)))
    sc.user_sends(b, "image (username user)", {"type": "image", "caption": "from bo"},
                  Message, msg(MessageType.IMAGE, b, B,
                               lambda u: _assert(u.caption == "from bo", u.caption)))
    sc.user_sends(b, "reply (username user)", {"type": "text", "text": "re", "reply_to": b_hello},
                  Message, msg(MessageType.TEXT, b, B, lambda u: (
                      _assert(u.reply_to_message is not None, "no reply_to_message"),
                      _assert(u.reply_to_message.id == b_hello, u.reply_to_message))))

    # ---- calls
    for who, user, phone in (("phone user", a, A), ("username user", b, B)):
        answer = sim.control("POST", f"/users/{user['user_id']}/calls")
        call_id = answer["call_id"]

        def call_check(u, call_id=call_id, user=user, phone=phone):
            _assert(u.id == call_id, (u.id, call_id))
            _assert(str(u.event).lower() == "connect", u.event)
            _assert(str(u.direction) == "USER_INITIATED", u.direction)
            _assert(u.session is not None and u.session.sdp_type == "offer", u.session)
            _user_check(u, user, phone=phone)
            _meta_check(u)
        sc.expect(f"call ({who})", call_with_id(call_id), CallConnect, call_check)

    # ---- business sends through pywa's client: sent + delivered
    def status_check(wamid, status, user, phone, error_code=None):
        """user: the recipient's control-API record, or a set of acceptable BSUIDs (None: none)."""
        def check(u):
            _assert(u.id == wamid, (u.id, wamid))
            _assert(u.status == status, ("status", u.status, status))
            _meta_check(u)
            bsuids = user if isinstance(user, set) else {user["user_id"]}
            _assert(u.from_user.bsuid in bsuids, ("recipient BSUID", u.from_user.bsuid, bsuids))
            _assert(u.from_user.wa_id == phone, ("recipient wa_id", u.from_user.wa_id, phone))
            if error_code is None:
                _assert(u.error is None, ("error", u.error))
            else:
                _assert(u.error is not None, "a failed status without error")
                _assert(u.error.code == error_code, ("error code", u.error.code))
        return check

    def expect_statuses(label, wamid, statuses, user, phone, error_code=None):
        for status in statuses:
            sc.expect(f"{label}: status {status}", status_of(wamid, status), MessageStatus,
                      status_check(wamid, MessageStatusType(status), user, phone, error_code))

    text = wa.send_message(to=A, text="Hello Ada, this is support.")
    sc.sent["text"] = text
    expect_statuses("business text to phone", text.id, ("sent", "delivered"), a, A)

    media = wa.upload_media(media=PNG_1X1, mime_type="image/png", filename="pixel.png")
    sc.sent["media"] = media
    image = wa.send_image(to=A, image=media.id, caption="your screenshot")
    sc.sent["image"] = image
    expect_statuses("business image to phone", image.id, ("sent", "delivered"), a, A)

    template = wa.send_template(to=A, name="ticket_update", language=TemplateLanguage.ENGLISH_US,
                                params=[BodyText.params("Jane", "#1234")])
    sc.sent["template"] = template
    expect_statuses("business template to phone", template.id, ("sent", "delivered"), a, A)

    try:
        wa.send_template(to=A, name="no_such_template", language=TemplateLanguage.ENGLISH_US)
    except pywa_errors.WhatsAppError as e:
        sc.errors["unknown template"] = e

    to_b = wa.send_message(to=b["user_id"], text="Hello Bo (by BSUID).")
    sc.sent["text to BSUID"] = to_b
    expect_statuses("business text to BSUID", to_b.id, ("sent", "delivered"), b, B)

    # Interactive messages from the business, answered by the phone user (replies carry context).
    buttons_msg = wa.send_message(to=A, text="Did that help?",
                                  buttons=[Button(title="Yes", callback_data="yes_1"),
                                           Button(title="No", callback_data="no_1")])
    sc.sent["buttons"] = buttons_msg
    expect_statuses("business reply buttons to phone", buttons_msg.id, ("sent", "delivered"), a, A)
    list_msg = wa.send_message(to=A, text="What is it about?",
                               buttons=SectionList(button_title="Topics", sections=[Section(
                                   title="Topics", rows=[
                                       SectionRow(title="Orders", callback_data="row_1"),
                                       SectionRow(title="Billing", callback_data="row_2",
                                                  description="Invoices and payments")])]))
    sc.sent["list"] = list_msg
    expect_statuses("business list to phone", list_msg.id, ("sent", "delivered"), a, A)

    def with_context(check, replied):
        def wrapped(u, wamid):
            check(u, wamid)
            _assert(u.reply_to_message is not None and u.reply_to_message.id == replied,
                    ("reply_to_message", u.reply_to_message, replied))
        return wrapped
    sc.user_sends(a, "interactive button_reply (reply_to the buttons)",
                  {"type": "interactive", "interactive_type": "button_reply",
                   "reply_id": "yes_1", "title": "Yes", "reply_to": buttons_msg.id},
                  CallbackButton, with_context(button_reply_check, buttons_msg.id))
    sc.user_sends(a, "interactive list_reply (reply_to the list)",
                  {"type": "interactive", "interactive_type": "list_reply",
                   "reply_id": "row_2", "title": "Billing", "description": "Invoices and payments",
                   "reply_to": list_msg.id},
                  CallbackSelection, with_context(list_reply_check, list_msg.id))

    # The template's quick-reply button, pressed by the phone user.
    def quick_reply_check(u, wamid):
        _assert(u.id == wamid, (u.id, wamid))
        _assert(u.type == MessageType.BUTTON, u.type)
        _assert(u.data == "REOPEN" and u.title == "Reopen", (u.data, u.title))
        _assert(u.is_quick_reply, "is_quick_reply")
        _assert(u.reply_to_message is not None and u.reply_to_message.id == template.id,
                ("reply_to_message", u.reply_to_message))
        _user_check(u, a, phone=A)
    sc.user_sends(a, "button (template quick reply)",
                  {"type": "button", "text": "Reopen", "payload": "REOPEN", "reply_to": template.id},
                  CallbackButton, quick_reply_check)

    # ---- read statuses: the users open their chats
    sim.control("POST", f"/users/{a['user_id']}/read")
    for label, sent in (("text", text), ("image", image), ("template", template),
                        ("reply buttons", buttons_msg), ("list", list_msg)):
        expect_statuses(f"business {label} to phone", sent.id, ("read",), a, A)
    sim.control("POST", f"/users/{b['user_id']}/read")
    expect_statuses("business text to BSUID", to_b.id, ("read",), b, B)

    # ---- failed: unknown recipient (131026)
    unknown = wa.send_message(to=UNKNOWN_PHONE, text="Anyone there?")
    sc.sent["unknown"] = unknown
    # Not on WhatsApp: no BSUID, only the number it was sent to.
    expect_statuses("business text to unknown phone", unknown.id, ("failed",), {None},
                    UNKNOWN_PHONE, error_code=131026)

    # What the phone user received, before a BSUID change files it under another id.
    sc.inbox = {"phone": sim.control("GET", f"/users/{a['user_id']}/inbox")["messages"]}

    # ---- system notices: BSUID changes for both users, then the phone user changes number
    def user_id_change_check(new_id, phone):
        def check(u, wamid):
            _assert(u.id == wamid, (u.id, wamid))
            _assert(u.type == MessageType.SYSTEM, u.type)
            _assert(str(u.sys_type) == "user_changed_user_id", u.sys_type)
            _assert(u.new_user_id == new_id, ("new_user_id", u.new_user_id, new_id))
            if phone is not None:  # a hidden number has no wa_id to report
                _assert(u.old_wa_id == phone, ("old_wa_id", u.old_wa_id, phone))
            _assert(u.body, "body")
            _meta_check(u)
        return check

    new_a = "US.1000000000000000001"
    sc.user_sends(a, "system user_changed_user_id (phone user)",
                  {"type": "system_user_changed_user_id", "new_user_id": new_a},
                  PhoneNumberChange, user_id_change_check(new_a, A))
    a_renamed = dict(a, user_id=new_a)
    new_b = "US.1000000000000000002"
    sc.user_sends(b, "system user_changed_user_id (username user)",
                  {"type": "system_user_changed_user_id", "new_user_id": new_b},
                  PhoneNumberChange, user_id_change_check(new_b, None))

    def number_change_check(u, wamid):
        _assert(u.id == wamid, (u.id, wamid))
        _assert(u.type == MessageType.SYSTEM, u.type)
        _assert(str(u.sys_type) == "user_changed_number", u.sys_type)
        _assert(u.old_wa_id == A, ("old_wa_id", u.old_wa_id))
        _assert(u.new_wa_id == NEW_PHONE, ("new_wa_id", u.new_wa_id))
        _assert(u.body, "body")
        _meta_check(u)
    sc.user_sends(a_renamed, "system user_changed_number",
                  {"type": "system_user_changed_number", "new_phone": NEW_PHONE},
                  PhoneNumberChange, number_change_check)

    # ---- failed: outside the 24 h window (131047)
    sim.control("POST", "/clock/advance", json={"hours": 25})
    late = wa.send_message(to=NEW_PHONE, text="Still there?")
    sc.sent["late"] = late
    expect_statuses("business text after 25 h", late.id, ("failed",), {None, new_a}, NEW_PHONE,
                    error_code=131047)

    sc.inbox["phone, after the changes"] = sim.control(
        "GET", f"/users/{new_a}/inbox")["messages"]
    with receiver._cond:
        sc.receiver_bodies = list(receiver.bodies)
    return sc


def _assert(condition, detail):
    assert condition, detail


# ------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    root = tmp_path_factory.mktemp("pywa-sim")
    receiver = WebhookReceiver().start()
    sim = SimulatorProcess(root / "simulator.log", APP_SECRET, ACCESS_TOKEN, extra_args=[
        "--webhook-url", receiver.url, "--phone-number-id", PHONE_NUMBER_ID,
        "--display-number", DISPLAY_NUMBER, "--waba-id", WABA_ID])
    sim.start()
    sim.receiver = receiver
    yield sim
    sim.stop()
    receiver.stop()


@pytest.fixture(scope="module")
def wa(simulator):
    return make_pywa(simulator.port)


@pytest.fixture(scope="module")
def parser(wa):
    return PywaParser(wa)


@pytest.fixture(scope="module")
def scenario(simulator, wa):
    return run_scenario(simulator, simulator.receiver, wa)


# ---------------------------------------------------------------------- tests

def test_every_webhook_is_signed_and_parsed_by_pywa(scenario, parser):
    failures = []
    covered = set()
    for case in scenario.cases:
        covered.add(case.index)
        signature = case.headers.get(SIG_HEADER.lower())
        where = f"webhook #{case.index} [{case.label}]"
        if signature != sign(case.raw):
            failures.append(f"{where}: {SIG_HEADER} {signature!r} is not the HMAC-SHA256 "
                            "of the raw body with the app secret")
            continue
        result, updates, problems = parser.parse(case.raw, signature)
        body = case.raw.decode()
        if result != ("ok", 200):
            failures.append(f"{where}: pywa answered {result}")
            continue
        if problems:
            failures.append(f"{where}: SIMULATOR SHAPE BUG -- pywa could not take it as "
                            f"{case.expected_type.__name__}: {'; '.join(problems)}\n    body: {body}")
            continue
        if len(updates) != 1:
            failures.append(f"{where}: expected one {case.expected_type.__name__}, pywa produced "
                            f"{[type(u).__name__ for u in updates]}\n    body: {body}")
            continue
        update = updates[0]
        if type(update) is not case.expected_type:
            failures.append(f"{where}: expected {case.expected_type.__name__}, pywa produced "
                            f"{type(update).__name__}\n    body: {body}")
            continue
        try:
            case.check(update)
        except Exception as e:  # an AssertionError, or a field pywa left out
            failures.append(f"{where}: {case.expected_type.__name__} field mismatch: "
                            f"{type(e).__name__}: {e}\n    body: {body}")
    # Every body the receiver got was checked by some case (no stray webhooks).
    stray = [json.loads(raw) for i, (raw, _) in enumerate(scenario.receiver_bodies)
             if i not in covered]
    if stray:
        failures.append(f"{len(stray)} webhook(s) no case expected: {json.dumps(stray)[:2000]}")
    assert not failures, (f"{len(failures)} of {len(scenario.cases)} webhooks failed under pywa "
                          f"{pywa.__version__}:\n" + "\n".join(failures))


def test_pywa_rejects_tampered_bodies_and_wrong_signatures(scenario, parser):
    case = scenario.cases[0]
    signature = case.headers[SIG_HEADER.lower()]
    result, updates, _ = parser.parse(case.raw, signature)
    assert result == ("ok", 200) and len(updates) == 1, (result, updates)

    tampered = case.raw.replace(b"hello from Ada", b"hello from Eve")
    assert tampered != case.raw
    wrong_secret = "sha256=" + hmac.new(b"not-the-secret", case.raw, hashlib.sha256).hexdigest()
    for label, raw, sig, status in (
        ("tampered body, original signature", tampered, signature, 403),
        ("signature made with another secret", case.raw, wrong_secret, 403),
        ("no signature", case.raw, None, 401),
    ):
        result, updates, _ = parser.parse(raw, sig)
        assert result[1] == status and not updates, (
            f"{label}: pywa should reject it with {status}, got {result} and {updates}")
        # The older one-call form, webhook_update_handler(body, hmac_header=...), rejects it too.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pywa_errors.PywaDeprecationWarning)
            if sig is not None:
                parser._updates.clear()
                result = parser.wa.webhook_update_handler(raw, hmac_header=sig)
                assert result[1] == status and not parser._updates, (label, result)


def test_pywa_client_against_simulator_graph_api(scenario):
    sent = scenario.sent
    a = scenario.users["phone"]
    for key in ("text", "image", "template", "text to BSUID", "unknown", "late"):
        assert sent[key].id.startswith("wamid."), (key, sent[key])
    assert sent["media"].id, sent["media"]

    err = scenario.errors.get("unknown template")
    assert err is not None, "sending an unknown template raised nothing"
    assert isinstance(err, pywa_errors.TemplateNotExists), (type(err), err)
    assert err.code == 132001, err

    inbox = {m["id"]: m for m in scenario.inbox["phone"]}
    text = inbox[sent["text"].id]
    assert text["type"] == "text" and text["message"]["text"]["body"] == "Hello Ada, this is support."
    assert text["user_id"] == a["user_id"] and text["status"] == "read", text
    image = inbox[sent["image"].id]
    assert image["type"] == "image" and image["message"]["image"]["id"] == sent["media"].id, image
    assert image["message"]["image"]["caption"] == "your screenshot", image
    assert image["status"] == "read", image
    template = inbox[sent["template"].id]
    assert template["type"] == "template", template
    t = template["message"]["template"]
    assert t["name"] == "ticket_update" and t["language"]["code"] == "en_US", t
    body_params = [p["text"] for c in t["components"] if c["type"].lower() == "body" for p in c["parameters"]]
    assert body_params == ["Jane", "#1234"], t
    assert template["status"] == "read", template
    late = {m["id"]: m for m in scenario.inbox["phone, after the changes"]}[sent["late"].id]
    assert late["status"] == "failed" and late["error_code"] == 131047, late
