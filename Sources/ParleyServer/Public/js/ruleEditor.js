// The condition/action editor for triggers, automations and macros. It edits Zendesk's JSON as rows
// (one condition or action each) and shows what the server refuses next to the row it names.
import { post, put, del, APIError } from "./api.js";
import { h, fill } from "./dom.js";
import { describeError } from "./live.js";
import { conditionFields, actionFields, operatorLabel, defaultValue, VALUELESS } from "./ruleCatalog.js";

const GROUPS = [["all", "Meet all of these conditions"], ["any", "Meet any of these conditions"]];
const copy = (value) => JSON.parse(JSON.stringify(value ?? null));

export class RuleEditor {
  /// `rule` is the rule as the API returned it, or null for a new one; `onSaved` runs after a save or delete.
  constructor(kind, rule, lookups, onSaved) {
    this.kind = kind;
    this.plural = kind + "s";
    this.id = rule?.id ?? null;
    this.lookups = lookups;
    this.onSaved = onSaved;
    this.prefix = `rule-${this.id ?? "new"}`;
    this.model = {
      title: rule?.title ?? "", description: rule?.description ?? "", active: rule ? rule.active : true,
      position: rule?.position ?? "",
      conditions: { all: copy(rule?.conditions?.all ?? []), any: copy(rule?.conditions?.any ?? []) },
      actions: copy(rule?.actions ?? []),
    };
    this.errors = {};
    this.jsonMode = false;
    this.jsonText = "";
    this.element = h("form", { class: "rule-editor", id: this.prefix, dataset: { ruleId: this.id ?? "new" }, novalidate: true,
      onsubmit: (event) => { event.preventDefault(); this.save(); } });
    this.render();
  }

  get hasConditions() { return this.kind !== "macro"; }

  /// What is posted: Zendesk's rule object. Rows map one to one onto its arrays, so the server's
  /// "actions[2]" is the third action row.
  payload() {
    const m = this.model;
    const rule = { title: m.title, active: m.active, actions: m.actions };
    if (m.description) rule.description = m.description;
    if (m.position !== "" && m.position !== null) rule.position = Number(m.position);
    if (this.hasConditions) rule.conditions = { all: m.conditions.all, any: m.conditions.any };
    return rule;
  }

  render() {
    const focus = this.rememberFocus();
    const known = new Set();
    const field = (key, label, input) => {
      known.add(key);
      return h("div", { class: "rule-field" }, h("label", { for: input.id }, label), input, this.errorText(key, input));
    };
    const m = this.model;
    const title = h("input", { id: `${this.prefix}-title`, class: "rule-title", value: m.title, required: true,
      oninput: () => { m.title = title.value; } });
    const description = h("input", { id: `${this.prefix}-description`, value: m.description,
      oninput: () => { m.description = description.value; } });
    const position = h("input", { id: `${this.prefix}-position`, type: "number", min: "1", value: m.position,
      placeholder: this.id ? "" : "last", oninput: () => { m.position = position.value; } });
    const active = h("input", { type: "checkbox", id: `${this.prefix}-active`, checked: m.active,
      onchange: () => { m.active = active.checked; } });
    const fields = h("div", { class: "rule-fields" },
      field("title", "Title", title), field("description", "Description", description),
      field("position", "Position", position),
      h("div", { class: "rule-field" }, h("label", { for: active.id, class: "inline" }, active, " Active"), this.errorText("active", active)));
    known.add("active");
    const rows = this.jsonMode ? this.jsonView() : [
      this.hasConditions ? GROUPS.map(([group, legend]) => this.conditionGroup(group, legend, known)) : "",
      this.actionGroup(known)];
    // What names no row or field (or a row the JSON view hides) goes on top of the form.
    const leftovers = Object.entries(this.errors).filter(([key]) => !known.has(key)).flatMap(([, messages]) => messages);
    fill(this.element,
      h("p", { class: "error form-error", role: "alert", id: `${this.prefix}-errors` }, leftovers.join("\n")),
      fields, rows,
      h("div", { class: "row" },
        h("button", { class: "primary", type: "submit", id: `${this.prefix}-save` }, this.id ? "Save" : "Create"),
        h("button", { type: "button", id: `${this.prefix}-json`, "aria-pressed": String(this.jsonMode),
          onclick: () => this.toggleJSON() }, this.jsonMode ? "Edit as rows" : "Edit as JSON"),
        this.id ? h("button", { type: "button", class: "danger", id: `${this.prefix}-delete`, onclick: () => this.remove() }, "Delete") : ""));
    this.restoreFocus(focus);
  }

  conditionGroup(group, legend, known) {
    const key = `conditions.${group}`;
    known.add(key);
    const list = this.model.conditions[group];
    return h("fieldset", { class: "rule-group conditions", dataset: { group } }, h("legend", {}, legend),
      this.errorText(key),
      list.length ? h("ol", { class: "rule-rows" }, list.map((row, index) => this.conditionRow(group, row, index, known)))
        : h("p", { class: "meta" }, group === "all" ? "No conditions: every ticket." : "None."),
      h("button", { type: "button", class: "add-row", id: `${this.prefix}-add-${group}`, onclick: () => {
        const first = conditionFields(this.kind)[0];
        list.push({ field: first.id, operator: first.ops[0], value: defaultValue(first.value(this.lookups)) });
        this.rowsChanged(`${this.prefix}-${group}-${list.length - 1}-field`);
      } }, "Add condition"));
  }

  actionGroup(known) {
    known.add("actions");
    const list = this.model.actions;
    return h("fieldset", { class: "rule-group actions" }, h("legend", {}, "Actions"),
      this.errorText("actions"),
      list.length ? h("ol", { class: "rule-rows" }, list.map((row, index) => this.actionRow(row, index, known)))
        : h("p", { class: "meta" }, "No actions yet."),
      h("button", { type: "button", class: "add-row", id: `${this.prefix}-add-action`, onclick: () => {
        const first = actionFields(this.kind)[0];
        list.push({ field: first.id, value: defaultValue(first.value(this.lookups)) });
        this.rowsChanged(`${this.prefix}-action-${list.length - 1}-field`);
      } }, "Add action"));
  }

  conditionRow(group, row, index, known) {
    const key = `conditions.${group}[${index}]`;
    known.add(key);
    const id = `${this.prefix}-${group}-${index}`;
    const fields = conditionFields(this.kind);
    const spec = fields.find((f) => f.id === row.field);
    const fieldSelect = this.select(`${id}-field`, `Condition ${index + 1} field`, withCurrent(fields.map((f) => [f.id, f.label]), row.field),
      row.field, (value) => {
        const chosen = fields.find((f) => f.id === value);
        Object.assign(row, { field: value, operator: chosen.ops[0], value: defaultValue(chosen.value(this.lookups)) });
        this.render();
      });
    const operators = withCurrent((spec?.ops ?? []).map((op) => [op, operatorLabel(row.field, op)]), row.operator);
    const operatorSelect = this.select(`${id}-operator`, `Condition ${index + 1} operator`, operators, row.operator, (value) => {
      row.operator = value;
      if (VALUELESS.has(value)) row.value = null;
      else if (row.value === null && spec) row.value = defaultValue(spec.value(this.lookups));
      this.render();
    });
    const value = VALUELESS.has(row.operator) ? h("span", { class: "rule-value" })
      : this.valueInput(`${id}-value`, `Condition ${index + 1} value`, spec ? spec.value(this.lookups) : { type: "json" }, row);
    return this.rowElement("condition-row", key, id, { group, index }, [fieldSelect, operatorSelect, value],
      `Remove condition ${index + 1}`, () => this.model.conditions[group].splice(index, 1));
  }

  actionRow(row, index, known) {
    const key = `actions[${index}]`;
    known.add(key);
    const id = `${this.prefix}-action-${index}`;
    const fields = actionFields(this.kind);
    const spec = fields.find((f) => f.id === row.field);
    const fieldSelect = this.select(`${id}-field`, `Action ${index + 1}`, withCurrent(fields.map((f) => [f.id, f.label]), row.field),
      row.field, (value) => {
        const chosen = fields.find((f) => f.id === value);
        Object.assign(row, { field: value, value: defaultValue(chosen.value(this.lookups)) });
        this.render();
      });
    const value = this.valueInput(`${id}-value`, `Action ${index + 1} value`, spec ? spec.value(this.lookups) : { type: "json" }, row);
    return this.rowElement("action-row", key, id, { index }, [fieldSelect, value],
      `Remove action ${index + 1}`, () => this.model.actions.splice(index, 1));
  }

  rowElement(className, key, id, data, inputs, removeLabel, remove) {
    const problems = this.errors[key];
    return h("li", { class: `rule-row ${className}${problems ? " invalid" : ""}`, id, dataset: data },
      h("div", { class: "rule-inputs" }, inputs,
        h("button", { type: "button", class: "remove-row", "aria-label": removeLabel, title: removeLabel,
          onclick: () => { remove(); this.rowsChanged(null); } }, "Remove")),
      problems ? h("p", { class: "error row-error", id: `${id}-error`, role: "alert" }, problems.join("\n")) : "");
  }

  select(id, label, options, current, change) {
    const element = h("select", { id, "aria-label": label, onchange: () => change(element.value) },
      options.map(([value, text]) => h("option", { value, selected: String(value) === String(current ?? "") }, text)));
    return element;
  }

  /// The input for a row's value, suited to its field; it writes straight into the row.
  valueInput(id, label, spec, row) {
    const shown = displayed(row.value);
    switch (spec.type) {
      case "select": {
        const element = this.select(id, label, withCurrent(spec.options, shown), shown, (value) => { row.value = value; });
        element.classList.add("rule-value");
        return element;
      }
      case "number": {
        const input = h("input", { id, type: "number", step: "any", class: "rule-value", "aria-label": `${label} (${spec.hint})`,
          value: shown, oninput: () => { row.value = input.value === "" ? "" : Number(input.value); } });
        return h("span", { class: "rule-value with-unit" }, input, h("span", { class: "meta" }, spec.hint));
      }
      case "longtext": {
        const input = h("textarea", { id, class: "rule-value", rows: 2, "aria-label": label, title: spec.hint,
          oninput: () => { row.value = input.value; } });
        input.value = shown;
        return input;
      }
      case "webhook": return this.webhookInputs(id, label, spec, row);
      case "template": return this.templateInputs(id, label, row);
      case "json": {
        // A field this editor does not know (made through the API): its value is kept as JSON.
        const input = h("input", { id, class: "rule-value", "aria-label": `${label} (JSON)`, value: JSON.stringify(row.value ?? null),
          oninput: () => { try { row.value = JSON.parse(input.value); } catch { row.value = input.value; } } });
        return input;
      }
      default: {
        const input = h("input", { id, class: "rule-value", "aria-label": label, placeholder: spec.hint, value: shown,
          oninput: () => { row.value = input.value; } });
        return input;
      }
    }
  }

  /// Zendesk's notification_webhook value: [webhook id, body].
  webhookInputs(id, label, spec, row) {
    const value = Array.isArray(row.value) ? row.value : [displayed(row.value), ""];
    row.value = value;
    const target = spec.webhooks.length
      ? this.select(`${id}-webhook`, `${label}: webhook`, withCurrent(spec.webhooks.map((w) => [String(w.id), w.name]), String(value[0] ?? "")),
        value[0], (chosen) => { value[0] = chosen; })
      : h("input", { id: `${id}-webhook`, "aria-label": `${label}: webhook id`, placeholder: "webhook id", value: value[0] ?? "",
        oninput: (event) => { value[0] = event.target.value; } });
    const body = h("textarea", { id: `${id}-body`, rows: 2, "aria-label": `${label}: body`, placeholder: "body (JSON, placeholders work)",
      oninput: () => { value[1] = body.value; } });
    body.value = displayed(value[1]);
    return h("span", { class: "rule-value composite" }, target, body);
  }

  /// The whatsapp_template value: {name, language, parameters}.
  templateInputs(id, label, row) {
    const value = row.value && typeof row.value === "object" && !Array.isArray(row.value) ? row.value : { name: "", language: "en_US", parameters: [] };
    row.value = value;
    const input = (key, text, hint) => h("input", { id: `${id}-${key}`, "aria-label": `${label}: ${text}`, placeholder: hint,
      value: displayed(value[key]), oninput: (event) => { value[key] = event.target.value; } });
    const parameters = h("textarea", { id: `${id}-parameters`, rows: 2, "aria-label": `${label}: parameters, one per line`,
      placeholder: "parameters, one per line", oninput: () => { value.parameters = parameters.value.split("\n").filter((p) => p !== ""); } });
    parameters.value = (value.parameters || []).join("\n");
    return h("span", { class: "rule-value composite" }, input("name", "template name", "template name"),
      input("language", "language", "language, e.g. en_US"), parameters);
  }

  errorText(key, input) {
    const problems = this.errors[key];
    if (!problems) return "";
    const id = `${this.prefix}-${key.replace(/[^\w-]/g, "_")}-error`;
    if (input) { input.setAttribute("aria-invalid", "true"); input.setAttribute("aria-describedby", id); }
    return h("p", { class: "error field-error", id, role: "alert" }, problems.join("\n"));
  }

  /// Rows came or went: old errors would now point at the wrong rows.
  rowsChanged(focusID) {
    this.errors = {};
    this.render();
    const target = focusID && document.getElementById(focusID);
    if (target) target.focus();
  }

  toggleJSON() {
    if (this.jsonMode && !this.readJSON()) return;
    this.jsonMode = !this.jsonMode;
    if (this.jsonMode) this.jsonText = JSON.stringify(this.payload(), null, 2);
    this.render();
  }

  jsonView() {
    const area = h("textarea", { id: `${this.prefix}-json-text`, class: "rule-json", rows: 14, spellcheck: "false",
      oninput: () => { this.jsonText = area.value; } });
    area.value = this.jsonText;
    return h("div", { class: "rule-field" }, h("label", { for: area.id }, `The ${this.kind} as Zendesk JSON`), area);
  }

  /// Takes the JSON view's text into the rows; false (with the reason shown) when it is not a rule.
  readJSON() {
    let rule;
    try {
      rule = JSON.parse(this.jsonText);
      if (!rule || typeof rule !== "object" || Array.isArray(rule)) throw new SyntaxError("expected an object");
    } catch (failure) {
      this.errors = { json: [`Not valid JSON: ${failure.message}`] };
      this.render();
      return false;
    }
    const m = this.model;
    m.title = String(rule.title ?? "");
    m.description = String(rule.description ?? "");
    m.active = rule.active !== false;
    m.position = rule.position ?? "";
    m.conditions = { all: Array.isArray(rule.conditions?.all) ? rule.conditions.all : [],
      any: Array.isArray(rule.conditions?.any) ? rule.conditions.any : [] };
    m.actions = Array.isArray(rule.actions) ? rule.actions : [];
    this.errors = {};
    return true;
  }

  async save() {
    if (this.jsonMode) {
      if (!this.readJSON()) return;
      this.jsonMode = false;  // errors are shown on the rows they name
    }
    this.errors = {};
    this.render();
    const body = { [this.kind]: this.payload() };
    try {
      const answer = this.id ? await put(`/api/v2/${this.plural}/${this.id}`, body) : await post(`/api/v2/${this.plural}`, body);
      await this.onSaved(answer[this.kind], this.id ? "saved" : "created");
    } catch (failure) {
      this.errors = serverErrors(failure);
      this.render();
      const first = this.element.querySelector(".row-error, .field-error, .form-error:not(:empty)");
      first?.scrollIntoView({ block: "nearest" });
    }
  }

  async remove() {
    if (!confirm(`Delete the ${this.kind} “${this.model.title}”?`)) return;
    try {
      await del(`/api/v2/${this.plural}/${this.id}`);
      await this.onSaved(null, "deleted");
    } catch (failure) {
      this.errors = serverErrors(failure);
      this.render();
    }
  }

  rememberFocus() {
    const element = document.activeElement;
    return element && element.id && this.element.contains(element) ? element.id : null;
  }

  restoreFocus(id) {
    const element = id && document.getElementById(id);
    if (element && this.element.contains(element)) element.focus({ preventScroll: true });
  }
}

/// The 422's details by the key the server names ("actions[1]", "conditions.all[0]", "title"...); anything else
/// (a network failure, a 403) under "form".
function serverErrors(failure) {
  const details = failure instanceof APIError ? failure.body?.details : null;
  if (!details || typeof details !== "object") return { form: [describeError(failure)] };
  return Object.fromEntries(Object.entries(details).map(([key, list]) =>
    [key, (Array.isArray(list) ? list : [list]).map((d) => d?.description || String(d))]));
}

/// Options with the row's current value added when it is not among them (a rule made through the API keeps it).
function withCurrent(options, current) {
  const value = current === null || current === undefined ? "" : String(current);
  return options.some(([v]) => String(v) === value) ? options : [...options, [value, value === "" ? "(none)" : `${value} (current)`]];
}

/// A JSON value as an input shows it; Zendesk's ["channel:all", "text"] comment shows its text.
function displayed(value) {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.length ? displayed(value[value.length - 1]) : "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
