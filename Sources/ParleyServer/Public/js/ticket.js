import { api, get, put, post, APIError } from "./api.js";
import { h, clear, fill, formatTime, duration } from "./dom.js";

let stopListening = null;
let countdown = null;

const ticks = { queued: ["🕓", ""], sent: ["✓", ""], delivered: ["✓✓", ""], read: ["✓✓", "read"] };

/// Stops the ticket page's live listener and countdown when the agent leaves it.
export function leaveTicket() {
  if (stopListening) stopListening();
  stopListening = null;
  clearInterval(countdown);
}

export async function renderTicket(content, id, state) {
  leaveTicket();
  const page = new TicketPage(content, id, state);
  await page.load();
  stopListening = state.live.onEvent((event) => {
    if (event.ticket_id === id && event.type !== "hello") page.load();
  });
  post(`/api/v2/tickets/${id}/whatsapp/mark_read`).catch(() => {});
}

class TicketPage {
  constructor(content, id, state) {
    this.content = content;
    this.id = id;
    this.state = state;
    this.tab = "conversation";
    this.draft = "";
    this.uploads = [];
  }

  async load() {
    const [{ ticket }, { comments }, { audits }, macros, agents, groups] = await Promise.all([
      get(`/api/v2/tickets/${this.id}`), get(`/api/v2/tickets/${this.id}/comments`), get(`/api/v2/tickets/${this.id}/audits`),
      get("/api/v2/macros/active"), get("/api/v2/users?role[]=agent&role[]=admin"), get("/api/v2/groups")]);
    this.ticket = ticket;
    this.comments = comments;
    this.audits = audits;
    this.macros = macros.macros;
    this.agents = agents.users;
    this.groups = groups.groups;
    const ids = [...new Set(comments.map((c) => c.author_id).concat([ticket.requester_id]).filter((x) => x))];
    this.users = Object.fromEntries((await get(`/api/v2/users/show_many?ids=${ids.join(",")}`)).users.map((u) => [u.id, u]));
    this.templates = [];
    if (ticket.whatsapp?.templates_enabled) {
      this.templates = (await get(`/api/v2/channels/whatsapp/templates?integration_id=${ticket.whatsapp.integration_id}`)).templates
        .filter((t) => t.status === "APPROVED");
    }
    const textarea = this.content.querySelector("#reply-text");
    if (textarea) this.draft = textarea.value;
    this.render();
  }

  render() {
    const ticket = this.ticket;
    const body = this.tab === "conversation" ? this.conversation() : this.events();
    fill(this.content, 
      h("h2", { id: "ticket-title" }, `#${ticket.id} ${ticket.subject || ""}`),
      h("div", { class: "ticket" },
        h("div", { class: "conversation" },
          h("div", { class: "tabs", role: "tablist" },
            h("button", { class: this.tab === "conversation" ? "active" : "", id: "tab-conversation", role: "tab",
              onclick: () => { this.tab = "conversation"; this.render(); } }, "Conversation"),
            h("button", { class: this.tab === "events" ? "active" : "", id: "tab-events", role: "tab",
              onclick: () => { this.tab = "events"; this.render(); } }, "Events")),
          body, this.tab === "conversation" ? this.replyBox() : ""),
        this.sidebar()));
    const messages = this.content.querySelector(".messages");
    if (messages) messages.scrollTop = messages.scrollHeight;
  }

  conversation() {
    const requester = this.ticket.requester_id;
    return h("div", { class: "messages", id: "messages" }, this.comments.map((comment) => {
      const meta = comment.metadata?.whatsapp || {};
      const fromEndUser = comment.author_id === requester;
      const kind = !comment.public ? "note" : fromEndUser ? "user" : "agent";
      const author = this.users[comment.author_id]?.name || (comment.via?.channel === "rule" ? "Rule" : "Parley");
      return h("div", { class: `bubble ${kind}`, dataset: { commentId: comment.id } },
        h("div", { class: "who" }, author, !comment.public ? " · internal note" : ""),
        meta.forwarded ? h("div", { class: "forwarded", title: meta.forwarded_notice }, "↪ " + meta.forwarded_notice) : "",
        meta.quoted?.excerpt ? h("blockquote", {}, meta.quoted.excerpt) : "",
        h("div", { class: "text" }, comment.body),
        comment.attachments.map((file) => this.attachment(file)),
        meta.location?.map_url ? h("div", {}, h("a", { href: meta.location.map_url, target: "_blank", rel: "noopener" }, "Open map")) : "",
        meta.template ? h("div", { class: "meta" }, `Template: ${meta.template.name} (paid)`) : "",
        meta.edited ? h("div", { class: "meta" }, "edited") : "",
        meta.deleted_by_end_user ? h("div", { class: "deleted" }, "Deleted by the end user") : "",
        meta.reaction?.emoji ? h("span", { class: "reaction", title: "Reaction" }, meta.reaction.emoji) : "",
        h("div", { class: "meta" }, formatTime(comment.created_at), this.delivery(comment)));
    }));
  }

  attachment(file) {
    if (file.status !== "stored") return h("div", { class: "meta" }, `${file.file_name}: ${file.status === "failed" ? "download failed" : "downloading…"}`);
    const url = `/api/v2/attachments/${file.id}/content`;
    if (file.content_type.startsWith("image/")) return h("a", { href: url, target: "_blank" }, h("img", { class: "preview", src: url, alt: file.file_name }));
    return h("div", {}, h("a", { href: url, download: file.file_name }, "📎 " + file.file_name));
  }

  delivery(comment) {
    if (!comment.delivery_status) return "";
    if (comment.delivery_status === "failed") {
      const reason = comment.delivery_error?.details || comment.delivery_error?.title || "WhatsApp could not deliver it";
      const code = comment.delivery_error?.code;
      return h("span", { class: "failed delivery", title: reason }, `✕ Not delivered${code && code !== "window_closed" ? ` (${code})` : ""}: ${reason}`);
    }
    const [mark, extra] = ticks[comment.delivery_status] || ["", ""];
    return h("span", { class: `ticks delivery ${extra}`, title: comment.delivery_status, dataset: { status: comment.delivery_status } }, mark);
  }

  windowBanner() {
    const whatsapp = this.ticket.whatsapp;
    if (!whatsapp) return "";
    const banner = h("div", { class: "window", id: "window-banner" });
    const update = () => {
      const closesAt = whatsapp.window_closes_at ? new Date(whatsapp.window_closes_at) : null;
      // Counted from the server's answer, so a browser clock that is off does not matter.
      const remaining = whatsapp.window_remaining_seconds - (Date.now() - this.loadedAt) / 1000;
      const open = whatsapp.window_open && remaining > 0;
      banner.className = "window" + (open ? (remaining < 7200 ? " closing" : "") : " closed");
      banner.textContent = open
        ? `WhatsApp window closes in ${duration(remaining)}`
        : closesAt
          ? `The WhatsApp 24-hour window closed at ${formatTime(whatsapp.window_closes_at)}. You can still add a reply to the ticket, but it will not be delivered.` + (this.templates.length ? " Send an approved template to reach the customer." : " The way back is the customer writing again.")
          : "This customer has not written yet: only a template can start the conversation.";
    };
    this.loadedAt = Date.now();
    update();
    clearInterval(countdown);
    countdown = setInterval(update, 30000);
    return banner;
  }

  replyBox() {
    const text = h("textarea", { id: "reply-text", placeholder: "Write a reply…", "aria-label": "Reply" });
    text.value = this.draft;
    const isPublic = h("input", { type: "radio", name: "visibility", id: "reply-public", checked: true });
    const isNote = h("input", { type: "radio", name: "visibility", id: "reply-internal" });
    const files = h("input", { type: "file", id: "reply-files", multiple: true, hidden: true, onchange: () => this.addFiles(files.files, list) });
    const list = h("span", { id: "upload-list" }, this.uploads.map((u) => u.name).join(", "));
    const error = h("p", { class: "error", id: "reply-error" });
    const box = h("div", { class: "replybox", id: "replybox",
      ondragover: (event) => { event.preventDefault(); box.classList.add("dragover"); },
      ondragleave: () => box.classList.remove("dragover"),
      ondrop: (event) => { event.preventDefault(); box.classList.remove("dragover"); this.addFiles(event.dataTransfer.files, list); } },
      this.windowBanner(), text,
      h("div", { class: "row" },
        h("label", {}, isPublic, "Public reply"), h("label", {}, isNote, "Internal note"),
        h("button", { type: "button", onclick: () => files.click() }, "Attach"), files, list,
        this.macroMenu(text),
        this.templateMenu(),
        h("span", { class: "spacer" }),
        h("button", { class: "primary", id: "send-reply", onclick: async () => {
          error.textContent = "";
          try {
            const comment = { body: text.value, public: isPublic.checked, uploads: this.uploads.map((u) => u.token) };
            if (!comment.body.trim() && comment.uploads.length === 0) { error.textContent = "Write something first."; return; }
            const result = await put(`/api/v2/tickets/${this.id}`, { ticket: { comment } });
            this.draft = "";
            this.uploads = [];
            text.value = "";
            const failure = result.audit?.events?.find((e) => e.type === "DeliveryFailure");
            if (failure) {
              this.state.live.notify("Message not delivered", `Ticket #${this.id}: ${failure.message}`, "error", this.id, true,
                `comment-${failure.comment_id}`);
            }
            await this.load();
          } catch (failure) {
            error.textContent = failure instanceof APIError && failure.details.length ? failure.details.join("\n") : failure.message;
          }
        } }, "Send")),
      error);
    return box;
  }

  async addFiles(fileList, label) {
    for (const file of fileList) {
      const result = await api("POST", `/api/v2/uploads?filename=${encodeURIComponent(file.name)}`, file,
        { raw: true, headers: { "Content-Type": file.type || "application/octet-stream" } });
      this.uploads.push({ name: file.name, token: result.upload.token });
    }
    label.textContent = this.uploads.map((u) => u.name).join(", ");
  }

  macroMenu(text) {
    if (!this.macros.length) return "";
    const select = h("select", { id: "macro-select", "aria-label": "Apply macro" }, h("option", { value: "" }, "Apply macro…"),
      this.macros.map((m) => h("option", { value: m.id }, m.title)));
    const preview = h("div", { id: "macro-preview" });
    select.addEventListener("change", async () => {
      clear(preview);
      if (!select.value) return;
      const { result } = await get(`/api/v2/tickets/${this.id}/macros/${select.value}/apply`);
      preview.append(h("div", { class: "preview-box" },
        h("strong", {}, "Macro preview: "), `status ${result.ticket.status}`, result.ticket.priority ? `, priority ${result.ticket.priority}` : "",
        result.ticket.tags?.length ? `, tags ${result.ticket.tags.join(" ")}` : "",
        result.comment ? h("div", {}, (result.comment.public ? "Reply: " : "Note: ") + result.comment.body) : "",
        h("div", { class: "row" }, h("button", { class: "primary", id: "apply-macro", onclick: async () => {
          await put(`/api/v2/tickets/${this.id}`, { ticket: { macro_ids: [Number(select.value)] } });
          await this.load();
        } }, "Apply"), h("button", { onclick: () => { select.value = ""; clear(preview); } }, "Cancel"))));
    });
    return h("span", {}, select, preview);
  }

  templateMenu() {
    if (!this.ticket.whatsapp || !this.templates.length) return "";
    const select = h("select", { id: "template-select", "aria-label": "Send a template" }, h("option", { value: "" }, "Send template…"),
      this.templates.map((t) => h("option", { value: t.id }, `${t.name} (${t.language})`)));
    const form = h("div", { id: "template-form" });
    select.addEventListener("change", () => {
      clear(form);
      const template = this.templates.find((t) => String(t.id) === select.value);
      if (!template) return;
      const inputs = template.parameters.map((name) => h("input", { placeholder: `{{${name}}}`, "aria-label": `Parameter ${name}` }));
      form.append(h("div", { class: "preview-box" }, template.body, inputs,
        h("button", { class: "primary", onclick: async () => {
          await post(`/api/v2/tickets/${this.id}/whatsapp/template`, { template: { name: template.name, language: template.language,
            parameters: inputs.map((i) => i.value) } });
          await this.load();
        } }, "Send template (paid)")));
    });
    return h("span", {}, select, form);
  }

  events() {
    const describe = (event) => {
      switch (event.type) {
        case "Create": return `Set ${event.field_name} to ${JSON.stringify(event.value)}`;
        case "Change": return `Changed ${event.field_name} from ${JSON.stringify(event.previous_value)} to ${JSON.stringify(event.value)}${event.via_rule ? ` (rule: ${event.via_rule})` : ""}`;
        case "Comment": return event.public ? "Public reply added" : "Internal note added";
        case "DeliveryFailure": return `Not delivered: ${event.message || event.title}`;
        case "RuleFired": return `${event.rule_type === "automation" ? "Automation" : "Trigger"} “${event.title}” fired`;
        case "Redaction": return `${event.count} credit card number(s) masked before storing`;
        case "ChannelEvent": return `WhatsApp: ${event.event.replaceAll("_", " ")}${event.emoji ? " " + event.emoji : ""}${event.previous_value ? ` (was: ${event.previous_value})` : ""}`;
        default: return event.type;
      }
    };
    return h("ol", { class: "events", id: "events" }, this.audits.flatMap((audit) => audit.events.map((event) =>
      h("li", { class: `event ${event.type}` }, h("span", { class: "meta" }, formatTime(audit.created_at), " · "),
        (this.users[audit.author_id]?.name || (audit.via?.channel === "whatsapp" ? "WhatsApp" : "Parley")) + ": ", describe(event)))));
  }

  sidebar() {
    const ticket = this.ticket;
    const requester = this.users[ticket.requester_id] || {};
    const select = (id, options, value) => h("select", { id }, options.map(([v, label]) => h("option", { value: v, selected: String(v) === String(value ?? "") }, label)));
    const status = select("field-status", ["new", "open", "pending", "hold", "solved"].map((s) => [s, s]), ticket.status);
    const priority = select("field-priority", [["", "-"], ...["low", "normal", "high", "urgent"].map((s) => [s, s])], ticket.priority);
    const type = select("field-type", [["", "-"], ...["question", "incident", "problem", "task"].map((s) => [s, s])], ticket.type);
    const assignee = select("field-assignee", [["", "Unassigned"], ...this.agents.map((a) => [a.id, a.name])], ticket.assignee_id);
    const group = select("field-group", [["", "-"], ...this.groups.map((g) => [g.id, g.name])], ticket.group_id);
    const tags = h("input", { id: "field-tags", value: ticket.tags.join(" ") });
    const error = h("p", { class: "error" });
    const number = (value) => value === "" ? null : Number(value);
    return h("aside", { class: "sidebar" },
      h("h3", {}, "Requester"), h("div", { id: "requester-name" }, requester.name || "Unknown"),
      h("div", {}, ticket.whatsapp?.end_user?.phone || requester.phone || requester.email || ""),
      ticket.whatsapp?.end_user?.username ? h("div", {}, "@" + ticket.whatsapp.end_user.username) : "",
      h("label", { for: "field-status" }, "Status"), ticket.status === "closed" ? h("div", {}, "closed") : status,
      h("label", { for: "field-priority" }, "Priority"), priority, h("label", { for: "field-type" }, "Type"), type,
      h("label", { for: "field-assignee" }, "Assignee"), assignee, h("label", { for: "field-group" }, "Group"), group,
      h("label", { for: "field-tags" }, "Tags"), tags,
      h("div", { class: "row" }, h("button", { class: "primary", id: "save-fields", onclick: async () => {
        try {
          await put(`/api/v2/tickets/${this.id}`, { ticket: { status: status.value, priority: priority.value || null, type: type.value || null,
            assignee_id: number(assignee.value), group_id: number(group.value), tags: tags.value.split(/\s+/).filter(Boolean) } });
          await this.load();
        } catch (failure) { error.textContent = failure.details?.join("\n") || failure.message; }
      } }, "Save")), error,
      h("p", { class: "meta" }, `Via ${ticket.via.channel}, created ${formatTime(ticket.created_at)}`));
  }
}
