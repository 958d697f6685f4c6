import { get } from "./api.js";
import { h, fill, formatTime, duration } from "./dom.js";

/// The views with their counts: links beside the content, and on a narrow screen (where the links do not fit) a select.
export async function refreshCounts(nav) {
  const { views } = await get("/api/v2/parley/views");
  const hash = location.hash || "#/views/open";  // read now, not when asked: the agent may have moved on meanwhile
  const selected = views.find((view) => hash.startsWith(`#/views/${view.id}`))?.id;
  const picker = h("select", { id: "views-select", class: "views-select",
    onchange: () => { if (picker.value) location.hash = `#/views/${picker.value}`; } },
    selected ? "" : h("option", { value: "" }, "Choose a view…"),
    views.map((view) => h("option", { value: view.id, selected: view.id === selected }, `${view.title} (${view.count})`)));
  fill(nav, h("h3", {}, "Views"), views.map((view) =>
    h("a", { href: `#/views/${view.id}`, id: `view-${view.id}`, class: view.id === selected ? "active" : "",
      "aria-current": view.id === selected ? "page" : false },
      h("span", {}, view.title), h("span", { class: "count" }, view.count))),
    h("label", { for: "views-select", class: "visually-hidden" }, "View"), picker);
}

function windowBadge(ticket) {
  const whatsapp = ticket.whatsapp;
  if (!whatsapp) return "";
  return whatsapp.window_open
    ? h("span", { class: "pill window-open", title: "WhatsApp reply window" }, "WA " + duration(whatsapp.window_remaining_seconds))
    : h("span", { class: "pill window-closed" }, "WA window closed");
}

/// `current()` is false once the agent went elsewhere: a late answer then draws nothing.
export async function renderView(content, viewID, query, current = () => true) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const sort = params.get("sort") || "-updated_at";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const data = query
    ? await get(`/api/v2/search?query=${encodeURIComponent(query)}&per_page=25&page=${page}`)
    : await get(`/api/v2/parley/views/${viewID}/tickets?per_page=25&page=${page}&sort=${encodeURIComponent(sort)}`);
  if (!current()) return;
  const tickets = data.tickets || data.results || [];
  const title = query ? `Search: ${query}` : (document.getElementById(`view-${viewID}`)?.firstChild?.textContent || viewID);
  // The subject is a real link (keyboard, middle click, screen readers); a click anywhere else on the row opens it too.
  const rows = tickets.map((ticket) => h("tr", { dataset: { ticketId: ticket.id }, class: "ticket-row",
    onclick: (event) => { if (!event.target.closest("a")) location.hash = `#/tickets/${ticket.id}`; } },
    h("td", {}, "#" + ticket.id), h("td", {}, h("span", { class: `pill ${ticket.status}` }, ticket.status)),
    h("td", { class: "subject" }, h("a", { href: `#/tickets/${ticket.id}`, class: "ticket-link" }, ticket.subject || "(no subject)")),
    h("td", {}, ticket.via?.channel || ""), h("td", {}, windowBadge(ticket)), h("td", {}, formatTime(ticket.updated_at))));
  const pageLink = (number) => query ? `#/search/${encodeURIComponent(query)}?page=${number}` : `#/views/${viewID}?sort=${sort}&page=${number}`;
  const sortLink = (label, key) => h("a", { href: `#/views/${viewID}?sort=${sort === "-" + key ? key : "-" + key}` },
    label + (sort === key ? " ↑" : sort === "-" + key ? " ↓" : ""));
  const sorted = (key) => sort === key ? "ascending" : sort === "-" + key ? "descending" : false;
  fill(content,
    h("h2", { id: "view-title" }, title),
    tickets.length === 0 ? h("p", { class: "empty" }, "No tickets here.") :
      h("table", { class: "tickets", id: "ticket-table" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "ID"), h("th", { scope: "col" }, "Status"),
          h("th", { scope: "col", "aria-sort": viewID && sorted("subject") }, viewID ? sortLink("Subject", "subject") : "Subject"),
          h("th", { scope: "col" }, "Channel"), h("th", { scope: "col" }, "Window"),
          h("th", { scope: "col", "aria-sort": viewID && sorted("updated_at") }, viewID ? sortLink("Updated", "updated_at") : "Updated"))),
        h("tbody", {}, rows)),
    data.next_page || data.previous_page ? h("p", { class: "row pager" },
      data.previous_page ? h("a", { href: pageLink(page - 1), id: "previous-page" }, "← Newer") : "",
      ` Page ${page} of ${Math.ceil(data.count / 25)} (${data.count} tickets) `,
      data.next_page ? h("a", { href: pageLink(page + 1), id: "next-page" }, "Older →") : "") : "");
}
