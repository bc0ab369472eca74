/*! Kataven widget v1. Plain JavaScript, no build step, no dependencies.
 *
 *   <script src="https://YOUR-HUB/widget/v1.js"></script>
 *   <script>
 *     Kataven.init({ publicKey: "pk_live_…", agentId: "agent_…" });          // guests
 *     Kataven.init({ publicKey: "pk_live_…", userToken: "<from your backend>" }); // signed in
 *   </script>
 *
 * Options: publicKey (required), agentId, userToken, apiBase (default: where this script was
 * loaded from), onSession(session), onError({code, message}). `init` returns the widget (or a
 * promise of it when called before <body> exists); calling it again replaces the widget.
 * The page gets `kataven:session` and `kataven:error` events on the widget element
 * (#kataven-widget), and `Kataven.getSession()` returns the live session: its `token` is the
 * JWT the call runtime takes. The widget renders a launcher in the account's colours, signs the
 * visitor in (guest on first open, or at once with a userToken), shows the agent's greeting and
 * privacy notice, and refreshes the session a minute before it expires.
 */
(function () {
  "use strict";
  if (window.Kataven && window.Kataven.version) return;

  var script = document.currentScript;
  var scriptBase = script && script.src ? script.src.replace(/\/widget\/v1\.js(?:[?#].*)?$/, "") : "";
  var REFRESH_MARGIN_MS = 60 * 1000;
  var RETRY_MS = 15 * 1000;
  var COLOR = /^#[0-9a-f]{6}$/i;
  var MESSAGES = {
    origin_not_allowed: "This website is not allowed to use this widget.",
    client_key_disabled: "This widget has been disabled.",
    invalid_client_key: "This widget is not set up correctly (unknown key).",
    widget_disabled: "The assistant is disabled on this site.",
    agent_unavailable: "The assistant is not available right now.",
    agent_required: "No assistant is configured for this widget.",
    not_found: "The assistant could not be found.",
    sign_in_required: "Please sign in to talk to us.",
    session_ended: "Your session has ended. Please reload the page.",
    network: "The assistant could not be reached. Please try again later.",
    voice_not_connected: "Voice is not connected yet: this assistant has no call runtime. " +
      "Site owner: set KATAVEN_CALL_PROCESSOR_STREAM_URL on your Kataven Hub (see its README)."
  };
  var POSITIONS = {
    br: { v: "bottom", h: "right" }, bl: { v: "bottom", h: "left" },
    tr: { v: "top", h: "right" }, tl: { v: "top", h: "left" }
  };
  var current = null;

  function WidgetError(code, message, status) {
    this.code = code;
    this.message = message || MESSAGES[code] || "Something went wrong.";
    this.status = status || 0;
  }

  function textColor(hex) {
    var n = parseInt(hex.slice(1), 16);
    var lum = 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
    return lum > 160 ? "#111827" : "#ffffff";
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function Widget(options) {
    if (!options || typeof options.publicKey !== "string" || !options.publicKey) {
      throw new Error("Kataven.init: publicKey is required");
    }
    this.options = options;
    this.base = String(options.apiBase || scriptBase || window.location.origin).replace(/\/+$/, "");
    this.session = null;
    this.config = null;
    this.timer = null;
    this.pending = null;
    this.userToken = options.userToken || null;
    this._mount();
    this.ready = this._start();
  }

  Widget.prototype._mount = function () {
    var host = document.getElementById("kataven-widget") || el("div");
    host.id = "kataven-widget";
    host.setAttribute("data-state", "loading");
    host.setAttribute("data-session", "none");
    var root = host.shadowRoot || host.attachShadow({ mode: "open" });
    root.innerHTML = "";
    var style = el("style");
    style.textContent = [
      ":host{all:initial}",
      ".kv{position:fixed;z-index:2147483000;font:14px/1.4 system-ui,-apple-system,'Segoe UI',sans-serif;display:flex;gap:10px;align-items:flex-end}",
      ".kv-launcher{border:0;border-radius:999px;padding:12px 18px;font:600 14px system-ui,sans-serif;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.2)}",
      ".kv-launcher:focus-visible,.kv-close:focus-visible{outline:3px solid #93c5fd;outline-offset:2px}",
      ".kv-panel{width:320px;max-width:calc(100vw - 40px);background:#fff;color:#111827;border-radius:12px;box-shadow:0 10px 30px rgba(0,0,0,.25);overflow:hidden}",
      ".kv-head{display:flex;align-items:center;gap:8px;padding:12px 14px;font-weight:600}",
      ".kv-head img{width:24px;height:24px;object-fit:contain}",
      ".kv-head span{flex:1}",
      ".kv-close{background:transparent;border:0;color:inherit;font-size:18px;cursor:pointer}",
      ".kv-body{padding:14px}",
      ".kv-greeting{margin:0 0 10px}",
      ".kv-status{margin:0;color:#374151;font-size:13px}",
      ".kv-privacy{margin:10px 0 0;color:#6b7280;font-size:12px}",
      ".kv-notice{background:#fff;color:#991b1b;border:1px solid #fecaca;border-radius:10px;padding:10px 14px;max-width:320px;box-shadow:0 4px 14px rgba(0,0,0,.15)}",
      "[hidden]{display:none!important}"
    ].join("\n");
    var wrap = el("div", "kv");
    var panel = el("div", "kv-panel");
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    var head = el("div", "kv-head");
    var logo = el("img");
    logo.alt = "";
    logo.hidden = true;
    var title = el("span", "kv-title");
    var close = el("button", "kv-close", "\u00d7");
    close.type = "button";
    close.setAttribute("aria-label", "Close");
    head.append(logo, title, close);
    var body = el("div", "kv-body");
    var greeting = el("p", "kv-greeting");
    var status = el("p", "kv-status");
    status.setAttribute("role", "status");
    var privacy = el("p", "kv-privacy");
    privacy.hidden = true;
    body.append(greeting, status, privacy);
    panel.append(head, body);
    var launcher = el("button", "kv-launcher");
    launcher.type = "button";
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    var notice = el("div", "kv-notice");
    notice.setAttribute("role", "alert");
    notice.hidden = true;
    wrap.append(panel, launcher, notice);
    root.append(style, wrap);
    if (!host.isConnected) document.body.appendChild(host);
    var self = this;
    launcher.addEventListener("click", function () { panel.hidden ? self.open() : self.close(); });
    close.addEventListener("click", function () { self.close(); });
    this.ui = { host: host, wrap: wrap, panel: panel, head: head, logo: logo, title: title,
      greeting: greeting, status: status, privacy: privacy, launcher: launcher, notice: notice };
    this._place("br");
  };

  Widget.prototype._place = function (position) {
    var p = POSITIONS[position] || POSITIONS.br;
    var s = this.ui.wrap.style;
    s.top = s.bottom = s.left = s.right = "";
    s[p.v] = "20px";
    s[p.h] = "20px";
    s.flexDirection = p.v === "bottom" ? "column" : "column-reverse";
    s.alignItems = p.h === "right" ? "flex-end" : "flex-start";
  };

  Widget.prototype._api = function (method, path, body) {
    var url = this.base + path + (path.indexOf("?") < 0 ? "?" : "&") +
      "client_key=" + encodeURIComponent(this.options.publicKey);
    var init = { method: method, headers: { Accept: "application/json" }, credentials: "omit",
      mode: "cors", cache: "no-store" };
    if (body) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    var self = this;
    return fetch(url, init).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (res.ok) return data;
        var code = data && data.code ? data.code : "error";
        var detail = data && data.detail ? data.detail : text;
        throw new WidgetError(code, MESSAGES[code] || detail, res.status);
      });
    }, function () {
      // No readable answer: CORS is answered only for allowed origins, so if the hub itself is
      // reachable (this public script is readable from anywhere), the origin was refused.
      return self._reachable().then(function (up) {
        throw new WidgetError(up ? "origin_not_allowed" : "network");
      });
    });
  };

  Widget.prototype._reachable = function () {
    return fetch(this.base + "/widget/v1.js", { method: "HEAD", cache: "no-store", credentials: "omit" })
      .then(function (res) { return res.ok; }, function () { return false; });
  };

  Widget.prototype._start = function () {
    var self = this;
    var path = "/api/v1/widget/config" +
      (this.options.agentId ? "?agent_id=" + encodeURIComponent(this.options.agentId) : "");
    return this._api("GET", path).then(function (config) {
      self.config = config;
      self._brand(config);
      if (!config.widget_enabled) {
        self._refuse(new WidgetError(config.unavailable_reason || "widget_disabled"), "disabled");
        return;
      }
      self.ui.host.setAttribute("data-state", "ready");
      if (self.userToken) return self.ensureSession().catch(function () {});
    }).catch(function (err) {
      if (!(err instanceof WidgetError)) err = new WidgetError("error", String(err));
      var disabled = ["client_key_disabled", "widget_disabled", "agent_unavailable", "agent_required"];
      var state = err.code === "origin_not_allowed" || err.code === "invalid_client_key" ? "refused"
        : disabled.indexOf(err.code) >= 0 ? "disabled" : "error";
      self._refuse(err, state);
    });
  };

  Widget.prototype._brand = function (config) {
    var b = config.branding || {};
    var primary = COLOR.test(b.primary_color || "") ? b.primary_color : "#2563eb";
    var accent = COLOR.test(b.accent_color || "") ? b.accent_color : "#1e40af";
    var ui = this.ui;
    ui.launcher.textContent = b.launcher_label || "Talk to us";
    ui.launcher.style.background = primary;
    ui.launcher.style.color = textColor(primary);
    ui.head.style.background = accent;
    ui.head.style.color = textColor(accent);
    this._place(b.launcher_position);
    if (b.logo_url && /^https:\/\//i.test(b.logo_url)) {
      ui.logo.src = b.logo_url;
      ui.logo.hidden = false;
    }
    if (b.privacy_notice) {
      ui.privacy.textContent = b.privacy_notice;
      ui.privacy.hidden = false;
    }
    ui.title.textContent = config.agent ? config.agent.name : "";
    ui.greeting.textContent = config.agent ? config.agent.greeting : "";
    ui.launcher.hidden = false;
  };

  Widget.prototype._refuse = function (err, state) {
    var ui = this.ui;
    ui.host.setAttribute("data-state", state);
    ui.host.setAttribute("data-error", err.code);
    ui.launcher.hidden = true;
    ui.panel.hidden = true;
    ui.notice.textContent = err.message;
    ui.notice.hidden = false;
    this._emit("kataven:error", { code: err.code, message: err.message });
    if (window.console) console.warn("[Kataven] " + err.code + ": " + err.message);
  };

  Widget.prototype._emit = function (name, detail) {
    this.ui.host.dispatchEvent(new CustomEvent(name, { detail: detail, bubbles: true, composed: true }));
    var hook = name === "kataven:session" ? this.options.onSession : this.options.onError;
    if (typeof hook === "function") {
      try { hook(detail); } catch (e) { if (window.console) console.error(e); }
    }
  };

  Widget.prototype.open = function () {
    if (!this.config || !this.config.widget_enabled) return;
    this.ui.panel.hidden = false;
    this.ui.launcher.setAttribute("aria-expanded", "true");
    this.ensureSession().catch(function () {});
  };

  Widget.prototype.close = function () {
    this.ui.panel.hidden = true;
    this.ui.launcher.setAttribute("aria-expanded", "false");
  };

  // One session at a time: the userToken when given (it lives 5 minutes, so at init), else a
  // guest session when the agent admits guests.
  Widget.prototype.ensureSession = function () {
    var self = this;
    if (this.session && this.session.expiresAt - Date.now() > 5000) return Promise.resolve(this.session);
    if (this.pending) return this.pending;
    var modes = (this.config && this.config.auth_modes) || [];
    var call;
    if (this.userToken && modes.indexOf("user") >= 0) {
      var token = this.userToken;
      this.userToken = null;
      call = this._api("POST", "/api/v1/widget/auth/exchange",
        { user_token: token, agent_id: this.options.agentId || null });
    } else if (modes.indexOf("guest") >= 0) {
      call = this._api("POST", "/api/v1/widget/auth/guest", { agent_id: this.options.agentId || null });
    } else {
      var err = new WidgetError(this.session ? "session_ended" : "sign_in_required");
      this._status(err.message);
      return Promise.reject(err);
    }
    this._status("Connecting\u2026");
    this.pending = call.then(function (data) {
      self.pending = null;
      self._accept(data);
      return self.session;
    }, function (err) {
      self.pending = null;
      self._status(err.message || MESSAGES.network);
      self._emit("kataven:error", { code: err.code, message: err.message });
      throw err;
    });
    return this.pending;
  };

  Widget.prototype._accept = function (data) {
    this.session = {
      token: data.token,
      expiresAt: Date.parse(data.expires_at),
      refreshToken: data.refresh_token,
      mode: data.mode,
      agentId: data.agent_id,
      visitorId: data.visitor_id,
      sessionId: data.session_id
    };
    this.ui.host.setAttribute("data-session", data.mode);
    if (this.config && this.config.voice_connected === false) {
      // Signed in, but nothing can answer: say so instead of "Ready" (guests see it too).
      this.ui.host.setAttribute("data-voice", "not-connected");
      this._status(MESSAGES.voice_not_connected);
    } else {
      this._status(data.mode === "user" ? "Signed in. Ready when you are." : "Ready when you are.");
    }
    this._schedule();
    this._emit("kataven:session", this.getSession());
  };

  Widget.prototype._status = function (text) {
    this.ui.status.textContent = text;
  };

  Widget.prototype._schedule = function () {
    clearTimeout(this.timer);
    if (!this.session) return;
    var self = this;
    var wait = Math.max(1000, this.session.expiresAt - Date.now() - REFRESH_MARGIN_MS);
    this.timer = setTimeout(function () { self.refresh(); }, wait);
  };

  Widget.prototype.refresh = function () {
    var self = this;
    if (!this.session) return Promise.resolve(null);
    if (this.refreshing) return this.refreshing;
    this.refreshing = this._api("POST", "/api/v1/widget/auth/refresh",
      { refresh_token: this.session.refreshToken }).then(function (data) {
      self.refreshing = null;
      self._accept(data);
      return self.session;
    }, function (err) {
      self.refreshing = null;
      if (err.code === "network" && self.session && self.session.expiresAt > Date.now()) {
        clearTimeout(self.timer);
        self.timer = setTimeout(function () { self.refresh(); }, RETRY_MS);
        return null;
      }
      // Refused: start over (a guest gets a new session on next open; a signed-in visitor
      // needs a new userToken from the page).
      var wasUser = self.session && self.session.mode === "user";
      self.session = null;
      self.ui.host.setAttribute("data-session", "none");
      self._status(wasUser ? MESSAGES.session_ended : "");
      self._emit("kataven:error", { code: err.code, message: err.message });
      if (!wasUser && !self.ui.panel.hidden) self.ensureSession().catch(function () {});
      return null;
    });
    return this.refreshing;
  };

  Widget.prototype.getSession = function () {
    if (!this.session) return null;
    return { token: this.session.token, expiresAt: new Date(this.session.expiresAt).toISOString(),
      mode: this.session.mode, agentId: this.session.agentId, visitorId: this.session.visitorId,
      sessionId: this.session.sessionId };
  };

  Widget.prototype.destroy = function () {
    clearTimeout(this.timer);
    this.session = null;
    if (this.ui.host.parentNode) this.ui.host.parentNode.removeChild(this.ui.host);
  };

  document.addEventListener("visibilitychange", function () {
    // Timers sleep in background tabs: catch up as soon as the page is visible again.
    if (document.visibilityState === "visible" && current && current.session &&
        current.session.expiresAt - Date.now() < REFRESH_MARGIN_MS) {
      current.refresh();
    }
  });

  window.Kataven = {
    version: "1",
    init: function (options) {
      if (current) current.destroy();
      var start = function () { current = new Widget(options || {}); return current; };
      if (document.body) return start();
      return new Promise(function (resolve) {
        document.addEventListener("DOMContentLoaded", function () { resolve(start()); });
      });
    },
    getSession: function () { return current ? current.getSession() : null; },
    open: function () { if (current) current.open(); },
    close: function () { if (current) current.close(); },
    refresh: function () { return current ? current.refresh() : Promise.resolve(null); }
  };
})();
