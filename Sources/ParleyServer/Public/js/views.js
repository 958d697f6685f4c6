import { get } from "./api.js";
import { h, clear, fill, formatTime, duration } from "./dom.js";

export async function refreshCounts(nav, hash) {
  const { views } = await get("/api/v2/parley/views");
  fill(nav, h("h3", {}, "Views"), views.map((view) =>
    h("a", { href: `#/views/${view.id}`, id: `view-${view.id}`, class: hash.startsWith(`#/views/${view.id}`) ? "active" : "" },
      h("span", {}, view.title), h("span", { class: "count" }, view.count))));
}

function windowBadge(ticket) {
  const whatsapp = ticket.whatsapp;
  if (!whatsapp) return "";
  return whatsapp.window_open
    ? h("span", { class: "pill window-open", title: "WhatsApp reply window" }, "WA " + duration(whatsapp.window_remaining_seconds))
    : h("span", { class: "pill window-closed" }, "WA window closed");
}

export async function renderView(content, viewID, query) {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const sort = params.get("sort") || "-updated_at";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const data = query
    ? await get(`/api/v2/search?query=${encodeURIComponent(query)}`)
    : await get(`/api/v2/parley/views/${viewID}/tickets?per_page=25&page=${page}&sort=${encodeURIComponent(sort)}`);
  const tickets = data.tickets || data.results || [];
  const title = query ? `Search: ${query}` : (document.getElementById(`view-${viewID}`)?.firstChild?.textContent || viewID);
  const rows = tickets.map((ticket) => h("tr", { dataset: { ticketId: ticket.id }, class: "ticket-row",
    onclick: () => { location.hash = `#/tickets/${ticket.id}`; } },
    h("td", {}, "#" + ticket.id), h("td", {}, h("span", { class: `pill ${ticket.status}` }, ticket.status)),
    h("td", { class: "subject" }, ticket.subject || "(no subject)"), h("td", {}, ticket.via?.channel || ""),
    h("td", {}, windowBadge(ticket)), h("td", {}, formatTime(ticket.updated_at))));
  const sortLink = (label, key) => h("a", { href: `#/views/${viewID}?sort=${sort === "-" + key ? key : "-" + key}` },
    label + (sort === key ? " ↑" : sort === "-" + key ? " ↓" : ""));
  fill(content, 
    h("h2", { id: "view-title" }, title),
    tickets.length === 0 ? h("p", { class: "empty" }, "No tickets here.") :
      h("table", { class: "tickets", id: "ticket-table" },
        h("thead", {}, h("tr", {}, h("th", {}, "ID"), h("th", {}, "Status"), h("th", {}, viewID ? sortLink("Subject", "subject") : "Subject"),
          h("th", {}, "Channel"), h("th", {}, "Window"), h("th", {}, viewID ? sortLink("Updated", "updated_at") : "Updated"))),
        h("tbody", {}, rows)),
    viewID && (data.next_page || data.previous_page) ? h("p", { class: "row pager" },
      data.previous_page ? h("a", { href: `#/views/${viewID}?sort=${sort}&page=${page - 1}`, id: "previous-page" }, "← Newer") : "",
      ` Page ${page} of ${Math.ceil(data.count / 25)} (${data.count} tickets) `,
      data.next_page ? h("a", { href: `#/views/${viewID}?sort=${sort}&page=${page + 1}`, id: "next-page" }, "Older →") : "") : "");
}
