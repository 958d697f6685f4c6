import { get } from "./api.js";
import { h, clear, formatTime } from "./dom.js";

// Live events over WebSocket: delivery failures become toasts top right and entries in the notification list;
// changes refresh whatever the agent is looking at.
export class Live {
  constructor(state) {
    this.state = state;
    this.notifications = [];
    this.listeners = new Set();
    this.shown = new Set();
  }

  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.socket = new WebSocket(`${scheme}://${location.host}/api/v2/live`);
    this.socket.addEventListener("message", (message) => this.handle(JSON.parse(message.data)));
    this.socket.addEventListener("close", () => setTimeout(() => this.connect(), 2000));
  }

  onEvent(listener) { this.listeners.add(listener); return () => this.listeners.delete(listener); }

  handle(event) {
    for (const listener of this.listeners) listener(event);
    const viewing = this.state.route?.match(/^#\/tickets\/(\d+)/)?.[1];
    if (event.type === "delivery.failed" && (event.author_id === this.state.user.id || String(event.ticket_id) === viewing)) {
      this.notify("Message not delivered", `Ticket #${event.ticket_id}: ${event.reason || "WhatsApp could not deliver it."}`,
        "error", event.ticket_id, true, `comment-${event.comment_id}`);
    } else if (event.type === "message.received" && String(event.ticket_id) !== viewing) {
      this.notify("New WhatsApp message", `Ticket #${event.ticket_id}`, "info", event.ticket_id, false);
    }
  }

  /// `key` names the thing notified about, so the same failure heard twice (API answer and live event) shows once.
  notify(title, text, kind, ticketID, keep = true, key = null) {
    if (key && this.shown.has(key)) return;
    if (key) this.shown.add(key);
    const toast = h("div", { class: `toast ${kind}`, role: "alert" }, h("strong", {}, title), h("span", {}, text),
      ticketID ? h("div", {}, h("a", { href: `#/tickets/${ticketID}` }, "Open ticket")) : "");
    document.getElementById("toasts").append(toast);
    setTimeout(() => toast.remove(), kind === "error" ? 12000 : 4000);
    while (document.getElementById("toasts").children.length > 4) document.getElementById("toasts").firstChild.remove();
    if (keep) {
      this.notifications.unshift({ title, text, ticketID, at: new Date().toISOString() });
      const badge = document.getElementById("bell-count");
      badge.hidden = false;
      badge.textContent = String(this.notifications.length);
    }
  }

  toggleList(anchor) {
    const open = document.getElementById("notification-list");
    if (open) { open.remove(); return; }
    const list = h("div", { class: "notifications", id: "notification-list" },
      this.notifications.length === 0 ? h("p", {}, "No notifications.") :
        h("ul", {}, this.notifications.map((n) => h("li", {}, h("strong", {}, n.title), " ", n.text, " ", formatTime(n.at),
          n.ticketID ? h("div", {}, h("a", { href: `#/tickets/${n.ticketID}` }, "Open ticket")) : ""))));
    anchor.parentElement.append(list);
  }
}
