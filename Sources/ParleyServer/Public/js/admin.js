import { get, post, put, del, APIError } from "./api.js";
import { h, clear, fill, formatTime } from "./dom.js";

const pages = { integrations: "WhatsApp numbers", templates: "Templates", triggers: "Triggers", automations: "Automations",
  macros: "Macros", agents: "Agents", tokens: "API tokens" };

function problems(error) {
  return error instanceof APIError && error.details.length ? error.details.join("\n") : error.message;
}

export async function renderAdmin(content, page, state) {
  if (state.user.role !== "admin" && page !== "macros") {
    fill(content, h("div", { class: "panel", id: "admin-denied" }, h("h2", {}, "Admins only"),
      h("p", {}, "You need to be an admin to open the admin pages.")));
    return;
  }
  const nav = h("p", { class: "row" }, Object.entries(pages).map(([id, title]) =>
    h("a", { href: `#/admin/${id}`, class: id === page ? "active" : "" }, title)).flatMap((link) => [link, " · "]).slice(0, -1));
  const body = h("div", { id: "admin-body" });
  fill(content, h("h2", {}, "Admin: " + (pages[page] || page)), nav, body);
  const render = { integrations, templates, triggers: rules("trigger"), automations: rules("automation"), macros: rules("macro"),
    agents, tokens }[page];
  if (render) await render(body, state);
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
      h("button", { onclick: async () => { await post(`/api/v2/channels/whatsapp/templates/sync?integration_id=${i.id}`); location.hash = "#/admin/templates"; } }, "Sync templates"),
      h("button", { class: "danger", onclick: async () => { if (confirm("Disconnect this number?")) { await del(`/api/v2/channels/whatsapp/integrations/${i.id}`); integrationsAgain(body); } } }, "Disconnect"))));
  const fields = ["name", "phone_number_id", "waba_id", "display_number", "access_token", "app_secret", "verify_token"];
  const inputs = Object.fromEntries(fields.map((f) => [f, h("input", { id: `new-${f}`, type: f.includes("token") || f === "app_secret" ? "password" : "text" })]));
  const error = h("p", { class: "error" });
  fill(body, list, h("div", { class: "panel" }, h("h3", {}, "Connect a number"),
    h("div", { class: "grid2" }, fields.map((f) => [h("label", { for: `new-${f}` }, f.replaceAll("_", " ")), inputs[f]])),
    h("div", { class: "row" }, h("button", { class: "primary", onclick: async () => {
      const integration = Object.fromEntries(fields.filter((f) => inputs[f].value).map((f) => [f, inputs[f].value]));
      try { await post("/api/v2/channels/whatsapp/integrations", { integration }); integrationsAgain(body); }
      catch (failure) { error.textContent = problems(failure); }
    } }, "Connect")), error));
}
const integrationsAgain = (body) => integrations(body);

function toggle(label, value, save) {
  const box = h("input", { type: "checkbox", checked: value });
  box.addEventListener("change", () => save(box.checked).catch((e) => alert(e.message)));
  return h("label", {}, box, label);
}

async function templates(body) {
  const { templates } = await get("/api/v2/channels/whatsapp/templates");
  fill(body, templates.length === 0 ? h("p", {}, "No templates synced yet: use Sync templates on a number.") :
    h("table", { class: "tickets" }, h("thead", {}, h("tr", {}, ["Name", "Language", "Category", "Status", "Body"].map((t) => h("th", {}, t)))),
      h("tbody", {}, templates.map((t) => h("tr", {}, h("td", {}, t.name), h("td", {}, t.language), h("td", {}, t.category),
        h("td", {}, t.status), h("td", {}, t.body))))));
}

function rules(kind) {
  return async function (body) {
    const plural = kind + "s";
    const list = (await get(`/api/v2/${plural}`))[plural];
    const editor = (rule) => {
      const title = h("input", { value: rule?.title || "", "aria-label": "Title" });
      const conditions = h("textarea", { rows: 6, "aria-label": "Conditions (JSON)" }, JSON.stringify(rule?.conditions || { all: [], any: [] }, null, 2));
      const actions = h("textarea", { rows: 5, "aria-label": "Actions (JSON)" }, JSON.stringify(rule?.actions || [{ field: "status", value: "open" }], null, 2));
      const active = h("input", { type: "checkbox", checked: rule ? rule.active : true });
      const error = h("p", { class: "error rule-error" });
      return h("div", { class: "panel rule", dataset: { ruleId: rule?.id || "new" } },
        h("label", {}, "Title"), title,
        kind === "macro" ? "" : [h("label", {}, "Conditions: {\"all\": [{field, operator, value}], \"any\": [...]}"), conditions],
        h("label", {}, "Actions: [{field, value}]"), actions,
        h("div", { class: "row" }, h("label", {}, active, "Active"),
          h("button", { class: "primary", onclick: async () => {
            error.textContent = "";
            try {
              const payload = { title: title.value, active: active.checked, actions: JSON.parse(actions.value) };
              if (kind !== "macro") payload.conditions = JSON.parse(conditions.value);
              if (rule) await put(`/api/v2/${plural}/${rule.id}`, { [kind]: payload });
              else await post(`/api/v2/${plural}`, { [kind]: payload });
              await rules(kind)(body);
            } catch (failure) { error.textContent = failure instanceof SyntaxError ? "Not valid JSON: " + failure.message : problems(failure); }
          } }, rule ? "Save" : "Create"),
          rule ? h("button", { class: "danger", onclick: async () => { await del(`/api/v2/${plural}/${rule.id}`); await rules(kind)(body); } }, "Delete") : ""),
        error);
    };
    fill(body, list.map(editor), h("h3", {}, `New ${kind}`), editor(null));
  };
}

async function agents(body) {
  const { users } = await get("/api/v2/users?role[]=agent&role[]=admin");
  const name = h("input", { placeholder: "Name" }), email = h("input", { placeholder: "Email", type: "email" });
  const role = h("select", {}, h("option", { value: "agent" }, "agent"), h("option", { value: "admin" }, "admin"));
  const error = h("p", { class: "error" });
  fill(body, h("table", { class: "tickets" }, h("tbody", {}, users.map((u) =>
    h("tr", {}, h("td", {}, u.name), h("td", {}, u.email), h("td", {}, u.role), h("td", {}, u.active ? "active" : "deactivated"))))),
    h("div", { class: "panel" }, h("h3", {}, "Add an agent"), h("div", { class: "row" }, name, email, role,
      h("button", { class: "primary", onclick: async () => {
        try { await post("/api/v2/users", { user: { name: name.value, email: email.value, role: role.value } }); await agents(body); }
        catch (failure) { error.textContent = problems(failure); }
      } }, "Add")), error));
}

async function tokens(body) {
  const { api_tokens } = await get("/api/v2/api_tokens");
  const description = h("input", { placeholder: "What is it for?" });
  const shown = h("p", { id: "new-token" });
  fill(body, h("table", { class: "tickets" }, h("tbody", {}, api_tokens.map((t) =>
    h("tr", {}, h("td", {}, t.description), h("td", {}, t.token_hint), h("td", {}, formatTime(t.created_at)),
      h("td", {}, t.last_used_at ? "used " + formatTime(t.last_used_at) : "never used"),
      h("td", {}, h("button", { class: "danger", onclick: async () => { await del(`/api/v2/api_tokens/${t.id}`); await tokens(body); } }, "Revoke")))))),
    h("div", { class: "panel" }, h("h3", {}, "New token"), h("div", { class: "row" }, description,
      h("button", { class: "primary", onclick: async () => {
        const { api_token } = await post("/api/v2/api_tokens", { api_token: { description: description.value || "API token" } });
        await tokens(body);
        body.querySelector("#new-token")?.remove();
        body.append(h("p", { id: "new-token" }, "Copy it now, it is shown once: ", h("code", { class: "secret" }, api_token.token)));
      } }, "Create")), shown));
}
