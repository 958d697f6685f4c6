// One line of plain words per audit event: field labels instead of field names, people and groups by name,
// times as the rest of the page shows them. Pure: it reads the event and the lookups, touches no page.
import { formatTime } from "./dom.js";

const labels = {
  subject: "Subject", status: "Status", priority: "Priority", type: "Type", tags: "Tags",
  requester_id: "Requester", assignee_id: "Assignee", submitter_id: "Submitter", group_id: "Group",
  external_id: "External ID", comment_body: "Message",
};
const people = new Set(["requester_id", "assignee_id", "submitter_id"]);
const statuses = { new: "New", open: "Open", pending: "Pending", hold: "On-hold", solved: "Solved", closed: "Closed" };
// An ISO-8601 time inside a sentence ("window closed at 2026-11-30T10:00:00Z").
const isoTime = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g;

const capitalize = (text) => text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
const quote = (text) => `“${text}”`;
const excerpt = (text, length = 60) => {
  const flat = String(text).replace(/\s+/g, " ").trim();
  return flat.length > length ? flat.slice(0, length - 1).trimEnd() + "…" : flat;
};
const list = (items) => items.length ? items.join(", ") : "none";

/// The label of a field ("assignee_id" → "Assignee"); one not known reads as words ("due_at" → "Due at").
export function fieldLabel(field) {
  if (!field) return "A field";
  return labels[field] || capitalize(String(field).replace(/_id$/, "").replaceAll("_", " "));
}

/// Ids of the people the events name (authors, requesters, assignees), so a page can load their names first.
export function userIdsIn(audits) {
  const ids = new Set();
  const add = (value) => { if (Number.isInteger(value) && value > 0) ids.add(value); };
  for (const audit of audits || []) {
    add(audit.author_id);
    for (const event of audit.events || []) {
      const changes = [event, ...(Array.isArray(event.changes) ? event.changes : [])];
      for (const change of changes) {
        if (!people.has(change.field_name)) continue;
        add(change.value);
        add(change.previous_value);
      }
      if (Array.isArray(event.recipients)) event.recipients.forEach(add);
    }
  }
  return [...ids];
}

/// `lookups`: `user(id)` and `group(id)` give a name (or nothing), `comment(id)` a comment's text, `time(iso)`
/// formats a time (the page's formatter when left out).
export function eventText(event, lookups = {}) {
  const look = {
    user: lookups.user || (() => null), group: lookups.group || (() => null),
    comment: lookups.comment || (() => null), time: lookups.time || formatTime,
  };
  const times = (text) => String(text ?? "").replace(isoTime, (iso) => look.time(iso) || iso);
  const person = (id) => id === null || id === undefined ? "nobody" : look.user(id) || `user #${id}`;

  // A field's value in words.
  const value = (field, raw) => {
    if (people.has(field)) return person(raw);
    if (raw === null || raw === undefined || raw === "") return "none";
    if (field === "group_id") return look.group(raw) || `group #${raw}`;
    if (field === "status") return statuses[raw] || capitalize(String(raw));
    if (field === "priority" || field === "type") return capitalize(String(raw));
    if (field === "subject" || field === "comment_body") return quote(excerpt(raw, 80));
    return plain(raw);
  };
  const plain = (raw) => {
    if (raw === null || raw === undefined || raw === "") return "none";
    if (typeof raw === "boolean") return raw ? "yes" : "no";
    if (Array.isArray(raw)) return list(raw.map(plain));
    if (typeof raw === "object") return Object.entries(raw).map(([k, v]) => `${fieldLabel(k).toLowerCase()} ${plain(v)}`).join(", ");
    return times(raw);
  };
  const tagList = (raw) => Array.isArray(raw) ? raw.map(String) : raw ? String(raw).split(/\s+/).filter(Boolean) : [];

  const created = (field, raw) => {
    if (field === "tags") { const tags = tagList(raw); return tags.length ? `Tags added: ${list(tags)}` : "No tags"; }
    return `${fieldLabel(field)} set to ${value(field, raw)}`;
  };
  const changed = (field, before, after) => {
    if (field === "tags") {
      const old = tagList(before), now = tagList(after);
      const added = now.filter((t) => !old.includes(t)), removed = old.filter((t) => !now.includes(t));
      const parts = [added.length ? `added: ${list(added)}` : "", removed.length ? `removed: ${list(removed)}` : ""].filter(Boolean);
      return parts.length ? `Tags ${parts.join("; ")}` : "Tags changed";
    }
    return `${fieldLabel(field)} changed from ${value(field, before)} to ${value(field, after)}`;
  };
  const onComment = (id) => { const text = id ? look.comment(id) : null; return text ? ` ${quote(excerpt(text))}` : ""; };
  const sentence = (text) => { const t = capitalize(String(text).trim()); return /[.!?]$/.test(t) ? t : t + "."; };

  switch (event.type) {
    case "Create": return created(event.field_name, event.value);
    case "Change": {
      const rule = event.via_rule ? ` (by the rule ${quote(event.via_rule)})` : "";
      return changed(event.field_name, event.previous_value, event.value) + rule;
    }
    case "Comment": {
      // Zendesk's Comment event carries the comment itself: its first words say which one it was.
      const files = Array.isArray(event.attachments) ? event.attachments.length : 0;
      const what = event.body ? `: ${quote(excerpt(event.body))}` : files ? ` (${files} file${files === 1 ? "" : "s"})` : "";
      return (event.public === false ? "Internal note added" : "Public comment added") + what;
    }
    case "DeliveryFailure": {
      // WhatsApp's "(#131047) Title: details" reads as "Title: details (WhatsApp error 131047)".
      let reason = times(event.message || event.title || "WhatsApp could not deliver the message").replace(/^Not sent:\s*/, "");
      let code = Number.isInteger(event.code) ? event.code : null;
      reason = reason.replace(/^\(#(\d+)\)\s*/, (_, number) => { code = code ?? Number(number); return ""; });
      return `Not delivered: ${reason}${code !== null ? ` (WhatsApp error ${code})` : ""}`;
    }
    case "RuleFired": {
      const kind = event.rule_type === "automation" ? "Automation" : event.rule_type === "macro" ? "Macro" : "Trigger";
      const changes = (Array.isArray(event.changes) ? event.changes : []).map((c) => changed(c.field_name, c.previous_value, c.value));
      const notes = (Array.isArray(event.notes) ? event.notes : event.notes ? [event.notes] : []).map((n) => sentence(times(n)));
      const head = `${kind} ${quote(event.title || `#${event.rule_id}`)} ran`;
      const did = changes.length ? `${head}: ${changes.join("; ")}` : `${head}${notes.length ? "" : " (no field changes)"}`;
      return notes.length ? `${did}. ${notes.join(" ")}` : did;
    }
    case "Redaction": {
      const count = Number(event.count) || 0;
      const what = count === 1 ? "1 credit card number was" : `${count || "Some"} credit card numbers were`;
      return `${what} masked before the message was stored`;
    }
    case "ChannelEvent": return channelEvent(event);
    case "Notification": {
      const to = Array.isArray(event.recipients) && event.recipients.length ? ` to ${list(event.recipients.map(person))}` : "";
      const subject = event.subject ? `: ${quote(excerpt(times(event.subject), 80))}` : "";
      return `Notification sent${to}${subject}`;
    }
    default: return capitalize(String(event.type || "Event").replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase());
  }

  function channelEvent(e) {
    switch (e.event) {
      case "reaction": return `The customer reacted${e.emoji ? " " + e.emoji : ""} to the message${onComment(e.comment_id)}`;
      case "reaction_removed": return `The customer removed their reaction to the message${onComment(e.comment_id)}`;
      case "edit": {
        const before = e.previous_value ?? e.old_text, after = e.value ?? e.new_text;
        return before !== undefined && after !== undefined
          ? `The customer edited a message from ${quote(excerpt(before ?? ""))} to ${quote(excerpt(after ?? ""))}`
          : "The customer edited a message";
      }
      case "revoke": return `The customer deleted the message${onComment(e.comment_id)} on WhatsApp; it stays here as the record`;
      case "call_attempt": {
        const at = e.at ? ` at ${look.time(e.at) || e.at}` : "";
        return `The customer tried to call on WhatsApp${at}; calls are not supported, so nobody was rung`;
      }
      case "template_sent": {
        const name = typeof e.template === "string" ? e.template : e.template?.name;
        return `WhatsApp template ${name ? quote(name) + " " : ""}sent (paid: Meta charges for template conversations)`;
      }
      default: return `WhatsApp: ${String(e.event || "event").replaceAll("_", " ")}`;
    }
  }
}
