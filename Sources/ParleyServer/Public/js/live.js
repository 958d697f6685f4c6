import { get, APIError } from "./api.js";
import { h, formatTime } from "./dom.js";

const MAX_TOASTS = 4;

/// A toast top right; errors stay longer because they ask the agent to do something. A toast with a `key`
/// replaces the one with the same key still showing (three messages on a ticket: one toast).
export function toast(title, text, kind = "info", ticketID = null, key = null) {
  const box = document.getElementById("toasts");
  if (!box) return;
  if (key) [...box.children].filter((t) => t.dataset.key === key).forEach((t) => t.remove());
  const item = h("div", { class: `toast ${kind}`, role: kind === "error" ? "alert" : "status",
    dataset: { kind, ...(key ? { key } : {}), ...(ticketID ? { ticketId: ticketID } : {}) } },
    // A toast may cover what the agent wants to click: it can be put away at once.
    h("button", { type: "button", class: "toast-close", "aria-label": "Dismiss", onclick: () => item.remove() }, "×"),
    h("strong", {}, title), h("span", {}, text),
    ticketID ? h("div", {}, h("a", { href: `#/tickets/${ticketID}` }, "Open ticket")) : "");
  box.append(item);
  setTimeout(() => item.remove(), kind === "error" ? 12000 : 4000);
  while (box.children.length > MAX_TOASTS) box.firstChild.remove();
}

/// The agent opened the ticket: news about its messages has been read.
export function dismissMessageToasts(ticketID) {
  document.querySelectorAll(`#toasts .toast[data-kind="info"][data-ticket-id="${Number(ticketID)}"]`).forEach((t) => t.remove());
}

/// What went wrong, in the server's words when it gave any (validation details first).
export function describeError(error) {
  if (error instanceof APIError && error.details.length) return error.details.join("\n");
  return error?.message || String(error);
}

/// For `.catch(...)` on a click's promise: the agent sees that the action failed instead of nothing happening.
export function showError(what) {
  return (error) => toast(what, describeError(error), "error");
}

// Live events over WebSocket: delivery failures become toasts top right and entries in the notification list;
// changes refresh whatever the agent is looking at.
export class Live {
  constructor(state) {
    this.state = state;
    this.notifications = [];
    this.listeners = new Set();
    this.shown = new Set();
    this.seeded = false;
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.socket = new WebSocket(`${scheme}://${location.host}/api/v2/live`);
    this.socket.addEventListener("message", (message) => this.handle(JSON.parse(message.data)));
    this.socket.addEventListener("close", () => setTimeout(() => this.connect(), 2000));
    if (!this.seeded) {
      this.seeded = true;
      this.seed().catch(() => {});  // an older server without the list: the bell simply starts empty
    }
  }

  /// A page that just loaded lists the failures the agent was told about before the reload (without toasting them again).
  async seed() {
    const { events } = await get("/api/v2/live/recent");
    for (const event of events) {
      if (event.type === "delivery.failed" && event.author_id === this.state.user.id) {
        this.remember(`comment-${event.comment_id}`, "Message not delivered", failureText(event), event.ticket_id, event.at);
      }
    }
  }

  onEvent(listener) { this.listeners.add(listener); return () => this.listeners.delete(listener); }

  handle(event) {
    for (const listener of this.listeners) listener(event);
    const viewing = this.state.route?.match(/^#\/tickets\/(\d+)/)?.[1];
    if (event.type === "delivery.failed" && (event.author_id === this.state.user.id || String(event.ticket_id) === viewing)) {
      this.notify("Message not delivered", failureText(event), "error", event.ticket_id, true, `comment-${event.comment_id}`);
    } else if (event.type === "message.received" && String(event.ticket_id) !== viewing) {
      this.newMessage(event.ticket_id).catch(() => {});
    }
  }

  /// The event does not say whose ticket it is: ask, and tell only its assignee (or everybody while nobody has it).
  async newMessage(ticketID) {
    const { ticket } = await get(`/api/v2/tickets/${ticketID}`);
    if (ticket.assignee_id !== null && ticket.assignee_id !== undefined && ticket.assignee_id !== this.state.user.id) return;
    if (this.state.route?.match(/^#\/tickets\/(\d+)/)?.[1] === String(ticketID)) return;  // opened meanwhile
    toast("New WhatsApp message", `Ticket #${ticketID}${ticket.subject ? ": " + ticket.subject : ""}`, "info", ticketID, `message-${ticketID}`);
  }

  /// `key` names the thing notified about, so the same failure heard twice (API answer and live event) shows once.
  notify(title, text, kind, ticketID, keep = true, key = null) {
    if (key && this.shown.has(key)) return;
    toast(title, text, kind, ticketID);
    if (keep) this.remember(key, title, text, ticketID, new Date().toISOString());
    else if (key) this.shown.add(key);
  }

  remember(key, title, text, ticketID, at) {
    if (key && this.shown.has(key)) return;
    if (key) this.shown.add(key);
    this.notifications.unshift({ title, text, ticketID, at });
    const badge = document.getElementById("bell-count");
    if (!badge) return;
    badge.hidden = false;
    badge.textContent = String(this.notifications.length);
  }

  toggleList(anchor) {
    const open = document.getElementById("notification-list");
    anchor.setAttribute("aria-expanded", String(!open));
    if (open) { open.remove(); return; }
    const list = h("div", { class: "notifications", id: "notification-list" },
      this.notifications.length === 0 ? h("p", {}, "No notifications.") :
        h("ul", {}, this.notifications.map((n) => h("li", {}, h("strong", {}, n.title), " ", n.text, " ", formatTime(n.at),
          n.ticketID ? h("div", {}, h("a", { href: `#/tickets/${n.ticketID}` }, "Open ticket")) : ""))));
    anchor.parentElement.append(list);
  }
}

function failureText(event) {
  return `Ticket #${event.ticket_id}: ${event.reason || "WhatsApp could not deliver it."}`;
}
