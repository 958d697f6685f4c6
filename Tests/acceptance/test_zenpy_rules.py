"""Business rules (macros, triggers, automations, webhooks) driven through zenpy 2.0.57.

Everything goes through zenpy's own API objects and methods, as a Zendesk customer's
script would. Rules created here are deleted again at teardown: triggers run on every
ticket create/update and automations on a schedule, and the server is shared with the
other acceptance tests.
"""

import json
import queue
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from zenpy.lib.api_objects import (
    Automation, Comment, Macro, MacroResult, Ticket, TicketAudit, Trigger, User, Webhook,
)
from zenpy.lib.exception import APIException, RecordNotFoundException

WEBHOOK_TIMEOUT = 30.0  # seconds for a rule's webhook call to arrive (worker idles 2 s)


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def ticket_of(result):
    """tickets.create/update return a TicketAudit when the server answers
    {"ticket":..., "audit":...} (as Zendesk does), a Ticket otherwise."""
    if isinstance(result, TicketAudit):
        assert result.ticket is not None and result.audit is not None
        return result.ticket
    assert isinstance(result, Ticket), f"unexpected result {result!r}"
    return result


def events_of(audit, event_type):
    return [e for e in audit.events if e["type"] == event_type]


def create_ticket(zenpy, subject, description, requester_name=None):
    fields = dict(subject=subject, description=description)
    if requester_name:
        fields["requester"] = User(name=requester_name,
                                   email=f"{unique('requester')}@example.org")
    return zenpy.tickets.create(Ticket(**fields))


def actions_of(rule):
    return [(a["field"], a["value"]) for a in rule.actions]


def conditions_of(rule, group="all"):
    return [(c["field"], c["operator"], c["value"])
            for c in (getattr(rule.conditions, group) or [])]


def rejection(excinfo):
    """The 422 body of an APIException raised by zenpy."""
    response = excinfo.value.response
    assert response.status_code == 422, f"{response.status_code} {response.text}"
    body = response.json()
    assert body.get("error") == "RecordInvalid", body
    return body


@pytest.fixture
def cleanup(zenpy_client):
    """Rules and webhooks to delete after the test, as (zenpy api, object)."""
    created = []
    yield created
    for api, obj in reversed(created):
        try:
            api.delete(obj)
        except RecordNotFoundException:
            pass  # the test deleted it itself


def macro_actions(tag):
    return [
        {"field": "status", "value": "pending"},
        {"field": "comment_value", "value": "Hello {{ticket.requester.name}}"},
        {"field": "current_tags", "value": tag},
    ]


# ------------------------------------------------------------------ macros

def test_macro_create_show_preview_and_apply(zenpy_client, cleanup):
    zd = zenpy_client
    title = unique("Greet the requester")
    macro = zd.macros.create(Macro(title=title, actions=macro_actions("macro_tag")))
    cleanup.append((zd.macros, macro))
    assert isinstance(macro, Macro)
    assert isinstance(macro.id, int)
    assert macro.title == title
    assert macro.active is True
    assert actions_of(macro) == [
        ("status", "pending"),
        ("comment_value", "Hello {{ticket.requester.name}}"),
        ("current_tags", "macro_tag"),
    ]
    shown = zd.macros(id=macro.id)
    assert (shown.id, shown.title, actions_of(shown)) == (macro.id, title, actions_of(macro))

    name = f"Ada {uuid.uuid4().hex[:6]}"
    ticket = ticket_of(create_ticket(zd, unique("Macro target"), "Where is my order?",
                                     requester_name=name))
    assert ticket.status in ("new", "open")
    status_before, tags_before = ticket.status, list(ticket.tags)

    # Preview: GET /tickets/{id}/macros/{macro_id}/apply.json, saves nothing.
    effect = zd.tickets.show_macro_effect(ticket, macro)
    assert isinstance(effect, MacroResult)
    assert isinstance(effect.ticket, Ticket)
    assert effect.ticket.id == ticket.id
    assert effect.ticket.status == "pending"
    assert "macro_tag" in effect.ticket.tags
    # Zendesk puts the comment in result.ticket.comment; accept result.comment too.
    comment = getattr(effect.ticket, "comment", None) or getattr(effect, "comment", None)
    assert comment is not None, f"no comment in the macro preview: {effect.to_dict()}"
    assert comment.body == f"Hello {name}"
    assert comment.public is True

    unchanged = zd.tickets(id=ticket.id)
    assert unchanged.status == status_before
    assert sorted(unchanged.tags) == sorted(tags_before)
    assert [c.body for c in zd.tickets.comments(ticket.id)] == ["Where is my order?"]

    # Apply for real: a ticket update with macro_ids, as Zendesk accepts.
    me = zd.users.me()
    t = zd.tickets(id=ticket.id)
    t.macro_ids = [macro.id]
    result = zd.tickets.update(t)
    updated = ticket_of(result)
    assert updated.status == "pending"
    assert "macro_tag" in updated.tags
    if isinstance(result, TicketAudit):
        assert [(c["body"], c["public"]) for c in events_of(result.audit, "Comment")] \
            == [(f"Hello {name}", True)]

    shown = zd.tickets(id=ticket.id)
    assert shown.status == "pending"
    assert "macro_tag" in shown.tags
    comments = list(zd.tickets.comments(ticket.id))
    assert [(c.body, c.public) for c in comments] == [
        ("Where is my order?", True), (f"Hello {name}", True)]
    assert comments[-1].author_id == me.id


def test_macro_preview_ticket_can_be_saved_as_is(zenpy_client, cleanup):
    """The common zenpy idiom: update(show_macro_effect(ticket, macro).ticket).
    Zendesk's preview carries the macro's comment in result.ticket.comment, so saving
    the previewed ticket posts the comment too."""
    zd = zenpy_client
    tag = unique("preview_tag").replace("-", "_")
    macro = zd.macros.create(Macro(title=unique("Preview then save"), actions=macro_actions(tag)))
    cleanup.append((zd.macros, macro))
    name = f"Bea {uuid.uuid4().hex[:6]}"
    ticket = ticket_of(create_ticket(zd, unique("Save the preview"), "My parcel is late.",
                                     requester_name=name))

    effect = zd.tickets.show_macro_effect(ticket.id, macro.id)
    comment = getattr(effect.ticket, "comment", None)
    assert comment is not None, (
        "GET /api/v2/tickets/{id}/macros/{macro_id}/apply: the macro's comment is not in "
        f"result.ticket.comment (Zendesk's place for it): {effect.to_dict()}")
    assert comment.body == f"Hello {name}"

    ticket_of(zd.tickets.update(effect.ticket))
    shown = zd.tickets(id=ticket.id)
    assert shown.status == "pending"
    assert tag in shown.tags
    assert [c.body for c in zd.tickets.comments(ticket.id)] == [
        "My parcel is late.", f"Hello {name}"]


def test_macro_changes_without_a_ticket(zenpy_client, cleanup):
    """zenpy's macros.apply: GET /macros/{id}/apply.json (Zendesk's "Show Changes to Ticket")."""
    zd = zenpy_client
    macro = zd.macros.create(Macro(title=unique("Changes only"), actions=macro_actions("x_tag")))
    cleanup.append((zd.macros, macro))
    result = zd.macros.apply(macro)
    assert isinstance(result, MacroResult), result
    assert result.ticket.status == "pending"


def test_rule_lists_include_new_rules(zenpy_client, cleanup):
    """GET /macros, /triggers, /automations list every rule, active or not."""
    zd = zenpy_client
    macro = zd.macros.create(Macro(title=unique("Listed macro"), actions=macro_actions("l_tag")))
    cleanup.append((zd.macros, macro))
    trigger = zd.triggers.create(Trigger(
        title=unique("Listed trigger"),
        conditions={"all": [{"field": "subject_includes_word", "operator": "includes",
                             "value": unique("never")}], "any": []},
        actions=[{"field": "current_tags", "value": "listed"}]))
    cleanup.append((zd.triggers, trigger))
    automation = zd.automations.create(Automation(
        title=unique("Listed automation"),
        conditions={"all": [
            {"field": "OPEN", "operator": "greater_than", "value": "24"},
            {"field": "current_tags", "operator": "not_includes", "value": "listed_auto"}]},
        actions=[{"field": "current_tags", "value": "listed_auto"}]))
    cleanup.append((zd.automations, automation))

    macros = {m.id: m.title for m in zd.macros()}
    assert macros.get(macro.id) == macro.title, f"macro {macro.id} missing from GET /macros: {macros}"
    active_macros = {m.id for m in zd.macros(active=True)}
    assert macro.id in active_macros
    triggers = {t.id: t.title for t in zd.triggers()}
    assert triggers.get(trigger.id) == trigger.title, \
        f"trigger {trigger.id} missing from GET /triggers: {triggers}"
    automations = {a.id: a.title for a in zd.automations()}
    assert automations.get(automation.id) == automation.title, \
        f"automation {automation.id} missing from GET /automations: {automations}"

    # The default rules ship inactive and are listed as well.
    assert any(t.active is False for t in zd.triggers())
    assert any(a.active is False for a in zd.automations())


# ---------------------------------------------------------------- triggers

def test_trigger_fires_on_create_and_update(zenpy_client, cleanup):
    zd = zenpy_client
    tag = unique("escalated").replace("-", "_")
    title = unique("Escalate urgent tickets")
    trigger = zd.triggers.create(Trigger(
        title=title,
        conditions={"all": [{"field": "comment_includes_word", "operator": "includes",
                             "value": "urgent"}],
                    "any": []},
        actions=[{"field": "priority", "value": "urgent"},
                 {"field": "current_tags", "value": tag}]))
    cleanup.append((zd.triggers, trigger))
    assert isinstance(trigger, Trigger)
    assert isinstance(trigger.id, int)
    assert trigger.title == title
    assert trigger.active is True
    assert conditions_of(trigger) == [("comment_includes_word", "includes", "urgent")]
    assert actions_of(trigger) == [("priority", "urgent"), ("current_tags", tag)]
    shown = zd.triggers(id=trigger.id)
    assert (shown.title, conditions_of(shown)) == (title, conditions_of(trigger))

    # Fires on create.
    result = create_ticket(zd, unique("Server down"), "Please help, this is urgent!")
    ticket = ticket_of(result)
    assert ticket.priority == "urgent"
    assert tag in ticket.tags
    if isinstance(result, TicketAudit):
        fired = events_of(result.audit, "RuleFired")
        assert [e.get("rule_id") for e in fired] == [trigger.id], result.audit.events
    shown = zd.tickets(id=ticket.id)
    assert (shown.priority, tag in shown.tags) == ("urgent", True)
    audits = list(zd.tickets.audits(ticket=ticket.id))
    fired = [e for a in audits for e in events_of(a, "RuleFired")]
    assert [e.get("rule_id") for e in fired] == [trigger.id], [a.events for a in audits]
    assert fired[0].get("rule_type") == "trigger"
    assert fired[0].get("title") == title

    # Does not fire without the word; fires when an update's comment has it.
    calm = ticket_of(create_ticket(zd, unique("Question"), "Just a question."))
    assert calm.priority != "urgent"
    assert tag not in calm.tags
    t = zd.tickets(id=calm.id)
    t.comment = Comment(body="Now it is URGENT.", public=True)
    updated = ticket_of(zd.tickets.update(t))
    assert updated.priority == "urgent"
    assert tag in updated.tags
    audits = list(zd.tickets.audits(ticket=calm.id))
    assert [e.get("rule_id") for a in audits for e in events_of(a, "RuleFired")] == [trigger.id]

    # Deleted triggers no longer fire.
    zd.triggers.delete(trigger)
    with pytest.raises(RecordNotFoundException):
        zd.triggers(id=trigger.id)
    after = ticket_of(create_ticket(zd, unique("Server down again"), "urgent again"))
    assert tag not in after.tags


def test_deleted_rule_ids_are_not_reused(zenpy_client, cleanup):
    """Zendesk never hands out an id twice; RuleFired events keep naming the rule
    that fired (rule_id), so a new rule must not take a deleted rule's id."""
    zd = zenpy_client

    def make():
        trigger = zd.triggers.create(Trigger(
            title=unique("Short-lived"),
            conditions={"all": [{"field": "subject_includes_word", "operator": "includes",
                                 "value": unique("never")}], "any": []},
            actions=[{"field": "current_tags", "value": "short_lived"}]))
        cleanup.append((zd.triggers, trigger))
        return trigger

    first = make()  # the newest rule, so its id is the highest
    zd.triggers.delete(first)
    second = make()
    assert second.id != first.id, f"trigger id {first.id} was handed out again after deletion"


def test_trigger_rejects_time_condition(zenpy_client):
    with pytest.raises(APIException) as excinfo:
        zenpy_client.triggers.create(Trigger(
            title=unique("Timed trigger"),
            conditions={"all": [{"field": "OPEN", "operator": "greater_than", "value": "24"}]},
            actions=[{"field": "priority", "value": "high"}]))
    body = rejection(excinfo)
    assert "conditions.all[0]" in json.dumps(body), body


# ------------------------------------------------------------- automations

def test_automation_create_show_and_delete(zenpy_client, cleanup):
    zd = zenpy_client
    title = unique("Remind after a day")
    automation = zd.automations.create(Automation(
        title=title,
        conditions={"all": [
            {"field": "OPEN", "operator": "greater_than", "value": "24"},
            {"field": "current_tags", "operator": "not_includes", "value": "reminded"}],
            "any": []},
        actions=[{"field": "current_tags", "value": "reminded"},
                 {"field": "comment_value", "value": "Any news, {{ticket.requester.first_name}}?"}]))
    cleanup.append((zd.automations, automation))
    assert isinstance(automation, Automation)
    assert isinstance(automation.id, int)
    assert automation.title == title
    assert automation.active is True
    assert conditions_of(automation) == [
        ("OPEN", "greater_than", "24"), ("current_tags", "not_includes", "reminded")]
    assert actions_of(automation)[0] == ("current_tags", "reminded")

    shown = zd.automations(id=automation.id)
    assert (shown.id, shown.title, conditions_of(shown)) \
        == (automation.id, title, conditions_of(automation))

    automation.title = title + " (renamed)"
    renamed = zd.automations.update(automation)
    assert renamed.title == title + " (renamed)"
    assert zd.automations(id=automation.id).title == title + " (renamed)"

    zd.automations.delete(automation)
    with pytest.raises(RecordNotFoundException):
        zd.automations(id=automation.id)


def test_automation_without_nullifying_condition_is_rejected(zenpy_client):
    with pytest.raises(APIException) as excinfo:
        zenpy_client.automations.create(Automation(
            title=unique("Fires forever"),
            conditions={"all": [{"field": "OPEN", "operator": "greater_than", "value": "24"}]},
            actions=[{"field": "priority", "value": "high"}]))
    body = rejection(excinfo)
    assert "conditions.all" in body.get("details", {}), body
    message = json.dumps(body["details"]["conditions.all"])
    assert "condition that its own actions make false" in message, body


def test_automation_without_time_condition_is_rejected(zenpy_client):
    with pytest.raises(APIException) as excinfo:
        zenpy_client.automations.create(Automation(
            title=unique("No clock"),
            conditions={"all": [
                {"field": "current_tags", "operator": "not_includes", "value": "seen"}]},
            actions=[{"field": "current_tags", "value": "seen"}]))
    body = rejection(excinfo)
    assert "time condition" in json.dumps(body.get("details", {})), body


# ---------------------------------------------------------------- webhooks

class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.server.calls.put((self.path, self.headers.get("Content-Type"),
                               self.rfile.read(length).decode()))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.calls = queue.Queue()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_webhooks_crud_and_trigger_notification(zenpy_client, cleanup, receiver):
    zd = zenpy_client
    endpoint = f"http://127.0.0.1:{receiver.server_port}/hook"
    name = unique("Ticket hook")
    webhook = zd.webhooks.create(Webhook(
        name=name, endpoint=endpoint, http_method="POST", request_format="json",
        status="active", subscriptions=["conditional_ticket_events"]))
    cleanup.append((zd.webhooks, webhook))
    assert isinstance(webhook, Webhook)
    assert webhook.id
    assert (webhook.name, webhook.endpoint, webhook.status) == (name, endpoint, "active")
    assert zd.webhooks(id=webhook.id).name == name
    assert webhook.id in {w.id for w in zd.webhooks.list()}

    word = uuid.uuid4().hex[:10]
    trigger = zd.triggers.create(Trigger(
        title=unique("Notify the hook"),
        conditions={"all": [{"field": "subject_includes_word", "operator": "includes",
                             "value": word}], "any": []},
        actions=[{"field": "notification_webhook",
                  "value": [str(webhook.id),
                            '{"ticket_id": "{{ticket.id}}", "title": "{{ticket.title}}"}']}]))
    cleanup.append((zd.triggers, trigger))

    subject = f"Hook {word}"
    ticket = ticket_of(create_ticket(zd, subject, "ping"))
    try:
        path, content_type, body = receiver.calls.get(timeout=WEBHOOK_TIMEOUT)
    except queue.Empty:
        pytest.fail(f"no webhook call within {WEBHOOK_TIMEOUT:.0f}s")
    assert path == "/hook"
    assert content_type.startswith("application/json")
    assert json.loads(body) == {"ticket_id": str(ticket.id), "title": subject}

    # Update (PUT, whole object) and delete.
    webhook.name = name + " v2"
    zd.webhooks.update(webhook.id, webhook)
    assert zd.webhooks(id=webhook.id).name == name + " v2"
    zd.webhooks.delete(webhook)
    with pytest.raises(RecordNotFoundException):
        zd.webhooks(id=webhook.id)
