import { api, get, put, post } from "./api.js";
import { h, fill, formatTime, duration } from "./dom.js";
import { toast, describeError, showError, dismissMessageToasts } from "./live.js";
import { eventText, userIdsIn } from "./eventText.js";

let stopListening = null;
let countdown = null;
let onScreen = null;

const ticks = { queued: ["🕓", "", "Queued"], sent: ["✓", "", "Sent"], delivered: ["✓✓", "", "Delivered"], read: ["✓✓", "read", "Read"] };

/// Stops the ticket page's live listener and countdown when the agent leaves it; answers still on their way
/// for that page are then dropped instead of drawn over the next one.
export function leaveTicket() {
  if (stopListening) stopListening();
  stopListening = null;
  clearInterval(countdown);
  if (onScreen) onScreen.active = false;
  onScreen = null;
}

export async function renderTicket(content, id, state) {
  leaveTicket();
  const page = new TicketPage(content, id, state);
  onScreen = page;
  dismissMessageToasts(id);
  // Listening before the first load: news that arrives while it runs is not missed.
  stopListening = state.live.onEvent((event) => {
    if (event.ticket_id === id && event.type !== "hello") page.refresh();
  });
  await page.load();
  if (page.active) post(`/api/v2/tickets/${id}/whatsapp/mark_read`).catch(() => {});
}

class TicketPage {
  constructor(content, id, state) {
    this.content = content;
    this.id = id;
    this.state = state;
    this.active = true;
    this.loads = 0;
    this.tab = "conversation";
    // What the agent is in the middle of lives here, not in the elements: a live event redraws the page.
    this.draft = "";
    this.visibility = "public";
    this.uploads = [];
    this.macro = { id: "", preview: null, error: "" };
    this.template = { id: "", parameters: [] };
    this.edits = {};
  }

  /// Fetches everything and redraws, unless the agent left or a newer load started meanwhile (its answer is fresher).
  async load() {
    const number = ++this.loads;
    const [{ ticket }, { comments }, { audits }, macros, agents, groups] = await Promise.all([
      get(`/api/v2/tickets/${this.id}`), get(`/api/v2/tickets/${this.id}/comments`), get(`/api/v2/tickets/${this.id}/audits`),
      get("/api/v2/macros/active"), get("/api/v2/users?role[]=agent&role[]=admin"), get("/api/v2/groups")]);
    // Everyone the page names: comment authors, the requester, and the people the event log mentions.
    const ids = [...new Set(comments.map((c) => c.author_id).concat([ticket.requester_id], userIdsIn(audits)).filter((x) => x > 0))];
    const users = (await get(`/api/v2/users/show_many?ids=${ids.join(",")}`)).users;
    const templates = ticket.whatsapp?.templates_enabled
      ? (await get(`/api/v2/channels/whatsapp/templates?integration_id=${ticket.whatsapp.integration_id}`)).templates
        .filter((t) => t.status === "APPROVED")
      : [];
    if (!this.active || number !== this.loads) return;
    this.ticket = ticket;
    this.comments = comments;
    this.audits = audits;
    this.macros = macros.macros;
    this.agents = agents.users;
    this.groups = groups.groups;
    this.users = Object.fromEntries(users.map((u) => [u.id, u]));
    this.templates = templates;
    this.loadedAt = Date.now();
    this.render();
  }

  /// A redraw on a live event; if it fails the page stays as it was and the next event tries again.
  refresh() { this.load().catch(() => {}); }

  render() {
    const ticket = this.ticket;
    const focus = this.rememberFocus();
    const messages = this.content.querySelector("#messages");
    const atBottom = !messages || messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
    const scrolled = messages?.scrollTop;
    const body = this.tab === "conversation" ? this.conversation() : this.events();
    const tab = (id, label) => h("button", { class: this.tab === id ? "active" : "", id: `tab-${id}`, role: "tab", type: "button",
      "aria-selected": String(this.tab === id), "aria-controls": "ticket-panel",
      onclick: () => { this.tab = id; this.render(); } }, label);
    fill(this.content,
      h("h2", { id: "ticket-title" }, `#${ticket.id} ${ticket.subject || ""}`),
      h("div", { class: "ticket" },
        h("div", { class: "conversation" },
          h("div", { class: "tabs", role: "tablist", "aria-label": "Ticket" }, tab("conversation", "Conversation"), tab("events", "Events")),
          h("div", { class: "panel-body", id: "ticket-panel", role: "tabpanel", "aria-labelledby": `tab-${this.tab}` },
            body, this.tab === "conversation" ? this.replyBox() : "")),
        this.sidebar()));
    const list = this.content.querySelector("#messages");
    // Follow the conversation, unless the agent scrolled up to read something.
    if (list) list.scrollTop = atBottom || scrolled === undefined ? list.scrollHeight : scrolled;
    this.restoreFocus(focus);
  }

  /// Where the keyboard was (element id and caret), so a redraw does not throw the agent out of what they type.
  rememberFocus() {
    const element = document.activeElement;
    if (!element || !element.id || !this.content.contains(element)) return null;
    const caret = typeof element.selectionStart === "number" ? [element.selectionStart, element.selectionEnd] : null;
    return { id: element.id, caret };
  }

  restoreFocus(focus) {
    if (!focus) return;
    const element = document.getElementById(focus.id);
    if (!element || !this.content.contains(element)) return;
    element.focus({ preventScroll: true });
    if (focus.caret && typeof element.setSelectionRange === "function") {
      try { element.setSelectionRange(...focus.caret); } catch { /* an input without a caret */ }
    }
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
        meta.reaction?.emoji ? h("span", { class: "reaction", title: "Reaction", role: "img", "aria-label": `Reaction ${meta.reaction.emoji}` }, meta.reaction.emoji) : "",
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
    const [mark, extra, words] = ticks[comment.delivery_status] || ["", "", comment.delivery_status];
    // The glyphs mean nothing to a screen reader: it reads the word instead.
    return h("span", { class: `ticks delivery ${extra}`, title: words, role: "img", "aria-label": words,
      dataset: { status: comment.delivery_status } }, mark);
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
    update();
    clearInterval(countdown);
    countdown = setInterval(update, 30000);
    return banner;
  }

  replyBox() {
    if (this.ticket.status === "closed") {
      return h("div", { class: "replybox", id: "replybox" }, h("p", { class: "window closed", id: "closed-notice" },
        "This ticket is closed and cannot be changed. When the customer writes again, Parley opens a follow-up ticket."));
    }
    const internal = this.visibility === "internal";
    const text = h("textarea", { id: "reply-text", class: internal ? "internal" : "", placeholder: internal ? "Write an internal note…" : "Write a reply…",
      "aria-label": internal ? "Internal note" : "Reply", oninput: () => { this.draft = text.value; } });
    text.value = this.draft;
    const choose = (visibility) => () => { this.visibility = visibility; this.render(); };
    const isPublic = h("input", { type: "radio", name: "visibility", id: "reply-public", value: "public", checked: !internal,
      onchange: choose("public") });
    const isNote = h("input", { type: "radio", name: "visibility", id: "reply-internal", value: "internal", checked: internal,
      onchange: choose("internal") });
    const files = h("input", { type: "file", id: "reply-files", multiple: true, hidden: true,
      onchange: () => { this.addFiles(files.files); files.value = ""; } });
    const error = h("p", { class: "error", id: "reply-error", role: "alert" });
    const box = h("div", { class: "replybox" + (internal ? " internal" : ""), id: "replybox",
      ondragover: (event) => { event.preventDefault(); box.classList.add("dragover"); },
      ondragleave: () => box.classList.remove("dragover"),
      ondrop: (event) => { event.preventDefault(); box.classList.remove("dragover"); this.addFiles(event.dataTransfer.files); } },
      this.windowBanner(), text,
      h("div", { class: "row" },
        h("fieldset", { class: "visibility" }, h("legend", { class: "visually-hidden" }, "Who sees it"),
          h("label", { for: "reply-public" }, isPublic, "Public reply"), h("label", { for: "reply-internal" }, isNote, "Internal note")),
        h("button", { type: "button", id: "attach", onclick: () => files.click() }, "Attach"), files, this.uploadList(),
        this.macroMenu(),
        this.templateMenu(),
        h("span", { class: "spacer" }),
        h("button", { class: "primary", id: "send-reply", type: "button", onclick: () => this.send(error) },
          internal ? "Add note" : "Send")),
      error);
    return box;
  }

  async send(error) {
    if (this.sending) return;  // a double click sends once
    this.sending = true;
    try { await this.sendOnce(error); } finally { this.sending = false; }
  }

  async sendOnce(error) {
    error.textContent = "";
    // Read from the state the choice was made in, not from an element a redraw may have replaced.
    const comment = { body: this.draft, public: this.visibility !== "internal", uploads: this.uploads.map((u) => u.token) };
    if (!comment.body.trim() && comment.uploads.length === 0) { error.textContent = "Write something first."; return; }
    let result;
    try {
      result = await put(`/api/v2/tickets/${this.id}`, { ticket: { comment } });
    } catch (failure) {
      error.textContent = describeError(failure);
      return;
    }
    this.draft = "";
    this.uploads = [];
    const failure = result.audit?.events?.find((e) => e.type === "DeliveryFailure");
    if (failure) {
      this.state.live.notify("Message not delivered", `Ticket #${this.id}: ${failure.message}`, "error", this.id, true,
        `comment-${failure.comment_id}`);
    }
    await this.load().catch(showError("Sent, but the ticket could not be reloaded"));
  }

  uploadList() {
    return h("span", { id: "upload-list" }, this.uploads.map((upload, index) => h("span", { class: "upload" }, upload.name,
      h("button", { type: "button", class: "link", "aria-label": `Remove ${upload.name}`,
        onclick: () => { this.uploads.splice(index, 1); this.render(); } }, "×"))));
  }

  async addFiles(fileList) {
    for (const file of [...fileList]) {
      try {
        const result = await api("POST", `/api/v2/uploads?filename=${encodeURIComponent(file.name)}`, file,
          { raw: true, headers: { "Content-Type": file.type || "application/octet-stream" } });
        this.uploads.push({ name: file.name, token: result.upload.token });
      } catch (failure) {
        toast(`Could not attach ${file.name}`, describeError(failure), "error");
      }
    }
    if (this.active) this.render();
  }

  macroMenu() {
    if (!this.macros.length) return "";
    const select = h("select", { id: "macro-select", "aria-label": "Apply macro" }, h("option", { value: "" }, "Apply macro…"),
      this.macros.map((m) => h("option", { value: m.id, selected: String(m.id) === this.macro.id }, m.title)));
    select.addEventListener("change", () => this.previewMacro(select.value));
    return h("span", {}, select, h("div", { id: "macro-preview" }, this.macroPreview()));
  }

  async previewMacro(id) {
    this.macro = { id, preview: null, error: "" };
    this.showMacroPreview();
    if (!id) return;
    try {
      const { result } = await get(`/api/v2/tickets/${this.id}/macros/${id}/apply`);
      if (this.macro.id === id) this.macro.preview = result;
    } catch (failure) {
      if (this.macro.id === id) this.macro.error = describeError(failure);
    }
    this.showMacroPreview();
  }

  /// Only the preview changes: the rest of the reply box (and the caret in it) stays put.
  showMacroPreview() {
    const preview = this.active && this.content.querySelector("#macro-preview");
    if (preview) fill(preview, this.macroPreview());
  }

  macroPreview() {
    const { id, preview, error } = this.macro;
    if (!id) return "";
    if (error) return h("p", { class: "error" }, "Could not preview the macro: " + error);
    if (!preview) return "";  // on its way: shown when it comes
    const changes = preview.ticket;
    return h("div", { class: "preview-box" },
      h("strong", {}, "Macro preview: "), changes.status ? `status ${changes.status}` : "", changes.priority ? `, priority ${changes.priority}` : "",
      changes.tags?.length ? `, tags ${changes.tags.join(" ")}` : "",
      preview.comment ? h("div", {}, (preview.comment.public ? "Reply: " : "Note: ") + preview.comment.body) : "",
      h("div", { class: "row" },
        h("button", { class: "primary", id: "apply-macro", type: "button", onclick: () => this.applyMacro(id) }, "Apply"),
        h("button", { type: "button", onclick: () => { this.macro = { id: "", preview: null, error: "" }; this.render(); } }, "Cancel")));
  }

  async applyMacro(id) {
    try {
      await put(`/api/v2/tickets/${this.id}`, { ticket: { macro_ids: [Number(id)] } });
    } catch (failure) {
      toast("Could not apply the macro", describeError(failure), "error");
      return;
    }
    this.macro = { id: "", preview: null, error: "" };
    await this.load().catch(showError("Macro applied, but the ticket could not be reloaded"));
  }

  templateMenu() {
    if (!this.ticket.whatsapp || !this.templates.length) return "";
    const select = h("select", { id: "template-select", "aria-label": "Send a template" }, h("option", { value: "" }, "Send template…"),
      this.templates.map((t) => h("option", { value: t.id, selected: String(t.id) === this.template.id }, `${t.name} (${t.language})`)));
    select.addEventListener("change", () => { this.template = { id: select.value, parameters: [] }; this.render(); });
    return h("span", {}, select, h("div", { id: "template-form" }, this.templateForm()));
  }

  templateForm() {
    const template = this.templates.find((t) => String(t.id) === this.template.id);
    if (!template) return "";
    const values = this.template.parameters;
    const inputs = template.parameters.map((name, index) => {
      const input = h("input", { id: `template-parameter-${index}`, value: values[index] || "",
        oninput: () => { values[index] = input.value; } });
      return h("label", { class: "stacked", for: `template-parameter-${index}` }, `{{${name}}}`, input);
    });
    return h("div", { class: "preview-box" }, template.body, inputs,
      h("button", { class: "primary", type: "button", id: "send-template", onclick: async () => {
        try {
          await post(`/api/v2/tickets/${this.id}/whatsapp/template`, { template: { name: template.name, language: template.language,
            parameters: template.parameters.map((_, index) => values[index] || "") } });
        } catch (failure) {
          toast("Could not send the template", describeError(failure), "error");
          return;
        }
        this.template = { id: "", parameters: [] };
        await this.load().catch(showError("Template sent, but the ticket could not be reloaded"));
      } }, "Send template (paid)"));
  }

  events() {
    const agents = Object.fromEntries(this.agents.map((a) => [a.id, a]));
    const lookups = {
      user: (id) => (this.users[id] || agents[id])?.name,
      group: (id) => this.groups.find((g) => g.id === id)?.name,
      comment: (id) => this.comments.find((c) => c.id === id)?.body,
      time: formatTime,
    };
    const author = (audit) => lookups.user(audit.author_id)
      || ({ whatsapp: "WhatsApp", rule: "Rule" })[audit.via?.channel] || "Parley";
    return h("ol", { class: "events", id: "events" }, this.audits.flatMap((audit) => audit.events.map((event) =>
      h("li", { class: `event ${event.type}` }, h("span", { class: "meta" }, formatTime(audit.created_at), " · "),
        author(audit) + ": ", eventText(event, lookups)))));
  }

  sidebar() {
    const ticket = this.ticket;
    const closed = ticket.status === "closed";
    const requester = this.users[ticket.requester_id] || {};
    // An unsaved change survives a live redraw; Save sends it.
    const value = (field, current) => field in this.edits ? this.edits[field] : String(current ?? "");
    const select = (id, field, options, current) => {
      const element = h("select", { id, disabled: closed, onchange: () => { this.edits[field] = element.value; } },
        options.map(([v, label]) => h("option", { value: v, selected: String(v) === value(field, current) }, label)));
      return element;
    };
    // A closed ticket cannot change (Zendesk's rule), so its status is shown, not offered; nor can a ticket go back to new.
    const statuses = closed ? ["closed"] : [...(ticket.status === "new" ? ["new"] : []), "open", "pending", "hold", "solved"];
    const status = select("field-status", "status", statuses.map((s) => [s, s]), ticket.status);
    const priority = select("field-priority", "priority", [["", "-"], ...["low", "normal", "high", "urgent"].map((s) => [s, s])], ticket.priority);
    const type = select("field-type", "type", [["", "-"], ...["question", "incident", "problem", "task"].map((s) => [s, s])], ticket.type);
    const assignee = select("field-assignee", "assignee_id", [["", "Unassigned"], ...this.agents.map((a) => [a.id, a.name])], ticket.assignee_id);
    const group = select("field-group", "group_id", [["", "-"], ...this.groups.map((g) => [g.id, g.name])], ticket.group_id);
    const tags = h("input", { id: "field-tags", value: value("tags", ticket.tags.join(" ")), disabled: closed,
      oninput: () => { this.edits.tags = tags.value; } });
    const error = h("p", { class: "error", role: "alert" });
    const number = (v) => v === "" ? null : Number(v);
    const save = async () => {
      error.textContent = "";
      try {
        await put(`/api/v2/tickets/${this.id}`, { ticket: { status: status.value, priority: priority.value || null, type: type.value || null,
          assignee_id: number(assignee.value), group_id: number(group.value), tags: tags.value.split(/\s+/).filter(Boolean) } });
      } catch (failure) { error.textContent = describeError(failure); return; }
      this.edits = {};
      await this.load().catch(showError("Saved, but the ticket could not be reloaded"));
    };
    return h("aside", { class: "sidebar", "aria-label": "Ticket fields" },
      h("h3", {}, "Requester"), h("div", { id: "requester-name" }, requester.name || "Unknown"),
      h("div", {}, ticket.whatsapp?.end_user?.phone || requester.phone || requester.email || ""),
      ticket.whatsapp?.end_user?.username ? h("div", {}, "@" + ticket.whatsapp.end_user.username) : "",
      h("label", { for: "field-status" }, "Status"), status,
      h("label", { for: "field-priority" }, "Priority"), priority, h("label", { for: "field-type" }, "Type"), type,
      h("label", { for: "field-assignee" }, "Assignee"), assignee, h("label", { for: "field-group" }, "Group"), group,
      h("label", { for: "field-tags" }, "Tags"), tags,
      closed ? h("p", { class: "meta", id: "closed-fields" }, "Closed tickets cannot be changed.")
        : h("div", { class: "row" }, h("button", { class: "primary", id: "save-fields", type: "button", onclick: save }, "Save")),
      error,
      h("p", { class: "meta" }, `Via ${ticket.via.channel}, created ${formatTime(ticket.created_at)}`));
  }
}
