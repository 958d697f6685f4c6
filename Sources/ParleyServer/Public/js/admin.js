import { get, post, put, del, APIError } from "./api.js";
import { h, fill, formatTime } from "./dom.js";
import { showError } from "./live.js";
import { RuleEditor } from "./ruleEditor.js";
import { loadLookups } from "./ruleCatalog.js";

const pages = { integrations: "WhatsApp numbers", templates: "Templates", triggers: "Triggers", automations: "Automations",
  macros: "Macros", agents: "Agents", tokens: "API tokens" };

function problems(error) {
  return error instanceof APIError && error.details.length ? error.details.join("\n") : error.message;
}

export async function renderAdmin(content, page, state, current = () => true) {
  if (state.user.role !== "admin" && page !== "macros") {
    fill(content, h("div", { class: "panel", id: "admin-denied" }, h("h2", {}, "Admins only"),
      h("p", {}, "You need to be an admin to open the admin pages.")));
    return;
  }
  const nav = h("nav", { class: "row admin-nav", "aria-label": "Admin pages" }, Object.entries(pages).map(([id, title]) =>
    h("a", { href: `#/admin/${id}`, class: id === page ? "active" : "", "aria-current": id === page ? "page" : false }, title))
    .flatMap((link) => [link, " · "]).slice(0, -1));
  const body = h("div", { id: "admin-body" });
  const render = { integrations, templates, triggers: rules("trigger"), automations: rules("automation"), macros: rules("macro"),
    agents, tokens }[page];
  // Drawn off screen and shown only if the agent is still here when the answers come.
  if (render) await render(body, state);
  if (current()) fill(content, h("h2", {}, "Admin: " + (pages[page] || page)), nav, body);
}

async function integrations(body) {
  const { integrations } = await get("/api/v2/channels/whatsapp/integrations");
  const list = integrations.map((i) => h("div", { class: "panel", dataset: { integrationId: i.id } },
    h("h3", {}, `${i.name} (+${i.display_number})`),
    h("p", {}, "Health: ", h("strong", { class: i.health.status === "ok" ? "" : "failed" }, i.health.status === "ok" ? "OK" : `Error: ${i.health.error}`)),
    h("p", {}, "Webhook URL for Meta's console: ", h("code", { class: "secret" }, i.webhook_url)),
    h("p", {}, "Verify token: ", h("code", { class: "secret" }, i.verify_token)),
    h("div", { class: "row" },
      toggle("Mask credit card numbers", i.mask_credit_card_numbers, (on) => put(`/api/v2/channels/whatsapp/integrations/${i.id}`, { integration: { mask_credit_card_numbers: on } })),
      toggle("Templates enabled (paid)", i.templates_enabled, (on) => put(`/api/v2/channels/whatsapp/integrations/${i.id}`, { integration: { templates_enabled: on } })),
      toggle("Mark messages read", i.mark_read, (on) => put(`/api/v2/channels/whatsapp/integrations/${i.id}`, { integration: { mark_read: on } })),
      h("button", { type: "button", onclick: () => post(`/api/v2/channels/whatsapp/templates/sync?integration_id=${i.id}`)
        .then(() => { location.hash = "#/admin/templates"; }, showError("Could not sync the templates")) }, "Sync templates"),
      h("button", { type: "button", class: "danger", onclick: () => {
        if (confirm("Disconnect this number?")) del(`/api/v2/channels/whatsapp/integrations/${i.id}`).then(() => integrations(body), showError("Could not disconnect the number"));
      } }, "Disconnect"))));
  const fields = ["name", "phone_number_id", "waba_id", "display_number", "access_token", "app_secret", "verify_token"];
  const inputs = Object.fromEntries(fields.map((f) => [f, h("input", { id: `new-${f}`, type: f.includes("token") || f === "app_secret" ? "password" : "text" })]));
  const error = h("p", { class: "error" });
  fill(body, list, h("div", { class: "panel" }, h("h3", {}, "Connect a number"),
    h("div", { class: "grid2" }, fields.map((f) => [h("label", { for: `new-${f}` }, f.replaceAll("_", " ")), inputs[f]])),
    h("div", { class: "row" }, h("button", { class: "primary", onclick: async () => {
      const integration = Object.fromEntries(fields.filter((f) => inputs[f].value).map((f) => [f, inputs[f].value]));
      try { await post("/api/v2/channels/whatsapp/integrations", { integration }); await integrations(body); }
      catch (failure) { error.textContent = problems(failure); }
    } }, "Connect")), error));
}

function toggle(label, value, save) {
  const box = h("input", { type: "checkbox", checked: value });
  // A refused change puts the box back: it shows what is saved, not what was clicked.
  box.addEventListener("change", () => save(box.checked).catch((error) => { box.checked = !box.checked; showError(`Could not change “${label}”`)(error); }));
  return h("label", {}, box, label);
}

async function templates(body) {
  const { templates } = await get("/api/v2/channels/whatsapp/templates");
  fill(body, templates.length === 0 ? h("p", {}, "No templates synced yet: use Sync templates on a number.") :
    h("table", { class: "tickets" }, h("thead", {}, h("tr", {}, ["Name", "Language", "Category", "Status", "Body"].map((t) => h("th", {}, t)))),
      h("tbody", {}, templates.map((t) => h("tr", {}, h("td", {}, t.name), h("td", {}, t.language), h("td", {}, t.category),
        h("td", {}, t.status), h("td", {}, t.body))))));
}

const singular = { trigger: "Trigger", automation: "Automation", macro: "Macro" };

function rules(kind) {
  return async function show(body, state, notice) {
    const plural = kind + "s";
    const [answer, lookups] = await Promise.all([get(`/api/v2/${plural}`), loadLookups()]);
    const list = answer[plural];
    const saved = async (rule, what) => {
      await show(body, state, `${singular[kind]} ${what}.`);
      if (rule) body.querySelector(`.rule-item[data-rule-id="${rule.id}"] summary`)?.focus();
    };
    // Each rule opens into its editor on demand; a page of editors at once would be a wall of inputs.
    const item = (rule) => {
      const details = h("details", {}, h("summary", {}, h("strong", { class: "rule-name" }, rule.title), " ",
        h("span", { class: `pill ${rule.active ? "window-open" : ""}` }, rule.active ? "active" : "inactive"), " ",
        h("span", { class: "meta" }, summary(kind, rule))));
      details.addEventListener("toggle", () => {
        if (details.open && details.children.length === 1) details.append(new RuleEditor(kind, rule, lookups, saved).element);
      });
      return h("li", { class: "rule-item", dataset: { ruleId: rule.id } }, details);
    };
    fill(body,
      notice ? h("p", { class: "notice", id: "rule-notice", role: "status" }, notice) : "",
      list.length ? h("ol", { class: "rule-list", id: "rule-list" }, list.map(item)) : h("p", {}, `No ${plural} yet.`),
      h("section", { class: "panel", "aria-labelledby": "new-rule-heading" }, h("h3", { id: "new-rule-heading" }, `New ${kind}`),
        new RuleEditor(kind, null, lookups, saved).element));
  };
}

function summary(kind, rule) {
  const count = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const conditions = (rule.conditions?.all?.length || 0) + (rule.conditions?.any?.length || 0);
  return [kind === "macro" ? "" : count(conditions, "condition") + ", ", count(rule.actions.length, "action"),
    kind === "macro" ? "" : `, position ${rule.position}`].join("");
}

async function agents(body, state, notice) {
  const { users } = await get("/api/v2/users?role[]=agent&role[]=admin");
  const again = (message) => agents(body, state, message);
  const change = (user, fields, message) => put(`/api/v2/users/${user.id}`, { user: fields })
    .then(() => again(message), showError(`Could not change ${user.name}`));
  const row = (user) => {
    const self = user.id === state.user.id;  // the server refuses changing one's own role or locking oneself out
    const role = h("select", { "aria-label": `Role of ${user.name}`, class: "agent-role", disabled: self || !user.active,
      onchange: () => change(user, { role: role.value }, `${user.name} is now ${role.value === "admin" ? "an admin" : "an agent"}.`) },
      ["agent", "admin"].map((r) => h("option", { value: r, selected: user.role === r }, r)));
    const standing = !user.active ? "deactivated" : user.suspended ? "suspended" : "active";
    return h("tr", { class: "agent-row", dataset: { userId: user.id, email: user.email || "" } },
      h("td", {}, user.name), h("td", {}, user.email), h("td", {}, role),
      h("td", { class: "agent-state" }, standing),
      h("td", {}, self || !user.active ? "" : h("button", { type: "button", class: user.suspended ? "" : "danger agent-suspend",
        onclick: () => change(user, { suspended: !user.suspended }, `${user.name} ${user.suspended ? "can sign in again" : "is suspended"}.`) },
      user.suspended ? "Unsuspend" : "Suspend")),
      h("td", {}, user.active ? passwordForm(user, again) : ""));
  };
  fill(body,
    notice ? h("p", { class: "notice", id: "agent-notice", role: "status" }, notice) : "",
    h("table", { class: "tickets agents", id: "agent-table" },
      h("thead", {}, h("tr", {}, ["Name", "Email", "Role", "State", "", "Password"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, users.map(row))),
    addAgentForm(again));
}

function passwordForm(user, again) {
  const input = h("input", { type: "password", autocomplete: "new-password", minlength: "8", "aria-label": `New password for ${user.name}`,
    placeholder: "new password" });
  return h("form", { class: "row inline-form", onsubmit: (event) => {
    event.preventDefault();
    post(`/api/v2/users/${user.id}/password`, { password: input.value })
      .then(() => again(`New password set for ${user.name}.`), showError(`Could not set ${user.name}'s password`));
  } }, input, h("button", { type: "submit" }, "Set"));
}

function addAgentForm(again) {
  const input = (id, label, attributes = {}) => {
    const element = h("input", { id, ...attributes });
    return [h("label", { for: id }, label), element];
  };
  const [nameLabel, name] = input("agent-name", "Name", { autocomplete: "off" });
  const [emailLabel, email] = input("agent-email", "Email", { type: "email", autocomplete: "off" });
  const [passwordLabel, password] = input("agent-password", "Password (at least 8 characters; empty: set it later)",
    { type: "password", autocomplete: "new-password", minlength: "8" });
  const role = h("select", { id: "agent-role" }, h("option", { value: "agent" }, "agent"), h("option", { value: "admin" }, "admin"));
  const error = h("p", { class: "error", id: "agent-error", role: "alert" });
  const add = async (event) => {
    event.preventDefault();
    error.textContent = "";
    // Checked here as well as by the server: a refused password must not leave an agent half made.
    if (password.value && password.value.length < 8) { error.textContent = "The password needs at least 8 characters."; return; }
    let user;
    try {
      ({ user } = await post("/api/v2/users", { user: { name: name.value, email: email.value, role: role.value } }));
    } catch (failure) { error.textContent = problems(failure); return; }
    if (password.value) {
      try { await post(`/api/v2/users/${user.id}/password`, { password: password.value }); }
      catch (failure) { await again(`${user.name} was added, but the password was not set: ${problems(failure)}`); return; }
    }
    await again(`${user.name} was added${password.value ? " and can sign in" : ": set a password to let them sign in"}.`);
  };
  return h("form", { class: "panel", id: "add-agent", onsubmit: add }, h("h3", {}, "Add an agent"),
    h("div", { class: "grid2" }, nameLabel, name, emailLabel, email, passwordLabel, password, h("label", { for: "agent-role" }, "Role"), role),
    h("div", { class: "row" }, h("button", { class: "primary", type: "submit", id: "add-agent-button" }, "Add")), error);
}

async function tokens(body) {
  const { api_tokens } = await get("/api/v2/api_tokens");
  const description = h("input", { id: "token-description", placeholder: "e.g. CRM sync" });
  const revoke = (t) => () => {
    if (!confirm(`Revoke the token “${t.description}”? Whatever uses it stops working.`)) return;
    del(`/api/v2/api_tokens/${t.id}`).then(() => tokens(body), showError("Could not revoke the token"));
  };
  const create = async (event) => {
    event.preventDefault();
    let answer;
    try { answer = await post("/api/v2/api_tokens", { api_token: { description: description.value || "API token" } }); }
    catch (failure) { showError("Could not create the token")(failure); return; }
    await tokens(body);
    body.append(h("p", { id: "new-token" }, "Copy it now, it is shown once: ", h("code", { class: "secret" }, answer.api_token.token)));
  };
  fill(body, h("table", { class: "tickets" }, h("tbody", {}, api_tokens.map((t) =>
    h("tr", {}, h("td", {}, t.description), h("td", {}, t.token_hint), h("td", {}, formatTime(t.created_at)),
      h("td", {}, t.last_used_at ? "used " + formatTime(t.last_used_at) : "never used"),
      h("td", {}, h("button", { type: "button", class: "danger", onclick: revoke(t), "aria-label": `Revoke ${t.description}` }, "Revoke")))))),
    h("form", { class: "panel", onsubmit: create }, h("h3", {}, "New token"),
      h("div", { class: "row" }, h("label", { for: "token-description" }, "What is it for?"), description,
        h("button", { class: "primary", type: "submit" }, "Create"))));
}
