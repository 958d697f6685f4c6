"""Parley driven through zenpy 2.0.57 exactly as a Zendesk customer would.

Every call below goes through zenpy; plain `requests` is used only to check
authentication failures, which zenpy cannot express.
"""

import uuid

import pytest
import requests
from zenpy.lib.api_objects import Comment, Group, Ticket, TicketAudit, User
from zenpy.lib.exception import RecordNotFoundException

from conftest import ADMIN_EMAIL


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


def create_ticket(zenpy, subject, body, requester_name=None, requester_email=None,
                  use_description=False):
    fields = dict(subject=subject)
    if use_description:
        fields["description"] = body
    else:
        fields["comment"] = Comment(body=body)
    if requester_email:
        fields["requester"] = User(name=requester_name, email=requester_email)
    return ticket_of(zenpy.tickets.create(Ticket(**fields)))


# ------------------------------------------------------------------- users

def test_users_me_is_the_admin(zenpy_client):
    me = zenpy_client.users.me()
    assert isinstance(me, User)
    assert isinstance(me.id, int)
    assert me.email == ADMIN_EMAIL
    assert me.role == "admin"
    assert me.active is not False


def test_create_ticket_with_new_end_user_requester(zenpy_client):
    email = f"{unique('customer')}@example.org"
    name = "Ada Customer"
    subject = unique("Printer on fire")
    ticket = create_ticket(zenpy_client, subject, "It is really on fire.",
                           requester_name=name, requester_email=email)

    assert isinstance(ticket.id, int)
    assert ticket.subject == subject
    assert ticket.description == "It is really on fire."
    assert ticket.status in ("new", "open")
    me = zenpy_client.users.me()
    assert ticket.requester_id is not None and ticket.requester_id != me.id
    assert ticket.submitter_id == me.id

    found = list(zenpy_client.users.search(query=email))
    assert [u.email for u in found] == [email]
    user = found[0]
    assert user.id == ticket.requester_id
    assert user.name == name
    assert user.role == "end-user"

    # Ticket.requester is a lazy GET /api/v2/users/{id}.json in zenpy.
    shown = zenpy_client.users(id=ticket.requester_id)
    assert (shown.id, shown.name, shown.email) == (user.id, name, email)
    assert ticket.requester.email == email

    # A second ticket from the same address reuses the user.
    again = create_ticket(zenpy_client, unique("Still on fire"), "Help",
                          requester_name=name, requester_email=email)
    assert again.requester_id == user.id
    assert [u.id for u in zenpy_client.users.search(query=email)] == [user.id]


def test_users_list_contains_admin_and_requester(zenpy_client):
    email = f"{unique('lister')}@example.org"
    ticket = create_ticket(zenpy_client, unique("List users"), "body",
                           requester_name="Lister", requester_email=email)
    users = {u.id: u for u in zenpy_client.users()}
    me = zenpy_client.users.me()
    assert users[me.id].email == ADMIN_EMAIL
    assert users[ticket.requester_id].email == email


# ----------------------------------------------------------------- tickets

def test_list_show_and_show_many(zenpy_client):
    subjects = [unique("List me"), unique("List me too")]
    created = [create_ticket(zenpy_client, s, f"Body of {s}", use_description=True)
               for s in subjects]
    ids = [t.id for t in created]
    assert len(set(ids)) == 2

    listed = {t.id: t for t in zenpy_client.tickets()}
    for t, subject in zip(created, subjects):
        assert t.id in listed, f"ticket {t.id} missing from GET /tickets"
        assert listed[t.id].subject == subject

    shown = zenpy_client.tickets(id=ids[0])
    assert (shown.id, shown.subject) == (ids[0], subjects[0])
    assert shown.description == f"Body of {subjects[0]}"

    many = list(zenpy_client.tickets(ids=ids))
    assert sorted(t.id for t in many) == sorted(ids)
    assert {t.id: t.subject for t in many} == dict(zip(ids, subjects))


def test_list_follows_cursor_pagination(zenpy_client):
    created = {create_ticket(zenpy_client, unique("Page"), "p").id for _ in range(3)}
    # cursor_pagination=2 makes zenpy send page[size]=2 and follow links.next
    # while meta.has_more is true.
    ids = [t.id for t in zenpy_client.tickets(cursor_pagination=2)]
    assert len(ids) == len(set(ids)), f"duplicates across pages: {ids}"
    assert created <= set(ids)
    everything = [t.id for t in zenpy_client.tickets()]
    assert sorted(ids) == sorted(everything)


def test_conversation_comments_and_audits(zenpy_client):
    me = zenpy_client.users.me()
    subject = unique("Cannot log in")
    description = "I forgot my password."
    reply = "Here is a reset link."
    note = "Internal: customer called twice."
    email = f"{unique('dana')}@example.org"

    ticket = create_ticket(zenpy_client, subject, description,
                           requester_name="Dana", requester_email=email)
    tid = ticket.id
    initial_status = ticket.status
    assert initial_status in ("new", "open")

    # Public reply.
    t = zenpy_client.tickets(id=tid)
    t.comment = Comment(body=reply, public=True)
    result = zenpy_client.tickets.update(t)
    assert ticket_of(result).id == tid
    if isinstance(result, TicketAudit):
        comments = events_of(result.audit, "Comment")
        assert [(c["body"], c["public"]) for c in comments] == [(reply, True)]

    # Internal note.
    t = zenpy_client.tickets(id=tid)
    t.comment = Comment(body=note, public=False)
    ticket_of(zenpy_client.tickets.update(t))

    # Status and tags.
    t = zenpy_client.tickets(id=tid)
    status_before = t.status
    assert status_before in ("new", "open")
    t.status = "pending"
    t.tags = ["vip", "billing"]
    updated = ticket_of(zenpy_client.tickets.update(t))
    assert updated.status == "pending"
    assert sorted(updated.tags) == ["billing", "vip"]

    shown = zenpy_client.tickets(id=tid)
    assert shown.status == "pending"
    assert sorted(shown.tags) == ["billing", "vip"]
    assert shown.subject == subject
    assert shown.description == description

    # Comments: oldest first, with bodies and visibility.
    comments = list(zenpy_client.tickets.comments(tid))
    assert [(c.body, c.public) for c in comments] == [
        (description, True), (reply, True), (note, False)]
    assert all(isinstance(c.id, int) for c in comments)
    assert len({c.id for c in comments}) == 3
    assert comments[1].author_id == me.id
    assert comments[2].author_id == me.id

    # Audits: one per change set, oldest first.
    audits = list(zenpy_client.tickets.audits(ticket=tid))
    assert len(audits) == 4, [[e["type"] for e in a.events] for a in audits]
    assert all(a.ticket_id == tid for a in audits)
    assert len({a.id for a in audits}) == 4

    create_audit, reply_audit, note_audit, status_audit = audits
    created = {e["field_name"]: e["value"] for e in events_of(create_audit, "Create")}
    assert created.get("subject") == subject
    assert created.get("status") == initial_status
    first_comments = events_of(create_audit, "Comment")
    assert [(c["body"], c["public"]) for c in first_comments] == [(description, True)]

    assert [(c["body"], c["public"]) for c in events_of(reply_audit, "Comment")] \
        == [(reply, True)]
    assert reply_audit.author_id == me.id
    assert [(c["body"], c["public"]) for c in events_of(note_audit, "Comment")] \
        == [(note, False)]

    changes = {e["field_name"]: e for e in events_of(status_audit, "Change")}
    assert "status" in changes, status_audit.events
    assert changes["status"]["value"] == "pending"
    assert changes["status"]["previous_value"] == status_before
    assert "tags" in changes, status_audit.events
    tag_value = changes["tags"]["value"]
    if isinstance(tag_value, str):
        tag_value = tag_value.split()
    assert sorted(tag_value) == ["billing", "vip"]
    assert not events_of(status_audit, "Comment")

    # Comment ids in the audits are the comment ids of the comments list.
    audit_comment_ids = [c["id"] for a in audits for c in events_of(a, "Comment")]
    assert audit_comment_ids == [c.id for c in comments]


def test_delete_ticket(zenpy_client):
    keep = create_ticket(zenpy_client, unique("Keep me"), "k")
    doomed = create_ticket(zenpy_client, unique("Delete me"), "d")
    zenpy_client.tickets.delete(doomed)

    with pytest.raises(RecordNotFoundException):
        zenpy_client.tickets(id=doomed.id)
    ids = {t.id for t in zenpy_client.tickets()}
    assert doomed.id not in ids
    assert keep.id in ids


def test_unknown_ticket_is_record_not_found(zenpy_client):
    with pytest.raises(RecordNotFoundException):
        zenpy_client.tickets(id=987654321)


# ------------------------------------------------------------------ groups

def test_groups_create_list_show(zenpy_client):
    name = unique("Tier 2")
    group = zenpy_client.groups.create(Group(name=name))
    assert isinstance(group, Group)
    assert isinstance(group.id, int)
    assert group.name == name

    listed = {g.id: g.name for g in zenpy_client.groups()}
    assert listed.get(group.id) == name
    assert zenpy_client.groups(id=group.id).name == name


# -------------------------------------------------------------------- auth

def test_bad_credentials_are_rejected(parley, admin_token):
    url = parley.url("/api/v2/tickets.json")
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, auth=(f"{ADMIN_EMAIL}/token", "wrong-token"),
                        timeout=10).status_code == 401
    assert requests.get(url, auth=(ADMIN_EMAIL, "wrong-password"),
                        timeout=10).status_code == 401
    ok = requests.get(url, auth=(f"{ADMIN_EMAIL}/token", admin_token), timeout=10)
    assert ok.status_code == 200
    assert isinstance(ok.json()["tickets"], list)
