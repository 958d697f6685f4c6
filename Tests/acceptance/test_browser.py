"""The agent interface in a real browser (Selenium + headless Chromium).

Runs against `parley demo`: Parley and the WhatsApp simulator in one process
sharing one clock, so advancing the simulator's clock by 25 hours closes the
reply window in Parley too. The demo connects the number and creates the
simulated users "Maria Garcia" (phone) and "Kenji" (username).

The tests run in file order on one demo and one browser (later tests use the
tickets earlier ones made):

  1. sign in: a wrong password shows an error, the right one the shell
  2. a WhatsApp message appears live in the Open view, then on its ticket
  3. a ticket row opens from the keyboard (Tab to it, Enter)
  4. a reply inside the window shows sent/delivered, then read, live
  5. an internal note stays internal when a customer message redraws the page
     while it is being written; a ticket page the agent left stays away when
     news about it arrives, or when its own answers arrive late
  6. past the 24-hour window a reply shows as failed, with a toast; the
     notification list survives a reload
  7. a macro: preview, apply, comment and status change
  8. the Events tab lists the delivery failure, in plain words (labels, names,
     formatted times)
  9. HTML and script in a customer's message stay text
 10. a closed ticket is read-only; an action the server refuses shows a toast
 11. an agent cannot open admin pages (interface and API); new-message toasts
     only for the agent's own or unassigned tickets
 12. security headers and the session cookie
 13. the rule editor: a trigger made of rows, edited again; refused rules show
     the server's reason next to the row it names
 14. an admin adds an agent with a password, who signs in; role and suspension
 15. the phone page (README screenshots)

PARLEY_SCREENSHOTS=1 (re)writes docs/*.png; otherwise nothing in the
repository is touched.

`parley demo` always uses SQLite, so this file runs in the SQLite pass only
(it is skipped when PARLEY_TEST_DATABASE_URL is set).
"""

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
import requests

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, REPO_ROOT, free_port, parley_bin
from processes import ManagedProcess

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("PARLEY_TEST_DATABASE_URL")),
    reason="browser tests run in the SQLite pass only (`parley demo` always uses SQLite)",
)

try:  # a missing selenium fails the tests below, with a message, instead of the collection
    from selenium import webdriver
    from selenium.common.exceptions import (
        NoAlertPresentException,
        NoSuchElementException,
        StaleElementReferenceException,
        WebDriverException,
    )
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select
except ImportError as error:  # pragma: no cover
    webdriver = None
    SELENIUM_IMPORT_ERROR = error

ADMIN = (ADMIN_EMAIL, ADMIN_PASSWORD)
MARIA = "US.1000000000000000001"  # created by `parley demo`
KENJI = "US.1000000000000000002"
AGENT_EMAIL = "ann@example.com"
AGENT_PASSWORD = "agent-password-1"
XSS_TEXT = "Look: <img src=x onerror=alert(1)> and <script>window.__xss=1</script> bye"

WAIT = 10.0  # seconds for anything the interface should show
SCREENSHOTS = os.environ.get("PARLEY_SCREENSHOTS") == "1"
DOCS = REPO_ROOT / "docs"
VIEWPORT = (1366, 860)


# ------------------------------------------------------------------ processes

class Demo(ManagedProcess):
    """One `parley demo` process: Parley on `port`, simulator + phone page on `sim_port`."""

    name = "parley demo"

    def __init__(self, data_dir, log_path):
        super().__init__(log_path)
        self.data_dir = Path(data_dir)
        self.sim_port = None

    def sim(self, path):
        return f"http://127.0.0.1:{self.sim_port}{path}"

    def allocate_ports(self):
        self.port = free_port()
        self.sim_port = free_port()
        while self.sim_port == self.port:
            self.sim_port = free_port()

    def command(self):
        return [parley_bin(), "demo", "--data-dir", self.data_dir,
                "--hostname", "127.0.0.1", "--port", self.port,
                "--simulator-port", self.sim_port,
                "--admin-email", ADMIN_EMAIL, "--admin-password", ADMIN_PASSWORD]

    def probe(self):
        health = requests.get(self.url("/healthz"), timeout=2)
        users = requests.get(self.sim("/_sim/users"), timeout=2)
        names = {u["name"] for u in users.json().get("users", [])} if users.ok else set()
        if health.status_code == 200 and {"Maria Garcia", "Kenji"} <= names:
            return None
        return f"/healthz -> {health.status_code}, simulated users {sorted(names)}"

    # --- the API and the simulator's control API

    def api(self, method, path, expect=200, auth=ADMIN, **kwargs):
        r = requests.request(method, self.url(path), auth=auth, timeout=30, **kwargs)
        assert r.status_code == expect, f"{method} {path} -> {r.status_code} (expected {expect}) {r.text[:1000]}"
        return r.json() if r.content else None

    def control(self, method, path, **kwargs):
        r = requests.request(method, self.sim("/_sim" + path), timeout=30, **kwargs)
        assert r.status_code in (200, 201), f"{method} /_sim{path} -> {r.status_code} {r.text}"
        return r.json()

    def user_says(self, user_id, text, **extra):
        answer = self.control("POST", f"/users/{user_id}/messages", json={"type": "text", "text": text, **extra})
        assert answer.get("delivery", {}).get("delivered") is True, f"webhook not delivered to Parley: {answer}"
        return answer

    def ticket_of(self, user_id):
        """The id of the newest ticket of a simulated user, or None."""
        tickets = self.api("GET", "/api/v2/tickets.json?per_page=100")["tickets"]
        mine = [t for t in tickets if (t.get("whatsapp") or {}).get("end_user", {}).get("user_id") == user_id]
        return max((t["id"] for t in mine), default=None)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    server = Demo(root / "demo-data", root / "demo.log").start()
    yield server
    server.stop()


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def emulate(browser):
    """The same page size, time zone and language on every machine (per tab): screenshots stay comparable."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": VIEWPORT[0], "height": VIEWPORT[1], "deviceScaleFactor": 1, "mobile": False})
    browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": "UTC"})
    browser.execute_cdp_cmd("Emulation.setLocaleOverride", {"locale": "en-US"})


@pytest.fixture(scope="module")
def driver(demo):
    if webdriver is None:
        pytest.fail(f"selenium is not installed ({SELENIUM_IMPORT_ERROR}): "
                    "pip install -r Tests/acceptance/requirements.txt", pytrace=False)
    chromedriver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    binary = chromium_binary()
    if binary is None or not os.path.exists(chromedriver):
        pytest.fail("Chromium and chromedriver are needed for the browser tests "
                    "(Debian: apt-get install chromium chromium-driver fonts-noto-color-emoji)",
                    pytrace=False)
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", f"--window-size={VIEWPORT[0]},{VIEWPORT[1]}",
                     "--disable-gpu", "--disable-dev-shm-usage", "--lang=en-US", "--hide-scrollbars",
                     "--force-color-profile=srgb", "--font-render-hinting=none"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        emulate(browser)
        browser.set_script_timeout(10)
        yield browser
    finally:
        browser.quit()


@pytest.fixture(autouse=True)
def no_script_errors(request):
    """Fails a test whose page threw an uncaught JavaScript error."""
    if "driver" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("driver")
    browser.get_log("browser")  # drop what earlier tests left
    yield
    errors = [e["message"] for e in browser.get_log("browser")
              if e.get("source") == "javascript" and e.get("level") == "SEVERE"]
    assert not errors, "the page threw JavaScript errors:\n" + "\n".join(errors)


# -------------------------------------------------------------------- helpers

def snapshot(browser, name):
    """Saves a screenshot and the page text for a failure message; returns where."""
    out = Path(tempfile.gettempdir()) / f"parley-browser-{name}-{os.getpid()}-{time.monotonic_ns()}.png"
    try:
        browser.save_screenshot(str(out))
        text = browser.execute_script("return document.body ? document.body.innerText : ''") or ""
    except WebDriverException as e:
        return f"(no screenshot: {e.msg})"
    return f"screenshot {out}\n---- page text ----\n{text[:3000]}"


def wait_for(browser, what, probe, timeout=WAIT, interval=0.1):
    """Calls probe() until it returns something truthy and returns that; on timeout fails
    with the last value, a screenshot and the page's text."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            last = probe()
            if last:
                return last
        except (NoSuchElementException, StaleElementReferenceException) as e:
            last = type(e).__name__  # the page re-rendered under us: try again
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}; last: {last!r}\n"
                        + snapshot(browser, "timeout"), pytrace=False)
        time.sleep(interval)


def element(browser, css):
    found = browser.find_elements(By.CSS_SELECTOR, css)
    return found[0] if found else None


def dom(browser, css):
    """{text, cls, html} of the first element matching css, read in one go (None if absent):
    the page re-renders on live events, so element handles go stale."""
    return browser.execute_script(
        "const e = document.querySelector(arguments[0]);"
        "return e ? {text: e.innerText, cls: e.className, html: e.outerHTML,"
        " shown: e.getClientRects().length > 0} : null;", css)


def shown(browser, css, what=None):
    """Waits until css matches a displayed element with text; returns dom() of it."""
    return wait_for(browser, what or f"{css} to show", lambda: (lambda d: d if d and d["shown"] and d["text"].strip() else None)(
        dom(browser, css)))


def visible(browser, css):
    return wait_for(browser, f"{css} to be visible",
                    lambda: (lambda e: e if e is not None and e.is_displayed() else None)(element(browser, css)))


def go(browser, hash_route):
    browser.execute_script("location.hash = arguments[0]", hash_route)


def open_ticket(browser, ticket_id):
    go(browser, f"#/tickets/{ticket_id}")
    wait_for(browser, f"ticket #{ticket_id}'s page", lambda: browser.execute_script(
        "const t = document.getElementById('ticket-title');"
        "return !!t && t.textContent.startsWith(arguments[0]) && !!document.getElementById('messages');",
        f"#{ticket_id} "))


def bubbles(browser):
    """The conversation as data, read in one go (the page re-renders on live events)."""
    return browser.execute_script("""
        return [...document.querySelectorAll('#messages .bubble')].map((b) => ({
          id: b.dataset.commentId, kind: ['user', 'agent', 'note'].find((k) => b.classList.contains(k)),
          text: b.querySelector('.text') ? b.querySelector('.text').textContent : null,
          status: b.querySelector('.delivery') ? (b.querySelector('.delivery').dataset.status || null) : null,
          failed: !!b.querySelector('.failed'), images: b.querySelectorAll('img').length,
          forwarded: b.querySelector('.forwarded') ? b.querySelector('.forwarded').textContent : null,
          all: b.textContent }));""")


def bubble_with(browser, text):
    return next((b for b in bubbles(browser) if b["text"] == text), None)


def wait_bubble(browser, text, what, ok):
    """Waits until the bubble whose text is `text` satisfies ok(bubble); a failure shows the
    bubble as last seen (its delivery status)."""
    seen = {}

    def probe():
        seen["bubble"] = bubble_with(browser, text)
        return seen["bubble"] if seen["bubble"] and ok(seen["bubble"]) else None

    deadline = time.monotonic() + WAIT
    while True:
        try:
            found = probe()
            if found:
                return found
        except StaleElementReferenceException:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {WAIT:.0f}s waiting for {what}; the bubble: {seen.get('bubble')!r}\n"
                        + snapshot(browser, "timeout"), pytrace=False)
        time.sleep(0.1)


def mark_page(browser):
    """Marks the loaded document; the mark is gone if the page reloads."""
    browser.execute_script("window.__parleyNoReload = 'still here'")


def assert_not_reloaded(browser):
    assert browser.execute_script("return window.__parleyNoReload") == "still here", \
        "the page was reloaded: the change should have arrived live"


def sign_in_form(browser, demo):
    # Leave the page first, and clear until nothing comes back: an answer that was still in flight
    # (Parley renews the session cookie on every answer) would set the old session again.
    browser.get("about:blank")

    def cleared():
        browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
        time.sleep(0.2)
        return not browser.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]
    wait_for(browser, "the cookies to stay cleared", cleared)
    browser.get(demo.url("/"))
    visible(browser, "#email")


def sign_in(browser, demo, email, password):
    sign_in_form(browser, demo)
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.ID, "sign-in").click()
    wait_for(browser, f"the shell for {email}", lambda: element(browser, "#whoami"))


@pytest.fixture
def admin(driver, demo):
    """The browser, signed in as the admin."""
    if driver.current_url.startswith(demo.url("/")) and element(driver, "#whoami") is not None \
            and driver.execute_script("return document.querySelector('a[href=\"#/admin/integrations\"]') !== null"):
        return driver
    sign_in(driver, demo, ADMIN_EMAIL, ADMIN_PASSWORD)
    wait_for(driver, "the views list", lambda: element(driver, "#view-open"))
    return driver


def click(browser, css):
    """Clicks css, again if a live re-render replaced the element under us."""
    def attempt():
        browser.find_element(By.CSS_SELECTOR, css).click()
        return True
    wait_for(browser, f"a click on {css}", attempt)


def send_reply(browser, text):
    """Types and sends a reply. The page keeps a draft across live re-renders, but the
    element handles go stale: whatever a re-render interrupts is done again."""
    def typed():
        box = browser.find_element(By.ID, "reply-text")
        box.clear()
        box.send_keys(text)
        return browser.execute_script("return document.getElementById('reply-text').value") == text
    wait_for(browser, "the reply to be typed", typed)
    click(browser, "#send-reply")
    return wait_for(browser, f"the reply {text!r} in the conversation", lambda: bubble_with(browser, text))


def screenshot(browser, name):
    """Writes docs/<name> for the README, only with PARLEY_SCREENSHOTS=1."""
    if not SCREENSHOTS:
        return
    DOCS.mkdir(exist_ok=True)
    browser.execute_script("if (document.activeElement) document.activeElement.blur();"
                           "document.documentElement.style.caretColor = 'transparent';")
    time.sleep(0.3)  # let the last re-render and fonts settle
    assert browser.save_screenshot(str(DOCS / name)), f"could not write docs/{name}"


# ---------------------------------------------------------------------- tests

def test_sign_in(driver, demo):
    sign_in_form(driver, demo)
    driver.find_element(By.ID, "email").send_keys(ADMIN_EMAIL)
    driver.find_element(By.ID, "password").send_keys("not-the-password")
    driver.find_element(By.ID, "sign-in").click()
    error = wait_for(driver, "the sign-in error",
                     lambda: (lambda e: e if e is not None and e.text.strip() else None)(element(driver, "#login-error")))
    assert "wrong email or password" in error.text.lower(), error.text
    assert element(driver, "#whoami") is None, "a wrong password opened the interface"

    password = driver.find_element(By.ID, "password")
    password.clear()
    password.send_keys(ADMIN_PASSWORD)
    driver.find_element(By.ID, "sign-in").click()
    who = wait_for(driver, "the signed-in shell", lambda: element(driver, "#whoami"))
    assert who.text, "no name in the header"
    visible(driver, "#views")
    visible(driver, "#view-open")
    assert element(driver, "#login-form") is None


def test_whatsapp_message_arrives_live(admin, demo):
    go(admin, "#/views/open")
    wait_for(admin, "the Open view", lambda: admin.execute_script(
        "const t = document.getElementById('view-title'); return !!t && t.textContent === 'Open';"))
    mark_page(admin)
    text = "Hello! Has my order #1187 shipped yet?"
    demo.user_says(MARIA, text)
    ticket_id = wait_for(admin, "Parley to make a ticket", lambda: demo.ticket_of(MARIA))

    row = wait_for(admin, f"ticket #{ticket_id} in the Open view (live, no reload)", lambda: admin.execute_script(
        "const r = document.querySelector(`tr.ticket-row[data-ticket-id='${arguments[0]}']`);"
        "return r ? r.textContent : null;", ticket_id))
    assert text in row, f"the row does not show the message as subject: {row!r}"
    assert_not_reloaded(admin)
    wait_for(admin, "the Open view's count to become 1 (live)", lambda: dom(admin, "#view-open .count")["text"] == "1")

    click(admin, f"tr.ticket-row[data-ticket-id='{ticket_id}']")
    wait_for(admin, "the ticket page", lambda: element(admin, "#messages"))
    bubble = wait_for(admin, "the message on the ticket page", lambda: bubble_with(admin, text))
    assert bubble["kind"] == "user", bubble
    assert "Maria Garcia" in dom(admin, "#requester-name")["text"]

    # Still on the ticket page, the next message arrives live too.
    mark_page(admin)
    follow_up = "It was supposed to arrive on Monday."
    demo.user_says(MARIA, follow_up)
    wait_for(admin, "the second message on the ticket page (live)", lambda: bubble_with(admin, follow_up))
    assert_not_reloaded(admin)


def test_ticket_row_opens_with_keyboard(admin, demo):
    """A ticket in a view is reached with Tab and opened with Enter, like any link."""
    ticket_id = demo.ticket_of(MARIA) or pytest.fail("no ticket of Maria's (test_whatsapp_message_arrives_live)")
    go(admin, "#/views/open")
    row = f"tr.ticket-row[data-ticket-id='{ticket_id}']"
    wait_for(admin, f"ticket #{ticket_id} in the Open view", lambda: element(admin, row))
    admin.execute_script("document.getElementById('search').focus();")

    def focus_in_row():
        return admin.execute_script("return !!document.activeElement.closest(arguments[0]);", row)
    for _ in range(60):
        if focus_in_row():
            break
        ActionChains(admin).send_keys(Keys.TAB).perform()
    assert focus_in_row(), ("Tab never reached the ticket's row: it has nothing to focus (a link or tabindex); "
                            f"focus ended on {admin.execute_script('return document.activeElement.outerHTML.slice(0, 200)')}")
    ActionChains(admin).send_keys(Keys.ENTER).perform()
    wait_for(admin, f"Enter to open ticket #{ticket_id}", lambda: admin.execute_script(
        "const t = document.getElementById('ticket-title'); return !!t && t.textContent.startsWith(arguments[0]);",
        f"#{ticket_id} "))


def test_search_pages_through_many_results(admin, demo):
    """Search shows 25 tickets a page, newest first, with the views' pager."""
    word = "zeppelin"
    for n in range(27):
        demo.api("POST", "/api/v2/tickets.json", expect=201, json={"ticket": {
            "subject": f"{word.title()} delivery {n}", "comment": {"body": "Where is it?"},
            "requester": {"name": f"Searcher {n}", "email": f"searcher{n}@example.com"}}})

    def rows():
        return admin.execute_script("return [...document.querySelectorAll('tr.ticket-row .subject')].map(e => e.textContent);")
    go(admin, f"#/search/{word}")
    first = wait_for(admin, "the first 25 results", lambda: (lambda r: r if len(r) == 25 else None)(rows()))
    assert first[0] == "Zeppelin delivery 26", f"newest first: {first[:3]}"
    assert "Page 1 of 2 (27 tickets)" in shown(admin, ".pager")["text"]
    visible(admin, "#next-page").click()
    second = wait_for(admin, "the last 2 results", lambda: (lambda r: r if len(r) == 2 else None)(rows()))
    assert second == ["Zeppelin delivery 1", "Zeppelin delivery 0"], second
    assert "Page 2 of 2" in shown(admin, ".pager")["text"]
    visible(admin, "#previous-page").click()
    wait_for(admin, "back on the first page", lambda: len(rows()) == 25)


def test_reply_ticks_up_to_read(admin, demo):
    ticket_id = demo.ticket_of(MARIA) or pytest.fail("no ticket of Maria's (test_whatsapp_message_arrives_live)")
    open_ticket(admin, ticket_id)
    banner = shown(admin, "#window-banner")
    assert "closes in" in banner["text"], f"the reply window should be open: {banner['text']!r}"

    text = "Hi Maria, it left our warehouse this morning. You'll get it tomorrow."
    bubble = send_reply(admin, text)
    assert bubble["kind"] == "agent", bubble
    assert bubble["status"] in ("queued", "sent", "delivered"), bubble
    mark_page(admin)
    bubble = wait_bubble(admin, text, "the reply to show delivered", lambda b: b["status"] == "delivered")
    ticks = dom(admin, f".bubble[data-comment-id='{bubble['id']}'] .delivery")
    assert ticks["text"] == "✓✓" and "read" not in ticks["cls"].split(), ticks["html"]

    read = demo.control("POST", f"/users/{MARIA}/read")
    assert read["read"] >= 1, read
    wait_bubble(admin, text, "the reply to show read (live)", lambda b: b["status"] == "read")
    assert_not_reloaded(admin)
    ticks = dom(admin, f".bubble[data-comment-id='{bubble['id']}'] .delivery")
    assert "read" in ticks["cls"].split() and ticks["text"] == "✓✓", ticks["html"]


def test_internal_note_survives_live_redraw(admin, demo):
    """The agent picks "Internal note" and writes; a customer message redraws the page meanwhile.
    The choice, the draft and the caret must survive it: the note is sent internal and never
    reaches the customer's phone."""
    ticket_id = demo.ticket_of(MARIA) or pytest.fail("no ticket of Maria's")
    open_ticket(admin, ticket_id)
    click(admin, "#reply-internal")
    note = "Maria is a VIP: check the courier contract before promising anything."
    wait_for(admin, "the note to be typed", lambda: (admin.find_element(By.ID, "reply-text").send_keys(note) or True)
             and admin.execute_script("return document.getElementById('reply-text').value") == note)
    admin.execute_script("const t = document.getElementById('reply-text'); t.focus(); t.setSelectionRange(5, 5);")

    news = "Sorry, one more question: can you deliver to my office instead?"
    demo.user_says(MARIA, news)
    wait_for(admin, "the customer's message (a live redraw)", lambda: bubble_with(admin, news))
    after = admin.execute_script("""
        const t = document.getElementById('reply-text');
        return {internal: document.getElementById('reply-internal').checked, draft: t.value,
                focused: document.activeElement === t, caret: t.selectionStart};""")
    assert after["internal"], f"the redraw switched the reply back to public: {after}"
    assert after["draft"] == note, after
    assert after["focused"] and after["caret"] == 5, f"the redraw lost the focus or the caret: {after}"

    click(admin, "#send-reply")
    bubble = wait_for(admin, "the note in the conversation", lambda: bubble_with(admin, note))
    assert bubble["kind"] == "note", f"the note was sent as a public reply: {bubble}"
    comments = demo.api("GET", f"/api/v2/tickets/{ticket_id}/comments.json")["comments"]
    stored = [c for c in comments if c["body"] == note]
    assert len(stored) == 1 and stored[0]["public"] is False, stored

    # A public reply sent after the note reaches the phone; by then the note would have too.
    click(admin, "#reply-public")
    reply = "Of course, Maria: send us the office address and we'll redirect the parcel."
    send_reply(admin, reply)
    inbox = wait_for(admin, "the public reply on the phone", lambda: (lambda messages: messages if any(
        reply in str(m) for m in messages) else None)(demo.control("GET", f"/users/{MARIA}/inbox")["messages"]))
    leaked = [m for m in inbox if "VIP" in str(m)]
    assert not leaked, f"the internal note reached the customer's phone: {leaked}"


def test_left_ticket_page_does_not_come_back(admin, demo):
    """After the agent moved on to a view, live news about the ticket they left must not
    put that ticket's page back in place of the view."""
    ticket_id = demo.ticket_of(MARIA) or pytest.fail("no ticket of Maria's")
    open_ticket(admin, ticket_id)
    go(admin, "#/views/pending")
    wait_for(admin, "the Pending view", lambda: admin.execute_script(
        "const t = document.getElementById('view-title'); return !!t && t.textContent === 'Pending';"))

    # A reply from elsewhere (the API), then the customer reads it: only delivery news about the ticket.
    demo.api("PUT", f"/api/v2/tickets/{ticket_id}.json", json={"ticket": {"comment": {
        "body": "One more thing: the tracking number is DX-1187.", "public": True}}})
    wait_for(admin, "the simulator to deliver the reply", lambda: any(
        m["status"] == "delivered" for m in demo.control("GET", f"/users/{MARIA}/inbox")["messages"]))
    demo.control("POST", f"/users/{MARIA}/read")
    deadline = time.monotonic() + 2.5
    while time.monotonic() < deadline:
        shown_now = admin.execute_script(
            "const h = document.querySelector('#content h2'); return [location.hash, h ? h.id : null, h ? h.textContent : null];")
        assert shown_now[1] == "view-title", \
            f"ticket #{ticket_id}'s page came back over the Pending view on a live event: {shown_now}"
        time.sleep(0.1)


def test_late_ticket_answer_after_leaving_is_dropped(admin, demo):
    """The agent opens a ticket and moves on before its answers arrive: the late answers must not
    draw that ticket over the page the agent went to."""
    ticket_id = demo.ticket_of(MARIA) or pytest.fail("no ticket of Maria's")
    go(admin, "#/views/pending")
    wait_for(admin, "the Pending view", lambda: admin.execute_script(
        "const t = document.getElementById('view-title'); return !!t && t.textContent === 'Pending';"))
    # This page's answers about the ticket's comments now take 1.5 s (the rest of the page is unaffected).
    admin.execute_script("""
        if (!window.__parleyFetch) window.__parleyFetch = window.fetch;
        window.fetch = (url, ...rest) => String(url).includes(`/tickets/${arguments[0]}/comments`)
          ? new Promise((resolve) => setTimeout(() => resolve(window.__parleyFetch(url, ...rest)), 1500))
          : window.__parleyFetch(url, ...rest);""", ticket_id)
    try:
        go(admin, f"#/tickets/{ticket_id}")
        time.sleep(0.3)
        go(admin, "#/views/pending")
        deadline = time.monotonic() + 2.5
        while time.monotonic() < deadline:
            shown_now = admin.execute_script(
                "const h = document.querySelector('#content h2'); return [location.hash, h ? h.id : null, h ? h.textContent : null];")
            assert shown_now[0] == "#/views/pending" and shown_now[1] != "ticket-title", \
                f"ticket #{ticket_id}'s late answer was drawn over the Pending view: {shown_now}"
            time.sleep(0.1)
        assert dom(admin, "#view-title")["text"] == "Pending"
    finally:
        admin.execute_script("if (window.__parleyFetch) window.fetch = window.__parleyFetch;")


def test_reply_after_window_closed_fails_with_toast(admin, demo):
    ticket_id = demo.ticket_of(MARIA) or pytest.fail("no ticket of Maria's")
    open_ticket(admin, ticket_id)
    demo.control("POST", "/clock/advance", json={"hours": 25})
    ticket = demo.api("GET", f"/api/v2/tickets/{ticket_id}.json")["ticket"]
    assert ticket["whatsapp"]["window_open"] is False, \
        f"25 h on the simulator's clock did not close the window in Parley: {ticket['whatsapp']}"

    text = "Good news: your refund was issued today."
    bubble = send_reply(admin, text)
    bubble = wait_bubble(admin, text, "the reply to show as failed", lambda b: b["failed"])
    failed = dom(admin, f".bubble[data-comment-id='{bubble['id']}'] .failed")
    assert "not delivered" in failed["text"].lower(), failed["html"]
    assert bubble["status"] is None, f"a failed reply also shows ticks: {bubble}"

    banner = shown(admin, "#window-banner")
    assert "closed" in banner["text"] and "closed" in banner["cls"].split(), \
        f"the banner should say the window closed: {banner['html']}"

    toast = shown(admin, "#toasts .toast", "the toast")
    assert "error" in toast["cls"].split(), toast["html"]
    assert "not delivered" in toast["text"].lower() and f"#{ticket_id}" in toast["text"], toast["text"]
    rect = admin.execute_script("const r = document.getElementById('toasts').getBoundingClientRect();"
                                "return {top: r.top, right: r.right, width: innerWidth};")
    assert rect["top"] < 150 and rect["right"] > rect["width"] - 100, f"the toast is not top right: {rect}"
    # The API answer and the live event both report the failure: one toast.
    time.sleep(0.5)
    toasts = admin.execute_script("return [...document.querySelectorAll('#toasts .toast')].map((t) => t.innerText);")
    assert len(toasts) == 1, toasts
    assert dom(admin, "#bell-count")["text"] == "1"
    screenshot(admin, "failed-reply.png")

    # The notification list survives a reload (from the server's recent events), without a second toast.
    admin.refresh()
    wait_for(admin, "the shell after the reload", lambda: element(admin, "#whoami"))
    wait_for(admin, "the bell to count the failure again", lambda: (dom(admin, "#bell-count") or {}).get("text") == "1"
             and dom(admin, "#bell-count")["shown"])
    click(admin, "#bell")
    listed = shown(admin, "#notification-list", "the notification list")
    assert "not delivered" in listed["text"].lower() and f"#{ticket_id}" in listed["text"], listed["text"]
    click(admin, "#bell")
    assert admin.execute_script("return document.querySelectorAll('#toasts .toast.error').length") == 0, \
        "the reload toasted the old failure again"


def test_macro_preview_and_apply(admin, demo):
    demo.api("POST", "/api/v2/macros", expect=201, json={"macro": {"title": "Thanks", "actions": [
        {"field": "comment_value", "value": "Thanks {{ticket.requester.name}}!"},
        {"field": "status", "value": "pending"}]}})
    demo.user_says(KENJI, "Can I change the delivery address of my order?")
    ticket_id = wait_for(admin, "Kenji's ticket", lambda: demo.ticket_of(KENJI))
    open_ticket(admin, ticket_id)
    assert admin.execute_script("return document.getElementById('field-status').value") != "pending"

    wait_for(admin, "the macro menu", lambda: Select(
        admin.find_element(By.ID, "macro-select")).select_by_visible_text("Thanks") or True)
    preview = shown(admin, "#macro-preview", "the macro preview")
    assert "status pending" in preview["text"] and "Thanks Kenji!" in preview["text"], preview["text"]
    assert bubble_with(admin, "Thanks Kenji!") is None, "the preview already added the comment"

    click(admin, "#apply-macro")
    bubble = wait_for(admin, "the macro's comment", lambda: bubble_with(admin, "Thanks Kenji!"))
    assert bubble["kind"] == "agent", bubble
    wait_for(admin, "the status to become pending", lambda: admin.execute_script(
        "return document.getElementById('field-status').value === 'pending';"))
    ticket = demo.api("GET", f"/api/v2/tickets/{ticket_id}.json")["ticket"]
    assert ticket["status"] == "pending", ticket["status"]


def test_events_tab_lists_delivery_failure(admin, demo):
    ticket_id = demo.ticket_of(MARIA) or pytest.fail("no ticket of Maria's")
    open_ticket(admin, ticket_id)
    click(admin, "#tab-events")
    events = wait_for(admin, "the events list", lambda: admin.execute_script(
        "const l = document.getElementById('events');"
        "return l ? [...l.querySelectorAll('li')].map((li) => ({cls: li.className, text: li.textContent})) : null;"))
    failures = [e for e in events if "DeliveryFailure" in e["cls"].split()]
    assert failures, "no delivery failure in the events:\n" + "\n".join(e["text"] for e in events)
    assert "not delivered" in failures[0]["text"].lower(), failures
    assert element(admin, "#reply-text") is None, "the reply box belongs to the conversation tab"
    click(admin, "#tab-conversation")
    visible(admin, "#messages")


def test_events_tab_reads_in_plain_words(admin, demo):
    """The event log is for people: field labels, names for ids, capitalised statuses, tags as a list,
    times as the page shows them (not `Changed status from "open" to "pending"` or `requester_id`)."""
    ticket_id = demo.ticket_of(MARIA) or pytest.fail("no ticket of Maria's")
    before = demo.api("GET", f"/api/v2/tickets/{ticket_id}.json")["ticket"]
    assert before["status"] != "pending", before["status"]
    open_ticket(admin, ticket_id)
    Select(admin.find_element(By.ID, "field-status")).select_by_value("pending")
    tags = admin.find_element(By.ID, "field-tags")
    tags.clear()
    tags.send_keys("vip refund")
    click(admin, "#save-fields")
    wait_for(admin, "the status to be saved", lambda: demo.api(
        "GET", f"/api/v2/tickets/{ticket_id}.json")["ticket"]["status"] == "pending")
    click(admin, "#tab-events")
    was = {"new": "New", "open": "Open", "hold": "On-hold"}[before["status"]]

    def lines():
        texts = admin.execute_script("const l = document.getElementById('events');"
                                     "return l ? [...l.querySelectorAll('li')].map((li) => li.textContent) : null;")
        return texts if texts and any(f"Status changed from {was} to Pending" in t for t in texts) else None
    events = wait_for(admin, f"“Status changed from {was} to Pending” in the events", lines)
    log = "\n".join(events)
    assert any("Tags added: vip, refund" in t for t in events), log
    assert any("Requester set to Maria Garcia" in t for t in events), log
    assert any(t.split(" · ", 1)[-1].startswith("Maria Garcia: ") for t in events), "the customer is named:\n" + log
    failure = next(t for t in events if "Not delivered" in t)
    assert "window closed at" in failure and "Only a template" in failure, failure
    assert "_id" not in log and '"' not in log and "null" not in log, "raw field names or JSON in the events:\n" + log
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", log), "an unformatted time in the events:\n" + log
    click(admin, "#tab-conversation")
    demo.api("PUT", f"/api/v2/tickets/{ticket_id}.json",
             json={"ticket": {"status": "open", "tags": before["tags"]}})


def test_message_markup_is_shown_as_text(admin, demo):
    user = demo.control("POST", "/users", json={"name": "Mallory", "phone": "447700900123"})
    demo.user_says(user["user_id"], XSS_TEXT)
    ticket_id = wait_for(admin, "Mallory's ticket", lambda: demo.ticket_of(user["user_id"]))

    go(admin, "#/views/open")
    row = wait_for(admin, "Mallory's ticket in the Open view", lambda: admin.execute_script(
        "const r = document.querySelector(`tr.ticket-row[data-ticket-id='${arguments[0]}']`);"
        "return r ? {text: r.textContent, images: r.querySelectorAll('img, script').length} : null;", ticket_id))
    assert XSS_TEXT in row["text"] and row["images"] == 0, row

    open_ticket(admin, ticket_id)
    bubble = wait_for(admin, "the message as text", lambda: bubble_with(admin, XSS_TEXT))
    assert bubble["images"] == 0, bubble
    text = dom(admin, f".bubble[data-comment-id='{bubble['id']}'] .text")
    assert text["shown"] and text["text"] == XSS_TEXT, f"the message is not shown literally: {text}"
    assert admin.execute_script("return document.querySelector(arguments[0]).children.length",
                                f".bubble[data-comment-id='{bubble['id']}'] .text") == 0, text["html"]
    assert admin.execute_script("return document.querySelectorAll('#content img, #content script').length") == 0
    assert admin.execute_script("return typeof window.__xss") == "undefined", "the message's script ran"
    try:
        alert = admin.switch_to.alert
        message = alert.text
        alert.dismiss()
        pytest.fail(f"the message's markup opened an alert: {message!r}")
    except NoAlertPresentException:
        pass
    demo.api("PUT", f"/api/v2/tickets/{ticket_id}.json", json={"ticket": {"status": "solved"}})


def test_closed_ticket_is_read_only(admin, demo):
    """A closed ticket cannot change: the page shows "closed" and offers no Save or reply (before, the
    status select lacked "closed" and Save sent "new")."""
    ticket_id = demo.ticket_of(KENJI) or pytest.fail("no ticket of Kenji's (test_macro_preview_and_apply)")
    demo.api("PUT", f"/api/v2/tickets/{ticket_id}.json", json={"ticket": {"status": "closed"}})
    open_ticket(admin, ticket_id)
    status = admin.execute_script(
        "const s = document.getElementById('field-status'); return s ? {value: s.value, disabled: s.disabled} : null;")
    assert status == {"value": "closed", "disabled": True}, f"the status field of a closed ticket: {status}"
    assert element(admin, "#save-fields") is None, "a closed ticket offers Save"
    assert element(admin, "#reply-text") is None, "a closed ticket offers a reply box"
    assert "closed" in shown(admin, "#closed-notice")["text"]


def test_failed_action_shows_error_toast(admin, demo):
    """An action the server refuses (here: revoking a token that is already gone) tells the agent so."""
    token = demo.api("POST", "/api/v2/api_tokens.json", expect=201,
                     json={"api_token": {"description": "Soon gone"}})["api_token"]
    go(admin, "#/admin/tokens")
    button = "button[aria-label='Revoke Soon gone']"
    wait_for(admin, "the token in the list", lambda: element(admin, button))
    demo.api("DELETE", f"/api/v2/api_tokens/{token['id']}.json", expect=204)
    admin.execute_script("document.getElementById('toasts').replaceChildren();")  # earlier news would cover the button
    click(admin, button)
    def confirmation():
        try:
            return admin.switch_to.alert
        except NoAlertPresentException:
            return None
    wait_for(admin, "the confirmation", confirmation).accept()
    toast = shown(admin, "#toasts .toast.error", "an error toast")
    assert "could not revoke" in toast["text"].lower(), toast["text"]


def test_agent_cannot_open_admin_pages(driver, demo):
    user = demo.api("POST", "/api/v2/users", expect=201, json={"user": {
        "name": "Ann Agent", "email": AGENT_EMAIL, "role": "agent"}})["user"]
    demo.api("POST", f"/api/v2/users/{user['id']}/password", json={"password": AGENT_PASSWORD})

    sign_in(driver, demo, AGENT_EMAIL, AGENT_PASSWORD)
    assert driver.find_element(By.ID, "whoami").text == "Ann Agent"
    assert element(driver, "a[href='#/admin/integrations']") is None, "an agent sees the Admin link"
    go(driver, "#/admin/integrations")
    denied = shown(driver, "#admin-denied")
    assert "admin" in denied["text"].lower(), denied["text"]
    assert element(driver, "#admin-body") is None and element(driver, "#new-access_token") is None

    # The API itself refuses, with the agent's own session (in the page, and outside it).
    status = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch('/api/v2/channels/whatsapp/integrations', {credentials: 'same-origin'})"
        ".then((r) => done(r.status), (e) => done(String(e)));")
    assert status == 403, f"GET /api/v2/channels/whatsapp/integrations as an agent (in the page) -> {status}"
    cookie = driver.get_cookie("parley_session")
    assert cookie, f"no session cookie: {driver.get_cookies()}"
    r = requests.get(demo.url("/api/v2/channels/whatsapp/integrations"),
                     cookies={"parley_session": cookie["value"]}, timeout=30)
    assert r.status_code == 403, f"GET /api/v2/channels/whatsapp/integrations as an agent -> {r.status_code} {r.text[:300]}"
    r = requests.get(demo.url("/api/v2/channels/whatsapp/integrations"), auth=(AGENT_EMAIL, AGENT_PASSWORD), timeout=30)
    assert r.status_code == 403, f"... with the agent's password -> {r.status_code} {r.text[:300]}"
    # but the agent's own work is allowed
    assert requests.get(demo.url("/api/v2/tickets.json"), cookies={"parley_session": cookie["value"]},
                        timeout=30).status_code == 200

    driver.find_element(By.ID, "logout").click()
    visible(driver, "#email")


def test_new_message_toasts_only_for_own_or_unassigned_tickets(admin, demo):
    """A customer writing on a ticket another agent has is that agent's news, not everybody's toast."""
    ann = demo.api("GET", "/api/v2/users/search.json", params={"query": AGENT_EMAIL})["users"][0]
    maria_ticket = demo.ticket_of(MARIA) or pytest.fail("no ticket of Maria's")
    demo.api("PUT", f"/api/v2/tickets/{maria_ticket}.json", json={"ticket": {"assignee_id": ann["id"]}})
    go(admin, "#/views/pending")
    wait_for(admin, "the Pending view", lambda: admin.execute_script(
        "const t = document.getElementById('view-title'); return !!t && t.textContent === 'Pending';"))
    admin.execute_script("document.getElementById('toasts').replaceChildren();")

    def toast_for(ticket_id):
        return admin.execute_script(
            "return [...document.querySelectorAll('#toasts .toast')].map((t) => t.innerText)"
            ".find((t) => t.includes(arguments[0])) || null;", f"Ticket #{ticket_id}")

    text = "Is anyone looking at my order?"
    demo.user_says(MARIA, text)
    wait_for(admin, "Maria's message on her ticket", lambda: any(
        c["body"] == text for c in demo.api("GET", f"/api/v2/tickets/{maria_ticket}/comments.json")["comments"]))
    # Kenji's closed ticket gets a follow-up nobody has: that one is everybody's news (and shows toasts work).
    demo.user_says(KENJI, "Me again: the new address is Calle Mayor 5.")
    follow_up = wait_for(admin, "Kenji's follow-up ticket", lambda: (lambda t: t if t and demo.api(
        "GET", f"/api/v2/tickets/{t}.json")["ticket"]["status"] != "closed" else None)(demo.ticket_of(KENJI)))
    wait_for(admin, "a toast for the unassigned follow-up", lambda: toast_for(follow_up))
    assert toast_for(maria_ticket) is None, f"a toast for Ann's ticket reached the admin: {toast_for(maria_ticket)!r}"
    demo.api("PUT", f"/api/v2/tickets/{maria_ticket}.json", json={"ticket": {"assignee_id": None}})


def test_security_headers_and_session_cookie(driver, demo):
    page = requests.get(demo.url("/"), timeout=30)
    assert page.status_code == 200
    csp = page.headers.get("Content-Security-Policy")
    assert csp, f"no Content-Security-Policy on the page: {dict(page.headers)}"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, csp
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert "script-src" in directives or "default-src" in directives, csp
    assert "'self'" in directives.get("script-src", directives.get("default-src")), csp
    assert page.headers.get("X-Content-Type-Options", "").lower() == "nosniff", dict(page.headers)

    login = requests.post(demo.url("/login"), json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}, timeout=30)
    assert login.status_code == 200, login.text
    set_cookie = login.headers.get("Set-Cookie", "")
    assert set_cookie.startswith("parley_session="), set_cookie
    attributes = [a.strip().lower() for a in set_cookie.split(";")[1:]]
    assert "httponly" in attributes, f"the session cookie is not HttpOnly: {set_cookie}"
    same_site = [a for a in attributes if a.startswith("samesite=")]
    assert same_site and same_site[0] in ("samesite=lax", "samesite=strict"), f"no SameSite: {set_cookie}"

    # As the browser sees it: scripts cannot read the session cookie.
    sign_in(driver, demo, ADMIN_EMAIL, ADMIN_PASSWORD)
    cookie = driver.get_cookie("parley_session")
    assert cookie and cookie["httpOnly"] is True and cookie.get("sameSite") in ("Lax", "Strict"), cookie
    assert "parley_session" not in driver.execute_script("return document.cookie")


def choose(browser, css, value):
    """Picks a value in a select (by its value); again if a redraw replaced the select."""
    wait_for(browser, f"{value!r} in {css}", lambda: Select(browser.find_element(By.CSS_SELECTOR, css)).select_by_value(value) or True)


def type_into(browser, css, text):
    wait_for(browser, f"{css} to take {text!r}", lambda: (lambda e: e.clear() or e.send_keys(text) or e.get_attribute("value") == text)(
        browser.find_element(By.CSS_SELECTOR, css)))


def test_rule_editor(admin, demo):
    """A trigger made with the row editor is the Zendesk JSON the API returns; it loads back into
    the editor; what the server refuses is shown next to the condition or action it names."""
    go(admin, "#/admin/triggers")
    visible(admin, "#rule-new")
    title = "Urgent: refund complaints on WhatsApp"
    type_into(admin, "#rule-new-title", title)
    click(admin, "#rule-new-add-all")
    choose(admin, "#rule-new-all-0-field", "comment_includes_word")
    choose(admin, "#rule-new-all-0-operator", "includes")
    type_into(admin, "#rule-new-all-0-value", "refund broken")
    click(admin, "#rule-new-add-any")
    choose(admin, "#rule-new-any-0-field", "via_id")
    choose(admin, "#rule-new-any-0-value", "whatsapp")
    click(admin, "#rule-new-add-action")
    choose(admin, "#rule-new-action-0-field", "priority")
    choose(admin, "#rule-new-action-0-value", "urgent")
    click(admin, "#rule-new-add-action")
    choose(admin, "#rule-new-action-1-field", "current_tags")
    type_into(admin, "#rule-new-action-1-value", "refund")
    click(admin, "#rule-new-save")

    item = wait_for(admin, "the trigger in the list", lambda: admin.execute_script(
        "return [...document.querySelectorAll('#rule-list .rule-item')].map((li) => ({id: li.dataset.ruleId,"
        " name: li.querySelector('.rule-name').textContent})).find((r) => r.name === arguments[0]) || null;", title))
    saved = next((t for t in demo.api("GET", "/api/v2/triggers.json")["triggers"] if t["title"] == title), None)
    assert saved, "the trigger is not in GET /api/v2/triggers"
    assert str(saved["id"]) == item["id"], (saved, item)
    assert saved["active"] is True
    assert saved["conditions"] == {
        "all": [{"field": "comment_includes_word", "operator": "includes", "value": "refund broken"}],
        "any": [{"field": "via_id", "operator": "is", "value": "whatsapp"}]}, saved["conditions"]
    assert saved["actions"] == [{"field": "priority", "value": "urgent"}, {"field": "current_tags", "value": "refund"}], saved["actions"]

    # It loads back into the editor; switched off there (it stays out of the later tests' way).
    prefix = f"#rule-{saved['id']}"
    click(admin, f".rule-item[data-rule-id='{saved['id']}'] summary")
    loaded = wait_for(admin, "the trigger in its editor", lambda: admin.execute_script(
        "const f = (id) => document.querySelector(arguments[0] + id);"
        "return f('-title') ? {title: f('-title').value, field: f('-all-0-field').value, value: f('-all-0-value').value,"
        " action: f('-action-0-value').value} : null;", prefix))
    assert loaded == {"title": title, "field": "comment_includes_word", "value": "refund broken", "action": "urgent"}, loaded
    click(admin, f"{prefix}-active")
    click(admin, f"{prefix}-save")
    wait_for(admin, "the trigger to be switched off", lambda: demo.api("GET", f"/api/v2/triggers/{saved['id']}.json")["trigger"]["active"] is False)

    # The JSON view, with a value the server refuses: the reason shows next to that action's row.
    visible(admin, "#rule-new")
    click(admin, "#rule-new-json")
    bad = {"title": "Bad trigger", "conditions": {"all": [{"field": "status", "operator": "is", "value": "new"}], "any": []},
           "actions": [{"field": "priority", "value": "high"}, {"field": "status", "value": "finished"}]}
    admin.execute_script("const t = document.getElementById('rule-new-json-text'); t.value = arguments[0];"
                         "t.dispatchEvent(new Event('input'));", __import__("json").dumps(bad))
    click(admin, "#rule-new-save")
    error = shown(admin, "#rule-new-action-1-error", "the refused status next to action 2")
    assert "status must be one of" in error["text"], error["text"]
    assert element(admin, "#rule-new-action-0-error") is None, "the valid action is marked too"
    assert admin.execute_script("return document.getElementById('rule-new-action-1-value').value") == "finished"
    assert not any(t["title"] == "Bad trigger" for t in demo.api("GET", "/api/v2/triggers.json")["triggers"])

    # An automation with its time condition in "any": refused, next to that condition.
    go(admin, "#/admin/automations")
    visible(admin, "#rule-new")
    type_into(admin, "#rule-new-title", "Remind after a day")
    click(admin, "#rule-new-add-any")
    choose(admin, "#rule-new-any-0-field", "created_at")
    choose(admin, "#rule-new-any-0-operator", "greater_than")
    type_into(admin, "#rule-new-any-0-value", "24")
    click(admin, "#rule-new-add-action")
    choose(admin, "#rule-new-action-0-field", "current_tags")
    type_into(admin, "#rule-new-action-0-value", "reminded")
    click(admin, "#rule-new-save")
    error = shown(admin, "#rule-new-any-0-error", "the misplaced time condition's reason next to it")
    assert "belong in 'all'" in error["text"], error["text"]
    group = shown(admin, "fieldset.conditions[data-group='all'] .field-error", "the 'all' group's reason on that group")
    assert "time condition" in group["text"], group["text"]
    assert not any(a["title"] == "Remind after a day" for a in demo.api("GET", "/api/v2/automations.json")["automations"])


def test_admin_adds_agent_with_password(driver, demo):
    """An admin adds an agent with a password; the agent signs in. Role and suspension change from the list."""
    sign_in(driver, demo, ADMIN_EMAIL, ADMIN_PASSWORD)
    go(driver, "#/admin/agents")
    visible(driver, "#add-agent")
    email, password = "bo@example.com", "bo-password-1"
    type_into(driver, "#agent-name", "Bo Builder")
    type_into(driver, "#agent-email", email)
    type_into(driver, "#agent-password", password)
    click(driver, "#add-agent-button")
    row = f"tr.agent-row[data-email='{email}']"
    wait_for(driver, "Bo in the agents list", lambda: element(driver, row))
    assert "can sign in" in shown(driver, "#agent-notice")["text"]
    user = demo.api("GET", "/api/v2/users/search.json", params={"query": email})["users"][0]
    assert user["role"] == "agent", user

    choose(driver, f"{row} .agent-role", "admin")
    wait_for(driver, "Bo to become an admin", lambda: demo.api("GET", f"/api/v2/users/{user['id']}.json")["user"]["role"] == "admin")
    wait_for(driver, "the list to show it", lambda: "an admin" in (dom(driver, "#agent-notice") or {}).get("text", ""))
    choose(driver, f"{row} .agent-role", "agent")
    wait_for(driver, "Bo to be an agent again", lambda: demo.api("GET", f"/api/v2/users/{user['id']}.json")["user"]["role"] == "agent")

    sign_in(driver, demo, email, password)
    assert driver.find_element(By.ID, "whoami").text == "Bo Builder"
    assert element(driver, "a[href='#/admin/integrations']") is None

    sign_in(driver, demo, ADMIN_EMAIL, ADMIN_PASSWORD)
    go(driver, "#/admin/agents")
    click(driver, f"{row} .agent-suspend")
    wait_for(driver, "Bo to show suspended", lambda: (dom(driver, f"{row} .agent-state") or {}).get("text") == "suspended")
    assert demo.api("GET", f"/api/v2/users/{user['id']}.json")["user"]["suspended"] is True
    refused = requests.post(demo.url("/login"), json={"email": email, "password": password}, timeout=30)
    assert refused.status_code == 401, f"a suspended agent signed in: {refused.status_code} {refused.text[:200]}"


def test_phone_page_and_screenshots(admin, demo):
    """A customer writes from the demo's phone page (one message forwarded); the agent
    answers, the customer reads it. Also writes the README screenshots."""
    sofia = demo.control("POST", "/users", json={"name": "Sofia Rossi", "phone": "393331234567"})["user_id"]
    parley_tab = admin.current_window_handle
    admin.switch_to.new_window("tab")
    phone_tab = admin.current_window_handle
    try:
        emulate(admin)
        admin.get(demo.sim("/phone"))
        wait_for(admin, "Sofia on the phone page", lambda: admin.execute_script(
            "return [...document.querySelectorAll('#user-select option')].some((o) => o.value === arguments[0]);", sofia))
        Select(admin.find_element(By.ID, "user-select")).select_by_value(sofia)

        def phone_sends(text, forwarded=False):
            if forwarded:
                admin.find_element(By.ID, "forwarded").click()
            # chromedriver types only the Basic Multilingual Plane: set the text (emoji too) directly.
            admin.execute_script("document.getElementById('message').value = arguments[0];", text)
            admin.find_element(By.ID, "send").click()
            wait_for(admin, f"{text!r} on the phone", lambda: text in admin.find_element(By.ID, "chat").text)

        first = "Hi! My order #4521 still hasn't arrived 😕"
        forwarded = "Courier update: parcel DX-88213 is held at the depot, customs documents missing."
        phone_sends(first)
        phone_sends(forwarded, forwarded=True)
        ticket_id = wait_for(admin, "Sofia's ticket", lambda: demo.ticket_of(sofia))

        admin.switch_to.window(parley_tab)
        open_ticket(admin, ticket_id)
        wait_for(admin, "both messages on the ticket", lambda: bubble_with(admin, first) and bubble_with(admin, forwarded))
        notice = bubble_with(admin, forwarded)["forwarded"]
        assert notice and "forwarded" in notice.lower(), f"the forwarded message is not marked: {bubble_with(admin, forwarded)}"
        assert bubble_with(admin, first)["forwarded"] is None

        reply = "So sorry, Sofia! I've sent the customs documents to the courier: your parcel will be with you on Friday."
        send_reply(admin, reply)  # its ticks up to delivered are test_reply_ticks_up_to_read's

        admin.switch_to.window(phone_tab)
        wait_for(admin, "the reply on the phone", lambda: reply in admin.find_element(By.ID, "chat").text)
        admin.find_element(By.ID, "read-all").click()
        wait_for(admin, "the phone to show the reply as read", lambda: "· read" in admin.find_element(By.ID, "chat").text)
        phone_sends("Great, thank you so much!")
        screenshot(admin, "phone-page.png")

        admin.switch_to.window(parley_tab)
        wait_bubble(admin, reply, "the reply to show read (live)", lambda b: b["status"] == "read")
        wait_for(admin, "the thank-you (live)", lambda: bubble_with(admin, "Great, thank you so much!"))
        screenshot(admin, "ticket-page.png")

        go(admin, "#/views/open")
        wait_for(admin, "the Open view with Sofia's ticket", lambda: admin.execute_script(
            "return document.querySelector(`tr.ticket-row[data-ticket-id='${arguments[0]}']`) !== null;", ticket_id))
        screenshot(admin, "views.png")
    finally:
        if phone_tab in admin.window_handles:
            admin.switch_to.window(phone_tab)
            admin.close()
        admin.switch_to.window(parley_tab)
