// The desk screen: keyboard-first logging that never loses or doubles an entry.
//
// Each entry gets an id made here (crypto.randomUUID). It goes into an outbox in
// localStorage *before* it is sent to the JSON API, and leaves the outbox only when the
// server has answered 201 (stored) or 200 (already stored). When the connection drops,
// entries wait in the outbox, are shown as pending, and are re-sent on `online`, on a timer
// and when the page is opened again. The server stores each id once, so a re-send (or two
// tabs sending the same outbox) cannot double an entry.
//
// Without this script the form posts to the server and still works.
(function () {
  "use strict";

  var configEl = document.getElementById("desk-config");
  var form = document.querySelector("[data-desk-form]");
  if (!configEl || !form) return;
  var config = JSON.parse(configEl.textContent);

  var OUTBOX = "liaison.desk.outbox.v1";
  var REJECTED = "liaison.desk.rejected.v1";
  var LAST = "liaison.desk.last.v1." + config.servicePoint;
  var QUICK = "liaison.desk.quick.v1";
  var RETRY_MS = 15000;
  var TIMEOUT_MS = 15000;

  var statusEl = document.querySelector("[data-desk-status]");
  var connEl = document.querySelector("[data-desk-conn]");
  var pendingEl = document.querySelector("[data-desk-pending]");
  var quickBox = document.querySelector("[data-desk-quick]");
  var categoriesEl = document.querySelector("[data-tech-categories]");
  var moreEl = document.querySelector("[data-desk-more]");
  var warningsEl = document.querySelector("[data-note-warnings]");
  var whoInput = document.querySelector("[data-desk-who]");
  var tallyLive = document.querySelector("[data-tally-live]");
  var noteInput = form.querySelector("[name=note]");
  var occurredInput = form.querySelector("[name=occurred_at]");
  var durationInput = form.querySelector("[name=duration_minutes]");

  // Server time minus browser time, so "now" is the server's now even on a desk PC whose clock is off.
  var clockOffset = (Date.parse(config.serverNow) || Date.now()) - Date.now();
  var inFlight = null; // client_id being sent right now
  var warnedNote = null; // a note already warned about: logging again saves it as it is
  var memoryStore = {}; // used only when this browser refuses localStorage
  var storageBroken = false;
  var lastTallyTotal = null;
  var announcedFailure = null;

  var patterns = (config.privacyPatterns || [])
    .map(function (p) {
      try {
        return { regex: new RegExp(p.pattern), message: p.message };
      } catch (e) {
        return null; // an old browser without look-behind: the server still warns
      }
    })
    .filter(Boolean);

  // --- storage -------------------------------------------------------------------------
  function load(key, fallback) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) {
      storageBroken = true;
      return Object.prototype.hasOwnProperty.call(memoryStore, key) ? memoryStore[key] : fallback;
    }
  }
  function save(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) {
      storageBroken = true;
      memoryStore[key] = value;
    }
  }

  // --- small helpers -------------------------------------------------------------------
  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function serverNow() { return new Date(Date.now() + clockOffset); }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function checkedValue(name) {
    var el = form.querySelector("input[name='" + name + "']:checked");
    return el ? el.value : "";
  }
  function kindInfo(slug) {
    for (var i = 0; i < config.kinds.length; i++) if (config.kinds[i].slug === slug) return config.kinds[i];
    return null;
  }
  function isTyping(el) {
    if (!el || !el.tagName) return false;
    if (el.isContentEditable || el.tagName === "TEXTAREA" || el.tagName === "SELECT") return true;
    return el.tagName === "INPUT" && !/^(radio|checkbox|button|submit|reset)$/i.test(el.type);
  }
  function timeLabel(iso) {
    var d = new Date(iso);
    return isNaN(d) ? "" : d.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  }
  function describe(payload) {
    var kind = kindInfo(payload.kind);
    return (kind ? kind.name : payload.kind) + " · READ " + payload.read_level;
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function say(text, tone) {
    // Clear first so that the same message twice is announced twice.
    statusEl.textContent = "";
    statusEl.className = "desk__status" + (tone ? " desk__status--" + tone : "");
    window.setTimeout(function () { statusEl.textContent = text; }, 30);
  }
  function changed() {
    document.body.dispatchEvent(new CustomEvent("desk-changed"));
  }
  function errorText(body) {
    if (!body || !body.errors || !body.errors.length) return (body && body.detail) || "";
    return body.errors.map(function (e) { return e.message; }).join(" ");
  }

  // --- connection state ----------------------------------------------------------------
  function setConn(state) {
    var count = load(OUTBOX, []).length;
    connEl.textContent = "";
    connEl.className = "desk__conn small";
    if (state === "online" && !count && !storageBroken) {
      connEl.hidden = true;
      return;
    }
    connEl.hidden = false;
    if (state === "offline") {
      connEl.classList.add("desk__conn--warn");
      connEl.textContent = "Offline: entries are kept on this computer and sent when the connection returns.";
    } else if (state === "signin") {
      connEl.classList.add("desk__conn--warn");
      connEl.appendChild(document.createTextNode("Your sign-in has ended. "));
      connEl.appendChild(el("a", { href: config.signInUrl, target: "_blank", rel: "noopener" }, "Sign in again (new tab)"));
      connEl.appendChild(document.createTextNode("; waiting entries are sent afterwards."));
    } else if (state === "error") {
      connEl.classList.add("desk__conn--warn");
      connEl.textContent = "The server did not answer properly; entries are kept here and retried.";
    } else if (storageBroken) {
      connEl.classList.add("desk__conn--warn");
      connEl.textContent = "This browser won't keep entries offline (private mode?): keep this tab open until they are sent.";
    } else {
      connEl.hidden = true;
    }
  }

  // --- the form ------------------------------------------------------------------------
  function updateCategories() {
    var kind = kindInfo(checkedValue("kind"));
    if (categoriesEl) categoriesEl.hidden = !(kind && kind.asksTechCategory);
  }
  function pick(name, value) {
    var input = form.querySelector("input[name='" + name + "'][value='" + value + "']");
    if (!input) return false;
    input.checked = true;
    input.dispatchEvent(new Event("change", { bubbles: true }));
    return true;
  }
  function remember(payload) {
    var last = load(LAST, {});
    last.kind = payload.kind;
    last.read_level = String(payload.read_level);
    last.mode = payload.mode || "";
    last.categories = last.categories || {};
    if (payload.tech_category !== null) last.categories[payload.kind] = payload.tech_category || "";
    save(LAST, last);
  }
  function restoreLast() {
    if (form.querySelector(".errorlist")) return; // the server is showing what was typed: keep it
    var last = load(LAST, null);
    if (!last) return;
    if (last.kind) pick("kind", last.kind);
    if (last.read_level) pick("read_level", last.read_level);
    if (last.mode) pick("mode", last.mode);
  }
  function restoreCategoryFor(kind) {
    var last = load(LAST, {});
    var remembered = last.categories && last.categories[kind];
    if (remembered !== undefined) pick("tech_category", remembered);
  }
  function openMore() { if (moreEl) moreEl.open = true; }

  function privacyWarnings(text) {
    return patterns.filter(function (p) { return p.regex.test(text); }).map(function (p) { return p.message; });
  }
  function showWarnings(list) {
    warningsEl.textContent = "";
    list.forEach(function (message) { warningsEl.appendChild(el("p", { class: "message message--warning" }, message)); });
  }

  function collect() {
    var kind = checkedValue("kind");
    var info = kindInfo(kind);
    var referral = checkedValue("referred_to") || (form.querySelector("input[type=hidden][name=referred_to]") || {}).value || "";
    var occurred = occurredInput.value ? new Date(occurredInput.value) : serverNow();
    if (isNaN(occurred)) throw new Error("bad time");
    var duration = durationInput.value.trim();
    return {
      client_id: newId(),
      service_point: config.servicePoint,
      kind: kind,
      read_level: parseInt(checkedValue("read_level"), 10),
      tech_category: info && info.asksTechCategory ? checkedValue("tech_category") || null : null,
      mode: checkedValue("mode") || null,
      tags: Array.prototype.map.call(form.querySelectorAll("input[name=tags]:checked"), function (i) { return i.value; }),
      note: noteInput.value.trim(),
      referred_to: referral ? parseInt(referral, 10) : null,
      duration_minutes: duration === "" ? null : parseInt(duration, 10),
      occurred_at: occurred.toISOString(),
      source: "desk",
    };
  }

  function resetOneOff() {
    form.querySelectorAll("input[name=tags]:checked").forEach(function (i) { i.checked = false; });
    noteInput.value = "";
    durationInput.value = "";
    occurredInput.value = "";
    warnedNote = null;
    warningsEl.textContent = "";
    var referrals = document.getElementById("desk-referrals");
    if (referrals) referrals.textContent = "";
    form.querySelectorAll("input[type=hidden][name=referred_to]").forEach(function (i) { i.remove(); });
    if (whoInput) whoInput.value = "";
    var active = document.activeElement;
    if (active && form.contains(active) && isTyping(active)) active.blur();
  }

  // After an entry is logged its kind and READ level are cleared, so a stray Enter or digit
  // cannot log a copy of it: the next entry starts from a kind letter, then a level.
  function clearChoices() {
    form.querySelectorAll("input[name=kind]:checked, input[name=read_level]:checked").forEach(function (i) {
      i.checked = false;
    });
    updateCategories();
  }

  function logEntry() {
    var kind = checkedValue("kind");
    var level = checkedValue("read_level");
    if (!kind) {
      say("Pick a kind first (press its letter).", "error");
      var firstKind = form.querySelector("input[name=kind]");
      if (firstKind) firstKind.focus();
      return;
    }
    if (!level) {
      say("Pick a READ level, 1–6.", "error");
      var firstLevel = form.querySelector("input[name=read_level]");
      if (firstLevel) firstLevel.focus();
      return;
    }
    var note = noteInput.value.trim();
    var warnings = privacyWarnings(note);
    if (warnings.length && warnedNote !== note) {
      warnedNote = note;
      openMore();
      showWarnings(warnings);
      say("Check the note before saving. Log again to save it as it is.", "warn");
      noteInput.focus();
      return;
    }
    var payload;
    try {
      payload = collect();
    } catch (e) {
      say("The “happened at” time is not a valid date.", "error");
      occurredInput.focus();
      return;
    }
    var item = { payload: payload, userId: config.userId, label: describe(payload), queuedAt: new Date().toISOString() };
    var outbox = load(OUTBOX, []);
    outbox.push(item); // kept before sending: a crash or a closed tab loses nothing
    save(OUTBOX, outbox);
    remember(payload);
    resetOneOff();
    clearChoices();
    renderPending();
    say("Saving " + item.label + "…");
    flush();
  }

  // --- sending -------------------------------------------------------------------------
  function removeFromOutbox(clientId) {
    save(OUTBOX, load(OUTBOX, []).filter(function (i) { return i.payload.client_id !== clientId; }));
  }
  function reject(item, body) {
    removeFromOutbox(item.payload.client_id);
    var rejected = load(REJECTED, []);
    item.error = errorText(body) || "The server refused this entry.";
    rejected.push(item);
    save(REJECTED, rejected);
    say("Not saved: " + item.label + ". " + item.error, "error");
    renderPending();
  }
  function request(url, options) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    options.credentials = "same-origin";
    if (controller) options.signal = controller.signal;
    return fetch(url, options).then(
      function (response) { window.clearTimeout(timer); return response; },
      function (error) { window.clearTimeout(timer); throw error; }
    );
  }
  function sendOne(item) {
    inFlight = item.payload.client_id;
    return request(config.apiInteractions, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(item.payload),
    }).then(
      function (response) {
        if (response.status === 201 || response.status === 200) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            removeFromOutbox(item.payload.client_id);
            var extra = body.warnings && body.warnings.length ? " " + body.warnings[0] : "";
            say((response.status === 201 ? "Saved: " : "Already saved: ") + item.label + "." + extra, "ok");
            changed();
            return "sent";
          });
        }
        if (response.status === 400 || response.status === 409 || response.status === 422) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            reject(item, body);
            return "rejected";
          });
        }
        if (response.status === 401 || response.status === 403) return "signin";
        return "error"; // 5xx, 429…: keep it and retry
      },
      function () { return "offline"; }
    );
  }
  function flush() {
    if (inFlight) return;
    var mine = load(OUTBOX, []).filter(function (i) { return i.userId === config.userId; });
    if (!mine.length) {
      inFlight = null;
      renderPending();
      setConn("online");
      return;
    }
    sendOne(mine[0]).then(function (result) {
      inFlight = null;
      renderPending();
      if (result === "sent" || result === "rejected") {
        flush();
      } else {
        setConn(result);
        if (result !== "signin" && announcedFailure !== mine[0].payload.client_id) {
          announcedFailure = mine[0].payload.client_id; // say it once, not on every retry
          say("Kept on this computer: " + mine[0].label + " — it will be sent when the connection returns.", "warn");
        }
      }
    });
  }

  // --- pending and rejected entries -----------------------------------------------------
  function renderPending() {
    var outbox = load(OUTBOX, []);
    var rejected = load(REJECTED, []);
    var mine = outbox.filter(function (i) { return i.userId === config.userId; });
    var others = outbox.filter(function (i) { return i.userId !== config.userId; });
    pendingEl.textContent = "";
    if (mine.length) {
      pendingEl.appendChild(el("h3", { class: "small" }, "Waiting to send (" + mine.length + ")"));
      var list = el("ol", { class: "entries" });
      mine.forEach(function (item) {
        var li = el("li", { class: "entry entry--pending" });
        li.appendChild(el("strong", {}, item.label));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("span", { class: "badge badge--warn" }, item.payload.client_id === inFlight ? "sending" : "kept on this computer"));
        li.appendChild(el("span", { class: "small muted" }, " " + timeLabel(item.payload.occurred_at)));
        if (item.payload.client_id !== inFlight) {
          var cancel = el("button", { type: "button", class: "button button--small button--quiet", "data-cancel": item.payload.client_id }, "Cancel");
          li.appendChild(document.createTextNode(" "));
          li.appendChild(cancel);
        }
        list.appendChild(li);
      });
      pendingEl.appendChild(list);
    }
    if (others.length) {
      var p = el("p", { class: "message message--warning small" }, others.length + " entr" + (others.length === 1 ? "y" : "ies") + " logged here by someone else are waiting for them to sign in on this browser. ");
      p.appendChild(el("button", { type: "button", class: "button button--small button--quiet", "data-adopt": "1" }, "Send them as mine"));
      pendingEl.appendChild(p);
    }
    if (rejected.length) {
      pendingEl.appendChild(el("h3", { class: "small" }, "Not saved — needs a look (" + rejected.length + ")"));
      var rlist = el("ol", { class: "entries" });
      rejected.forEach(function (item) {
        var li = el("li", { class: "entry entry--rejected" });
        li.appendChild(el("strong", {}, item.label));
        li.appendChild(el("p", { class: "small" }, item.error || ""));
        li.appendChild(el("button", { type: "button", class: "button button--small button--quiet", "data-restore": item.payload.client_id }, "Put back in the form"));
        li.appendChild(document.createTextNode(" "));
        li.appendChild(el("button", { type: "button", class: "button button--small button--quiet", "data-discard": item.payload.client_id }, "Discard"));
        rlist.appendChild(li);
      });
      pendingEl.appendChild(rlist);
    }
  }

  pendingEl.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var id = button.getAttribute("data-cancel") || button.getAttribute("data-discard") || button.getAttribute("data-restore");
    if (button.hasAttribute("data-cancel")) {
      if (id === inFlight) return;
      removeFromOutbox(id);
      say("Cancelled before it was sent.", "ok");
    } else if (button.hasAttribute("data-adopt")) {
      save(OUTBOX, load(OUTBOX, []).map(function (i) { i.userId = config.userId; return i; }));
      flush();
    } else {
      var rejected = load(REJECTED, []);
      var item = rejected.filter(function (i) { return i.payload.client_id === id; })[0];
      save(REJECTED, rejected.filter(function (i) { return i.payload.client_id !== id; }));
      if (item && button.hasAttribute("data-restore")) putBack(item.payload);
    }
    renderPending();
  });

  function putBack(payload) {
    pick("kind", payload.kind);
    pick("read_level", String(payload.read_level));
    if (payload.mode) pick("mode", payload.mode);
    if (payload.tech_category) pick("tech_category", payload.tech_category);
    (payload.tags || []).forEach(function (slug) {
      var box = form.querySelector("input[name=tags][value='" + slug + "']");
      if (box) box.checked = true;
    });
    noteInput.value = payload.note || "";
    durationInput.value = payload.duration_minutes === null || payload.duration_minutes === undefined ? "" : payload.duration_minutes;
    openMore();
    say("Back in the form: fix what was wrong and log it again.", "warn");
  }

  // --- undo ----------------------------------------------------------------------------
  function undo(clientId) {
    request(config.apiInteraction.replace("{id}", clientId), {
      method: "DELETE",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    }).then(
      function (response) {
        if (response.status === 204 || response.status === 404) {
          say("Undone.", "ok");
          changed();
          return;
        }
        return response.json().catch(function () { return {}; }).then(function (body) {
          say(errorText(body) || "Could not undo that entry.", "error");
        });
      },
      function () { say("Can't reach the server to undo; try again in a moment.", "error"); }
    );
  }
  function undoLast() {
    var mine = load(OUTBOX, []).filter(function (i) { return i.userId === config.userId && i.payload.client_id !== inFlight; });
    if (mine.length) {
      removeFromOutbox(mine[mine.length - 1].payload.client_id);
      renderPending();
      say("Cancelled " + mine[mine.length - 1].label + " before it was sent.", "ok");
      return;
    }
    var formEl = document.querySelector("#desk-recent [data-undo]");
    if (formEl) {
      undo(formEl.getAttribute("data-client-id"));
    } else {
      say("Nothing to undo: undo works for 2 minutes after logging.", "warn");
    }
  }
  function expireUndo() {
    var now = serverNow().getTime();
    document.querySelectorAll("[data-undo]").forEach(function (f) {
      if (Date.parse(f.getAttribute("data-undo-until")) <= now) f.remove();
    });
  }

  // --- wiring --------------------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    logEntry();
  });
  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (target.matches && target.matches("[data-undo]")) {
      event.preventDefault();
      undo(target.getAttribute("data-client-id"));
    } else if (target.id === "desk-referral-search" && whoInput && window.htmx) {
      event.preventDefault();
      window.htmx.trigger(whoInput, "search");
    }
  });

  form.addEventListener("change", function (event) {
    if (event.target.name === "kind") {
      updateCategories();
      restoreCategoryFor(event.target.value);
    }
  });
  // Quick mode: a tap on a READ level logs at once (pointer only: arrow keys just move).
  form.querySelectorAll(".chip--level").forEach(function (label) {
    label.addEventListener("pointerup", function () {
      if (!quickBox || !quickBox.checked) return;
      var input = label.querySelector("input");
      input.checked = true;
      window.setTimeout(logEntry, 0);
    });
  });

  var noteTimer = null;
  noteInput.addEventListener("input", function () {
    window.clearTimeout(noteTimer);
    noteTimer = window.setTimeout(function () {
      warnedNote = null;
      showWarnings(privacyWarnings(noteInput.value));
    }, 250);
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (isTyping(target)) {
      if (event.key === "Escape") target.blur();
      if (target === whoInput && event.key === "Enter") {
        event.preventDefault();
        if (window.htmx) window.htmx.trigger(whoInput, "search");
      }
      return; // Enter in the note or time fields submits the form, which logs
    }
    var key = event.key;
    if (key === "Enter") {
      if (target && /^(BUTTON|A|SUMMARY)$/.test(target.tagName)) return; // let it do its own thing
      event.preventDefault();
      logEntry();
      return;
    }
    if (/^[1-6]$/.test(key)) {
      event.preventDefault();
      pick("read_level", key);
      if (quickBox && quickBox.checked) logEntry();
      return;
    }
    var lower = key.length === 1 ? key.toLowerCase() : "";
    if (lower === "u") {
      event.preventDefault();
      undoLast();
    } else if (lower === "n") {
      event.preventDefault();
      openMore();
      noteInput.focus();
    } else if (key === "/") {
      event.preventDefault();
      openMore();
      if (whoInput) whoInput.focus();
    } else if (key === "?") {
      toggleKeys();
    } else if (lower) {
      var kindInput = form.querySelector("input[name=kind][data-shortcut='" + lower + "']");
      if (kindInput) {
        event.preventDefault();
        pick("kind", kindInput.value);
      }
    }
  });

  var keysToggle = document.querySelector("[data-desk-keys-toggle]");
  var keysButton = keysToggle ? keysToggle.querySelector("button") : null;
  var keysPanel = document.getElementById("desk-keys");
  function toggleKeys() {
    if (!keysPanel) return;
    keysPanel.hidden = !keysPanel.hidden;
    if (keysButton) keysButton.setAttribute("aria-expanded", String(!keysPanel.hidden));
  }
  if (keysToggle && keysButton) {
    keysToggle.hidden = false;
    keysButton.addEventListener("click", toggleKeys);
  }
  var deskRoot = document.querySelector("[data-desk]");
  if (deskRoot) deskRoot.classList.add("desk--js"); // the letter hints mean something now

  if (quickBox) {
    quickBox.checked = load(QUICK, true);
    quickBox.closest("[data-desk-quick-label]").hidden = false;
    quickBox.addEventListener("change", function () { save(QUICK, quickBox.checked); });
  }

  var earlier = document.querySelector("[data-desk-earlier]");
  if (earlier) {
    earlier.hidden = false;
    earlier.addEventListener("click", function (event) {
      var button = event.target.closest("[data-minutes-ago]");
      if (!button) return;
      var d = new Date(serverNow().getTime() - parseInt(button.getAttribute("data-minutes-ago"), 10) * 60000);
      var pad = function (n) { return String(n).padStart(2, "0"); };
      occurredInput.value = d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
    });
  }

  // A refresh after the sign-in has ended lands on the sign-in page: keep the old content.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (xhr && xhr.responseURL && xhr.responseURL.indexOf(config.signInUrl) !== -1) {
      event.detail.shouldSwap = false;
      setConn("signin");
    }
  });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail && event.detail.target && event.detail.target.id === "desk-tally") {
      var node = event.detail.target.querySelector("[data-tally-total]");
      var total = node ? node.getAttribute("data-tally-total") : null;
      if (total !== null && total !== lastTallyTotal && lastTallyTotal !== null) {
        tallyLive.textContent = "Today here: " + total + " interaction" + (total === "1" ? "" : "s") + ".";
      }
      lastTallyTotal = total;
    }
    expireUndo();
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { setConn("offline"); });
  window.addEventListener("storage", function (event) {
    if (event.key === OUTBOX || event.key === REJECTED) renderPending();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") flush();
  });
  window.setInterval(flush, RETRY_MS);
  window.setInterval(expireUndo, 5000);

  var firstTally = document.querySelector("#desk-tally [data-tally-total]");
  lastTallyTotal = firstTally ? firstTally.getAttribute("data-tally-total") : null;
  restoreLast();
  updateCategories();
  renderPending();
  expireUndo();
  flush();
})();
