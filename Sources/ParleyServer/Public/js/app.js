import { get, post, setCSRF, APIError } from "./api.js";
import { h, fill } from "./dom.js";
import { renderView, refreshCounts } from "./views.js";
import { renderTicket, leaveTicket } from "./ticket.js";
import { renderAdmin } from "./admin.js";
import { Live, showError, toast, describeError } from "./live.js";

const root = document.getElementById("root");
export const state = { user: null, live: null, route: null };

async function boot() {
  try {
    const session = await get("/session");
    state.user = session.user;
    setCSRF(session.csrf_token);
    showShell();
  } catch (error) {
    if (error instanceof APIError && error.status === 401) showLogin();
    else fill(root, h("p", { class: "error" }, "Parley could not start: " + error.message));
  }
}

function showLogin(message) {
  const email = h("input", { type: "email", id: "email", name: "email", autocomplete: "username", required: true });
  const password = h("input", { type: "password", id: "password", name: "password", autocomplete: "current-password", required: true });
  const error = h("p", { class: "error", id: "login-error" }, message || "");
  const form = h("form", { class: "login", id: "login-form", onsubmit: async (event) => {
    event.preventDefault();
    try {
      const session = await post("/login", { email: email.value, password: password.value });
      state.user = session.user;
      setCSRF(session.csrf_token);
      showShell();
    } catch (failure) {
      error.textContent = failure.message;
    }
  } },
    h("h1", {}, "Parley"), h("p", {}, "Sign in to answer your customers."),
    h("label", { for: "email" }, "Email"), email, h("label", { for: "password" }, "Password"), password,
    h("button", { class: "primary", type: "submit", id: "sign-in" }, "Sign in"), error);
  fill(root, form);
  email.focus();
}

function showShell() {
  const search = h("input", { type: "search", id: "search", placeholder: "Search tickets…", "aria-label": "Search tickets",
    onkeydown: (event) => { if (event.key === "Enter") location.hash = "#/search/" + encodeURIComponent(search.value); } });
  const bell = h("button", { class: "bell", id: "bell", "aria-label": "Notifications", "aria-expanded": "false", onclick: () => state.live.toggleList(bell) }, "🔔",
    h("span", { class: "badge", id: "bell-count", hidden: true }, "0"));
  const adminLink = state.user.role === "admin" ? h("a", { href: "#/admin/integrations" }, "Admin") : null;
  const header = h("header", { class: "top" }, h("span", { class: "brand" }, "Parley"), search, h("span", { class: "spacer" }),
    adminLink, bell, h("span", { id: "whoami" }, state.user.name),
    h("button", { id: "logout", onclick: () => post("/logout").then(() => { location.hash = ""; location.reload(); },
      showError("Could not sign out")) }, "Sign out"));
  const nav = h("nav", { class: "side", id: "views", "aria-label": "Views" });
  const content = h("section", { class: "content", id: "content" });
  fill(root, h("div", { class: "shell" }, header, nav, content));
  state.live = new Live(state);
  state.live.connect();
  let pending;
  let counting;
  state.live.onEvent((event) => {
    if (!["message.received", "ticket.updated", "comment.created"].includes(event.type)) return;
    clearTimeout(counting);
    counting = setTimeout(() => refreshCounts(document.getElementById("views")).catch(() => {}), 300);  // the next event retries
    if (!(state.route || "").startsWith("#/views") && !(state.route || "").startsWith("#/search")) return;
    clearTimeout(pending);
    pending = setTimeout(route, 250);
  });
  window.addEventListener("hashchange", route);
  // A safety net: a failure nobody caught still tells the agent something went wrong (and stays in the console).
  window.addEventListener("unhandledrejection", (event) => toast("Something went wrong", describeError(event.reason), "error"));
  route();
}

let routeNumber = 0;

export async function route() {
  const hash = location.hash || "#/views/open";
  const content = document.getElementById("content");
  const nav = document.getElementById("views");
  state.route = hash;
  leaveTicket();
  // Answers are slow and agents click fast: whatever arrives after the agent moved on is dropped, not drawn.
  const number = ++routeNumber;
  const current = () => number === routeNumber;
  try {
    await refreshCounts(nav);
    if (!current()) return;
    let match;
    if ((match = hash.match(/^#\/views\/([\w-]+)/))) await renderView(content, match[1], null, current);
    else if ((match = hash.match(/^#\/search\/([^?]*)/))) await renderView(content, null, decodeURIComponent(match[1]), current);
    else if ((match = hash.match(/^#\/tickets\/(\d+)/))) await renderTicket(content, Number(match[1]), state);
    else if ((match = hash.match(/^#\/admin\/?(\w*)/))) await renderAdmin(content, match[1] || "integrations", state, current);
    else location.hash = "#/views/open";
  } catch (error) {
    if (current()) fill(content, h("p", { class: "error" }, error.message));
  }
}

boot();
