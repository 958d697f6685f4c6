// What a trigger, automation or macro can test and do, as the rule editor offers it. Mirrors ParleyCore's
// RuleField (fields and operators) and RuleEngine (the values each one understands); the server still
// validates everything on save, this only keeps the editor from offering what it would refuse.
import { get } from "./api.js";

const OPERATORS = {
  value: ["is", "is_not"],
  change: ["changed", "not_changed", "value", "value_previous", "not_value", "not_value_previous"],
  order: ["less_than", "greater_than", "less_than_equal", "greater_than_equal"],
  tags: ["includes", "not_includes"],
  words: ["includes", "not_includes", "is", "is_not"],
  hours: ["is", "less_than", "greater_than"],
};

const OPERATOR_LABELS = {
  is: "is", is_not: "is not", changed: "changed", not_changed: "did not change", value: "changed to",
  value_previous: "changed from", not_value: "changed, not to", not_value_previous: "changed, not from",
  less_than: "less than", greater_than: "greater than", less_than_equal: "at most", greater_than_equal: "at least",
  includes: "contains one of", not_includes: "contains none of",
};
const WORD_OPERATOR_LABELS = { includes: "contains one of the words", not_includes: "contains none of the words",
  is: "contains the text", is_not: "does not contain the text" };

/// Operators that compare nothing: the row has no value.
export const VALUELESS = new Set(["changed", "not_changed"]);

const STATUSES = ["new", "open", "pending", "hold", "solved", "closed"];
const same = (list) => list.map((v) => [v, v]);
const none = (label = "(none)") => [["", label]];
const yesNo = [["true", "yes"], ["false", "no"]];

// Value kinds: select (options), text, longtext, number (sent as a JSON number), webhook and template (several inputs).
const select = (options) => ({ type: "select", options });
const text = (hint = "") => ({ type: "text", hint });

function people(lookups, { nobody }) {
  return [...(nobody ? none("(nobody)") : []), ["current_user", "(the current user)"], ...lookups.agents.map((a) => [String(a.id), a.name])];
}

/// Condition fields, with the rule kinds that may use them.
const CONDITION_FIELDS = [
  { id: "status", label: "Status", ops: [...OPERATORS.value, ...OPERATORS.change, ...OPERATORS.order], value: () => select(same(STATUSES)) },
  { id: "priority", label: "Priority", ops: [...OPERATORS.value, ...OPERATORS.change, ...OPERATORS.order],
    value: () => select([...none(), ...same(["low", "normal", "high", "urgent"])]) },
  { id: "type", label: "Type", ops: [...OPERATORS.value, ...OPERATORS.change],
    value: () => select([...none(), ...same(["question", "incident", "problem", "task"])]) },
  { id: "assignee_id", label: "Assignee", ops: [...OPERATORS.value, ...OPERATORS.change], value: (l) => select(people(l, { nobody: true })) },
  { id: "group_id", label: "Group", ops: [...OPERATORS.value, ...OPERATORS.change],
    value: (l) => select([...none(), ...l.groups.map((g) => [String(g.id), g.name])]) },
  { id: "requester_id", label: "Requester (user id)", ops: [...OPERATORS.value, ...OPERATORS.change], value: () => text("user id") },
  { id: "current_tags", label: "Tags", ops: OPERATORS.tags, value: () => text("tags, separated by spaces") },
  { id: "via_id", label: "Channel", ops: OPERATORS.value,
    value: () => select([["whatsapp", "WhatsApp"], ["web", "Web"], ["email", "Email"], ["api", "API"], ["rule", "Rule"]]) },
  { id: "update_type", label: "Ticket is", ops: OPERATORS.value, kinds: ["trigger"], value: () => select([["Create", "created"], ["Change", "updated"]]) },
  { id: "comment_is_public", label: "Comment is", ops: OPERATORS.value, kinds: ["trigger"],
    value: () => select([["true", "public"], ["false", "private"], ["not_relevant", "present or not"]]) },
  { id: "comment_includes_word", label: "Comment text", ops: OPERATORS.words, kinds: ["trigger"], value: () => text("words") },
  { id: "subject_includes_word", label: "Subject text", ops: OPERATORS.words, value: () => text("words") },
  { id: "whatsapp_integration_id", label: "WhatsApp number", ops: OPERATORS.value,
    value: (l) => l.integrations.length ? select(l.integrations.map((i) => [String(i.id), `${i.name} (+${i.display_number})`])) : text("integration id") },
  { id: "whatsapp_window_open", label: "WhatsApp window open", ops: OPERATORS.value, value: () => select(yesNo) },
  { id: "whatsapp_last_message_forwarded", label: "Last message was forwarded", ops: OPERATORS.value, value: () => select(yesNo) },
  // Hours since something: only a scheduled pass has a clock, so automations only (as in Zendesk).
  ...[["whatsapp_hours_since_last_message", "Hours since the customer's last WhatsApp message"],
    ["whatsapp_window_closes_in_hours", "Hours until the WhatsApp window closes"],
    ["created_at", "Hours since created"], ["updated_at", "Hours since updated"], ["assigned_at", "Hours since assigned"],
    ["requester_updated_at", "Hours since the requester's update"],
    ...["NEW", "OPEN", "PENDING", "HOLD", "SOLVED", "CLOSED"].map((s) => [s, `Hours since status became ${s.toLowerCase()}`])]
    .map(([id, label]) => ({ id, label, ops: OPERATORS.hours, kinds: ["automation"], value: () => ({ type: "number", hint: "hours" }) })),
];

/// Action fields, with the rule kinds that may use them.
const ACTION_FIELDS = [
  { id: "status", label: "Set status", value: () => select(same(STATUSES)) },
  { id: "priority", label: "Set priority", value: () => select([...none(), ...same(["low", "normal", "high", "urgent"])]) },
  { id: "type", label: "Set type", value: () => select([...none(), ...same(["question", "incident", "problem", "task"])]) },
  { id: "assignee_id", label: "Assign to", value: (l) => select(people(l, { nobody: true })) },
  { id: "group_id", label: "Set group", value: (l) => select([...none(), ...l.groups.map((g) => [String(g.id), g.name])]) },
  { id: "current_tags", label: "Add tags", value: () => text("tags, separated by spaces") },
  { id: "remove_tags", label: "Remove tags", value: () => text("tags, separated by spaces") },
  { id: "set_tags", label: "Replace all tags with", value: () => text("tags, separated by spaces") },
  { id: "comment_value", label: "Add comment", value: () => ({ type: "longtext", hint: "comment; placeholders such as {{ticket.requester.name}} work" }) },
  { id: "comment_value_html", label: "Add comment (HTML)", value: () => ({ type: "longtext", hint: "HTML" }) },
  { id: "comment_mode_is_public", label: "Comment is public", value: () => select(yesNo) },
  { id: "subject", label: "Set subject", kinds: ["macro"], value: () => text("subject") },
  // What happens after the ticket is saved: triggers and automations only (an agent uses the ticket's template menu).
  { id: "notification_webhook", label: "Notify webhook", kinds: ["trigger", "automation"], value: (l) => ({ type: "webhook", webhooks: l.webhooks }) },
  { id: "whatsapp_template", label: "Send WhatsApp template", kinds: ["trigger", "automation"], value: () => ({ type: "template" }) },
];

export function conditionFields(kind) { return CONDITION_FIELDS.filter((f) => !f.kinds || f.kinds.includes(kind)); }
export function actionFields(kind) { return ACTION_FIELDS.filter((f) => !f.kinds || f.kinds.includes(kind)); }

export function operatorLabel(field, operator) {
  const words = field === "comment_includes_word" || field === "subject_includes_word";
  return (words ? WORD_OPERATOR_LABELS[operator] : null) || OPERATOR_LABELS[operator] || operator;
}

/// The first value a newly chosen field starts with.
export function defaultValue(spec) {
  switch (spec.type) {
    case "select": return spec.options[0]?.[0] ?? "";
    case "number": return 1;
    case "webhook": return [spec.webhooks[0] ? String(spec.webhooks[0].id) : "", ""];
    case "template": return { name: "", language: "en_US", parameters: [] };
    default: return "";
  }
}

/// Agents, groups, numbers and webhooks the value selects offer. Numbers and webhooks are for admins:
/// for anybody else those lists stay empty and the editor asks for an id instead.
export async function loadLookups() {
  const quietly = (promise, key) => promise.then((answer) => answer[key]).catch(() => []);
  const [agents, groups, integrations, webhooks] = await Promise.all([
    quietly(get("/api/v2/users?role[]=agent&role[]=admin"), "users"), quietly(get("/api/v2/groups"), "groups"),
    quietly(get("/api/v2/channels/whatsapp/integrations"), "integrations"), quietly(get("/api/v2/webhooks"), "webhooks")]);
  return { agents, groups, integrations, webhooks };
}
