// Shared by every page: the token, calls to /api/v1, safe DOM building, times.
"use strict";

const TOKEN_KEY = "fieldplan.token";

const fp = {
  token() { return sessionStorage.getItem(TOKEN_KEY); },

  signOut() { sessionStorage.removeItem(TOKEN_KEY); location.href = "/login"; },

  // Calls the API with the bearer token; throws an Error carrying the error shape's message.
  async api(path, options = {}) {
    const headers = { Accept: "application/json", Authorization: `Bearer ${fp.token()}` };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(`/api/v1${path}`, {
      method: options.method || "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    if (response.status === 401 && location.pathname !== "/login") { fp.signOut(); throw new Error("signed out"); }
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const fields = data && data.errors ? Object.values(data.errors).flatMap((f) => Object.entries(f).map(([k, v]) => `${k}: ${[].concat(v).join(", ")}`)) : [];
      const error = new Error([data ? data.message : response.statusText, ...fields].join(" · "));
      error.status = response.status;
      throw error;
    }
    return data;
  },

  // The signed-in user, or a redirect to the sign-in page; sets up the navigation.
  async signedIn(roles) {
    if (!fp.token()) { location.href = "/login"; throw new Error("not signed in"); }
    const me = await fp.api("/me");
    if (roles && !roles.includes(me.role)) {
      location.href = me.role === "engineer" ? "/day" : "/board";
      throw new Error("wrong page for this role");
    }
    const nav = document.getElementById("nav");
    nav.hidden = false;
    for (const link of nav.querySelectorAll("a[data-roles]")) {
      link.hidden = !link.dataset.roles.split(" ").includes(me.role);
    }
    document.getElementById("who").textContent = `${me.name} (${me.role})`;
    document.getElementById("sign-out").addEventListener("click", fp.signOut);
    return me;
  },

  // An element with attributes and children (strings become text, never HTML).
  el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  },

  svg(tag, attrs = {}, ...children) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value !== undefined && value !== null) node.setAttribute(key, value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  },

  // "HH:MM" of an ISO time as written (the region's local time the API answers in).
  hhmm(iso) { return iso ? iso.slice(11, 16) : ""; },

  minutes(iso) { return Date.parse(iso) / 60000; },

  message(text, kind = "info") {
    const box = document.getElementById("message");
    box.textContent = text;
    box.className = `message ${kind}`;
    box.hidden = !text;
  },

  param(name) { return new URLSearchParams(location.search).get(name); },

  today() {
    const now = new Date();
    return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
  },

  sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); },

  // Polls a run until it is done or failed, reporting its progress.
  async watch(path, onProgress) {
    for (;;) {
      const run = await fp.api(path);
      onProgress(run);
      if (run.status === "done" || run.status === "failed") return run;
      await fp.sleep(700);
    }
  },
};
