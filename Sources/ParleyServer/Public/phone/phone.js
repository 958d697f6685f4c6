// The demo's phone: a simulated WhatsApp user writes to the company through the simulator's control API.
const $ = (id) => document.getElementById(id);
const sent = new Map();
let user = null;

async function call(method, path, body) {
  const response = await fetch(path, { method, headers: { "Content-Type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || data.reason || "failed");
  return data;
}

/// Spreading a whole photo into String.fromCharCode overflows the call stack (RangeError): a chunk at a time.
function base64(bytes) {
  const chunk = 0x8000;
  let binary = "";
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk));
  return btoa(binary);
}

function el(tag, className, text) { const e = document.createElement(tag); if (className) e.className = className; if (text !== undefined) e.textContent = text; return e; }

async function loadUsers(select) {
  const { users } = await call("GET", "/_sim/users");
  const picker = $("user-select");
  picker.replaceChildren(...users.map((u) => { const o = el("option", "", `${u.name} ${u.phone ? "+" + u.phone : "@" + u.username}`); o.value = u.user_id; return o; }));
  if (select) picker.value = select;
  user = picker.value;
  render();
}

async function render() {
  if (!user) return;
  const { messages } = await call("GET", `/_sim/users/${user}/inbox`);
  const mine = [...sent.values()].filter((m) => m.user === user);
  const all = [...messages.map((m) => ({ at: m.at, mine: false, m })), ...mine.map((m) => ({ at: m.at, mine: true, m }))].sort((a, b) => a.at - b.at);
  const chat = $("chat");
  chat.replaceChildren(...all.map(({ mine, m }) => {
    const box = el("div", "msg" + (mine ? " mine" : "") + (m.status === "failed" ? " failed" : ""));
    if (mine && m.forwarded) box.append(el("div", "fwd", "↪ Forwarded"));
    const body = mine ? m.text : (m.message.text?.body || m.message.image?.caption || m.message.document?.filename ||
      (m.type === "template" ? `[template ${m.message.template.name}]` : `[${m.type}]`));
    box.append(el("div", "", body), el("div", "meta", new Date(m.at * 1000).toLocaleTimeString() + (mine ? "" : " · " + m.status + (m.error_code ? " " + m.error_code : ""))));
    return box;
  }));
  chat.scrollTop = chat.scrollHeight;
  const clock = await call("GET", "/_sim/clock");
  $("clock").textContent = "Phone time: " + new Date(clock.now * 1000).toLocaleString();
}

async function send(request, label) {
  const result = await call("POST", `/_sim/users/${user}/messages`, { ...request, forwarded: $("forwarded").checked || undefined });
  sent.set(result.message_id, { user, at: result.timestamp, text: label, forwarded: $("forwarded").checked });
  $("forwarded").checked = false;
  render();
}

$("user-select").addEventListener("change", (e) => { user = e.target.value; render(); });
$("composer").addEventListener("submit", async (e) => {
  e.preventDefault();
  const text = $("message").value.trim();
  if (!text) return;
  $("message").value = "";
  await send({ type: "text", text }, text);
});
$("attach").addEventListener("click", () => $("file").click());
$("file").addEventListener("change", async () => {
  const file = $("file").files[0];
  if (!file) return;
  const data = base64(new Uint8Array(await file.arrayBuffer()));
  const image = file.type === "image/jpeg" || file.type === "image/png";
  await send({ type: image ? "image" : "document", data_base64: data, mime_type: file.type || "application/octet-stream",
    filename: file.name, caption: $("message").value || undefined }, (image ? "📷 " : "📄 ") + file.name);
  $("file").value = "";
});
$("plus-hour").addEventListener("click", async () => { await call("POST", "/_sim/clock/advance", { hours: 1 }); render(); });
$("plus-day").addEventListener("click", async () => { await call("POST", "/_sim/clock/advance", { hours: 24 }); render(); });
$("read-all").addEventListener("click", async () => { await call("POST", `/_sim/users/${user}/read`); render(); });
$("create-user").addEventListener("click", async () => {
  const phone = $("new-phone").value.replace(/\D/g, "");
  const created = await call("POST", "/_sim/users", { name: $("new-name").value || "New user", phone: phone || undefined });
  await loadUsers(created.user_id);
});
loadUsers();
setInterval(render, 1500);
