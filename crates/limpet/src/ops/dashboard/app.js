// limpet dashboard: reads the API every few seconds and renders problems first.
// Everything is built with DOM calls and textContent (never innerHTML), so names and
// rules from the configuration cannot inject markup.
"use strict";

const API = "../api/";
const REFRESH_MS = 3000;
// The API pages lists by 100 (Traefik's default); the dashboard wants everything.
const ALL = "?per_page=100000";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const badge = (text, cls) => el("span", { class: "badge " + (cls || text).toLowerCase() }, text);

async function load(path) {
  const response = await fetch(API + path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + ": " + response.status);
  return response.json();
}

function fill(id, ...nodes) {
  const target = document.querySelector("#" + id + " .body") || document.getElementById(id);
  target.replaceChildren(...nodes);
}

function overview(data, down) {
  const http = data.http;
  const stat = (label, counts, extra) => {
    const bad = counts.errors > 0 || (extra || 0) > 0;
    return el("div", { class: "stat" + (bad ? " bad" : "") },
      el("b", {}, counts.total), label,
      el("div", { class: "muted" }, counts.errors + " disabled · " + counts.warnings + " warnings"),
      extra ? el("div", { class: "down badge" }, extra + " server(s) DOWN") : null);
  };
  fill("overview",
    stat("routers", http.routers), stat("services", http.services, down),
    stat("middlewares", http.middlewares),
    el("div", { class: "stat" }, el("b", {}, data.features.metrics || "off"), "metrics",
      el("div", { class: "muted" }, "access log " + (data.features.accessLog ? "on" : "off"))));
}

function problems(findings, routers, services, states) {
  const cards = [];
  for (const state of states) {
    for (const server of state.servers) {
      if (server.status === "DOWN") {
        cards.push(el("div", { class: "card bad" },
          el("h3", {}, badge("DOWN"), "server ", el("code", {}, server.url)),
          el("div", { class: "muted" }, "in service " + state.name +
            (state.stickyCookie ? " — its sessions are re-pinned to healthy servers" : ""))));
      }
    }
  }
  for (const f of findings) {
    cards.push(el("div", { class: "card " + (f.severity === "error" ? "bad" : "warn") },
      el("h3", {}, f.code ? badge(f.code, "code") : null, badge(f.severity), f.message),
      el("div", { class: "muted" }, f.kind + " " + f.name + (f.element ? " · " + f.element : "")),
      f.fix ? el("div", {}, el("b", {}, "Fix"), el("pre", { class: "fix" }, f.fix)) : null));
  }
  if (cards.length === 0) cards.push(el("p", { class: "empty" }, "No problems."));
  fill("problems", ...cards);
}

function routersTable(routers) {
  const order = { disabled: 0, warning: 1, enabled: 2 };
  routers.sort((a, b) => order[a.status] - order[b.status] || a.name.localeCompare(b.name));
  const rows = routers.map((r) => el("tr", {},
    el("td", {}, badge(r.status)),
    el("td", {}, el("code", {}, r.name)),
    el("td", {}, el("code", {}, r.rule),
      r.error ? el("ul", { class: "errors" }, r.error.map((e) => el("li", {}, e))) : null),
    el("td", {}, (r.using || r.entryPoints || []).join(", ")),
    el("td", {}, el("code", {}, r.service))));
  fill("routers", el("div", { class: "scroll" }, el("table", {},
    el("thead", {}, el("tr", {}, ["Status", "Name", "Rule", "Entrypoints", "Service"].map((h) => el("th", {}, h)))),
    el("tbody", {}, rows))));
}

function serverRow(server, maxPinned, sticky) {
  const share = maxPinned > 0 ? Math.round((100 * server.pinnedSessions) / maxPinned) : 0;
  return el("li", {},
    badge(server.status),
    server.draining ? badge(server.drained ? "drained" : "draining", "draining") : null,
    el("code", {}, server.url),
    server.id ? el("span", { class: "muted" }, "id " + server.id) : null,
    sticky ? el("span", { class: "bar", title: server.pinnedSessions + " pinned" },
      el("span", { style: "width:" + share + "%" })) : null,
    sticky ? el("span", { class: "muted" }, server.pinnedSessions + " pinned") : null,
    server.sessionsSeen !== null && server.sessionsSeen !== undefined
      ? el("span", { class: "muted" }, server.sessionsSeen + " sessions still seen") : null,
    server.drained ? el("span", { class: "muted" }, "drained at " + server.drained) : null);
}

function servicesCards(services, states) {
  const byName = new Map(states.map((s) => [s.name, s]));
  // Problems first, the services limpet answers itself last.
  const rank = (svc) => {
    const state = byName.get(svc.name);
    const down = state && state.servers.some((s) => s.status === "DOWN");
    return svc.status === "disabled" || down ? 0 : svc.status === "warning" ? 1 : svc.provider === "internal" ? 3 : 2;
  };
  services.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  const cards = services.map((svc) => {
    const state = byName.get(svc.name);
    const down = state ? state.servers.some((s) => s.status === "DOWN") : false;
    const cls = svc.status === "disabled" || down ? "card bad" : svc.status === "warning" ? "card warn" : "card";
    const sticky = state && state.stickyCookie;
    const maxPinned = state ? Math.max(0, ...state.servers.map((s) => s.pinnedSessions)) : 0;
    const outcomes = state ? Object.entries(state.outcomes).filter(([, n]) => n > 0) : [];
    return el("div", { class: cls },
      el("h3", {}, badge(svc.status), svc.name, " ", el("span", { class: "muted" }, svc.type || "internal")),
      svc.error ? el("ul", { class: "errors" }, svc.error.map((e) => el("li", {}, e))) : null,
      sticky ? el("div", {}, "sticky cookie ", el("code", {}, state.stickyCookie)) : null,
      outcomes.length ? el("div", { class: "outcomes" }, outcomes.map(([o, n]) => badge(o + " " + n, "info"))) : null,
      state && state.servers.length ? el("ul", { class: "servers" }, state.servers.map((s) => serverRow(s, maxPinned, sticky))) : null,
      svc.usedBy ? el("div", { class: "muted" }, "used by " + svc.usedBy.join(", ")) : null);
  });
  fill("services", ...cards);
}

function decisionsTable(decisions) {
  if (decisions.length === 0) return fill("decisions", el("p", { class: "empty" }, "No re-pins or new pins yet."));
  const rows = decisions.map((d) => el("tr", {},
    el("td", {}, d.at.replace("T", " ").replace(/\.\d+Z$/, "Z")),
    el("td", {}, badge(d.outcome, d.outcome === "new" || d.outcome === "hit" ? "info" : "warning")),
    el("td", {}, el("code", {}, d.service)), el("td", {}, el("code", {}, d.server)), el("td", {}, d.client)));
  fill("decisions", el("div", { class: "scroll" }, el("table", {},
    el("thead", {}, el("tr", {}, ["When", "Outcome", "Service", "Server", "Client"].map((h) => el("th", {}, h)))),
    el("tbody", {}, rows))));
}

function middlewaresTable(middlewares) {
  if (middlewares.length === 0) return fill("middlewares", el("p", { class: "empty" }, "None."));
  const rows = middlewares.map((m) => el("tr", {},
    el("td", {}, badge(m.status)), el("td", {}, el("code", {}, m.name)), el("td", {}, m.type),
    el("td", {}, (m.usedBy || []).join(", "),
      m.error ? el("ul", { class: "errors" }, m.error.map((e) => el("li", {}, e))) : null)));
  fill("middlewares", el("div", { class: "scroll" }, el("table", {},
    el("thead", {}, el("tr", {}, ["Status", "Name", "Type", "Used by"].map((h) => el("th", {}, h)))),
    el("tbody", {}, rows))));
}

async function refresh() {
  try {
    const [ov, routers, services, middlewares, states, findings, decisions] = await Promise.all([
      load("overview"), load("http/routers" + ALL), load("http/services" + ALL),
      load("http/middlewares" + ALL),
      load("limpet/services"), load("limpet/findings"), load("limpet/decisions"),
    ]);
    const down = states.reduce((n, s) => n + s.servers.filter((x) => x.status === "DOWN").length, 0);
    overview(ov, down);
    problems(findings, routers, services, states);
    routersTable(routers);
    servicesCards(services, states);
    decisionsTable(decisions);
    middlewaresTable(middlewares);
    document.getElementById("refreshed").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (error) {
    document.getElementById("refreshed").textContent = "cannot reach the API: " + error.message;
  }
}

refresh();
setInterval(refresh, REFRESH_MS);
