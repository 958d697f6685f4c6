"""Data survives a graceful restart on the same SQLite data directory.

Always runs on SQLite (it is about the file in --data-dir), even when the rest
of the suite runs on PostgreSQL.
"""

import requests

from conftest import ADMIN_EMAIL, ADMIN_PASSWORD, create_api_token

ADMIN = (ADMIN_EMAIL, ADMIN_PASSWORD)


def api(server, method, path, token=None, **kwargs):
    auth = (f"{ADMIN_EMAIL}/token", token) if token else ADMIN
    return requests.request(method, server.url("/api/v2" + path), auth=auth,
                            timeout=30, **kwargs)


def without_urls(value):
    if isinstance(value, dict):
        return {k: without_urls(v) for k, v in value.items() if k != "url"}
    if isinstance(value, list):
        return [without_urls(v) for v in value]
    return value


def snapshot(server, tid):
    out = {}
    for key, path in (("ticket", f"/tickets/{tid}.json"),
                      ("comments", f"/tickets/{tid}/comments.json"),
                      ("audits", f"/tickets/{tid}/audits.json")):
        r = api(server, "GET", path)
        assert r.status_code == 200, f"GET {path} -> {r.status_code} {r.text}"
        out[key] = without_urls(r.json()[key])
    return out


def test_ticket_and_comments_survive_restart(server_factory, tmp_path):
    data_dir = tmp_path / "data"

    first = server_factory(data_dir, log_name="first.log").start()
    token = create_api_token(first, "survives restart")
    r = api(first, "POST", "/tickets.json", json={"ticket": {
        "subject": "Persist me",
        "comment": {"body": "First message"},
        "requester": {"name": "Rita Restart", "email": "rita@example.org"},
    }})
    assert r.status_code == 201, r.text
    ticket = r.json()["ticket"]
    tid = ticket["id"]
    r = api(first, "PUT", f"/tickets/{tid}.json", json={"ticket": {
        "status": "pending",
        "comment": {"body": "Private note", "public": False},
    }})
    assert r.status_code == 200, r.text
    before = snapshot(first, tid)
    me_before = api(first, "GET", "/users/me.json").json()["user"]

    rc, needed_kill = first.stop()
    assert not needed_kill, "server ignored SIGTERM"
    assert rc == 0, f"on SIGTERM, {first.exit_report(rc)}"
    assert any(data_dir.iterdir()), "nothing was written to --data-dir"

    second = server_factory(data_dir, log_name="second.log").start()
    after = snapshot(second, tid)

    assert after["ticket"]["subject"] == "Persist me"
    assert after["ticket"]["status"] == "pending"
    assert after["ticket"]["requester_id"] == ticket["requester_id"]
    assert [(c["body"], c["public"]) for c in after["comments"]] == [
        ("First message", True), ("Private note", False)]
    assert len(after["audits"]) == 2
    # Everything reads back exactly as before (URLs aside: the port changed).
    assert after == before

    # The admin was not re-created, and API tokens are persistent.
    me_after = api(second, "GET", "/users/me.json", token=token)
    assert me_after.status_code == 200, me_after.text
    assert me_after.json()["user"]["id"] == me_before["id"]
    users = api(second, "GET", "/users/search.json",
                params={"query": ADMIN_EMAIL}).json()["users"]
    assert [u["id"] for u in users] == [me_before["id"]]

    # New rows do not reuse old ids.
    r = api(second, "POST", "/tickets.json", json={"ticket": {
        "subject": "After restart", "comment": {"body": "hello again"}}})
    assert r.status_code == 201, r.text
    assert r.json()["ticket"]["id"] > tid
