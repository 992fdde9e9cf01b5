// The roster without a network: taps made offline are kept on the device (IndexedDB, see
// offline-store.js) and sent when the network returns; the service worker (/sw.js) keeps the
// roster page. Texts come from data-* attributes of the page (translated on the server).
(function () {
  "use strict";
  const root = document.querySelector("[data-offline-roster]");
  if (!root || !window.KbbOffline || !window.indexedDB) {
    return;
  }
  const store = window.KbbOffline;
  const meetingId = Number(root.dataset.meetingId);
  const list = document.querySelector("ul.roster");
  const text = root.dataset;
  const note = root.querySelector(".offline-note");
  const pendingBox = root.querySelector(".pending-box");
  const pendingCount = root.querySelector(".pending-count");
  const lastSent = root.querySelector(".last-sent");
  const changes = root.querySelector(".roster-changes");
  const ROSTER_CACHE = "kbb-rosters-v1";
  // registration id -> {message, kind}: what the last sending said about that person.
  const answers = new Map();

  function rows() {
    return Array.from(document.querySelectorAll(".roster-row[data-registration-id]"));
  }

  function rowOf(registrationId) {
    return document.getElementById(`row-${registrationId}`);
  }

  function people() {
    return rows().map((row) => ({ id: Number(row.dataset.registrationId), name: row.dataset.name }));
  }

  function showStatus(row, status, minutes) {
    row.querySelectorAll('button[name="status"]').forEach((button) => {
      const on = button.value === status;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.classList.toggle("btn-primary", on);
      button.classList.toggle("btn-outline-primary", !on);
    });
    const input = row.querySelector(".minutes-input");
    if (input && minutes !== undefined) {
      input.value = minutes === null ? "" : String(minutes);
    }
  }

  function label(row, status) {
    const button = row.querySelector(`button[name="status"][value="${status}"]`);
    return button ? button.textContent.trim() : status;
  }

  function say(row, message, kind) {
    const state = row.querySelector(".row-state");
    if (!state) {
      return;
    }
    state.textContent = message;
    state.className = `small mt-1 row-state text-${kind}`;
  }

  async function render() {
    const marks = (await store.allMarks()).filter((m) => m.meeting_id === meetingId);
    const waiting = new Set();
    for (const mark of marks) {
      const row = rowOf(mark.registration_id);
      if (!row) {
        continue;
      }
      waiting.add(mark.registration_id);
      showStatus(row, mark.status, mark.minutes);
      const minutes = mark.minutes === null ? "" : ` (${mark.minutes})`;
      say(row, `${text.msgWaiting}: ${label(row, mark.status)}${minutes}`, "warning-emphasis");
      row.classList.add("mark-waiting");
    }
    for (const row of rows()) {
      const id = Number(row.dataset.registrationId);
      if (!waiting.has(id)) {
        row.classList.remove("mark-waiting");
        const answer = answers.get(id);
        if (answer) {
          say(row, answer.message, answer.kind);
        }
      }
    }
    pendingCount.textContent = text.msgCount.replace("__N__", String(marks.length));
    pendingBox.hidden = marks.length === 0;
    note.hidden = navigator.onLine;
  }

  async function keep(row, status, minutes) {
    await store.putMark({
      client_id: crypto.randomUUID(),
      meeting_id: meetingId,
      registration_id: Number(row.dataset.registrationId),
      status,
      minutes: status === "late" && minutes !== "" && minutes !== null ? Number(minutes) : null,
      made_at: new Date().toISOString(),
    });
    answers.delete(Number(row.dataset.registrationId));
    await render();
    if (navigator.serviceWorker) {
      navigator.serviceWorker.ready
        .then((registration) => registration.sync && registration.sync.register(store.SYNC_TAG))
        .catch(() => {});
    }
  }

  // Offline, a tap is kept on the device instead of being sent (htmx never sees it).
  document.addEventListener(
    "click",
    (event) => {
      const button = event.target.closest('.roster-row button[name="status"]');
      if (!button) {
        return;
      }
      const row = button.closest(".roster-row");
      row.dataset.intent = button.value;
      if (!navigator.onLine) {
        event.preventDefault();
        event.stopPropagation();
        const input = row.querySelector(".minutes-input");
        keep(row, button.value, input ? input.value : null);
      }
    },
    true,
  );
  document.addEventListener(
    "change",
    (event) => {
      const input = event.target.closest(".roster-row .minutes-input");
      if (!input) {
        return;
      }
      const row = input.closest(".roster-row");
      row.dataset.intent = "late";
      if (!navigator.onLine) {
        event.stopPropagation();
        keep(row, "late", input.value);
      }
    },
    true,
  );
  // Online on paper but the request did not get through: keep the tap too.
  document.addEventListener("htmx:sendError", (event) => {
    const row = event.detail.elt.closest(".roster-row");
    if (row && row.dataset.intent) {
      const input = row.querySelector(".minutes-input");
      keep(row, row.dataset.intent, input ? input.value : null);
    }
  });

  function describe(before, now) {
    const then = new Map(before.map((p) => [p.id, p.name]));
    const current = new Map(now.map((p) => [p.id, p.name]));
    const added = now.filter((p) => !then.has(p.id)).map((p) => p.name);
    const removed = before.filter((p) => !current.has(p.id)).map((p) => p.name);
    const parts = [];
    if (added.length) {
      parts.push(text.msgAdded.replace("__NAMES__", added.join(", ")));
    }
    if (removed.length) {
      parts.push(text.msgRemoved.replace("__NAMES__", removed.join(", ")));
    }
    return parts;
  }

  // Compare the roster shown with the one seen last time on this device; remember this one.
  async function noteChanges() {
    const now = people();
    const before = await store.getRoster(meetingId);
    const parts = before ? describe(before.people, now) : [];
    if (parts.length) {
      changes.textContent = `${text.msgChanged} ${parts.join(" · ")}`;
      changes.hidden = false;
    }
    await store.putRoster(meetingId, now);
  }

  // Fetch the roster again after sending: someone may have been added or cancelled meanwhile.
  async function refresh() {
    const response = await fetch(window.location.pathname, { credentials: "same-origin" });
    if (!response.ok || response.redirected) {
      return;
    }
    const copy = response.clone();
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("ul.roster");
    if (!fresh) {
      return;
    }
    caches
      .open(ROSTER_CACHE)
      .then((cache) => cache.put(window.location.pathname, copy))
      .catch(() => {});
    list.innerHTML = fresh.innerHTML;
    if (window.htmx) {
      window.htmx.process(list);
    }
    const token = page.querySelector('input[name="csrf_token"]');
    if (token) {
      await store.setMeta("csrf_token", token.value);
    }
    await noteChanges();
    await render();
  }

  function told(sent) {
    let count = 0;
    for (const { mark, result } of sent) {
      if (mark.meeting_id !== meetingId) {
        continue;
      }
      count += 1;
      const kind = {
        saved: "success",
        unchanged: "success",
        duplicate: "success",
        superseded: "warning-emphasis",
        refused: "danger",
      }[result.result];
      answers.set(mark.registration_id, { message: result.message, kind: kind || "danger" });
    }
    if (count) {
      lastSent.textContent = text.msgSent.replace("__N__", String(count));
      lastSent.hidden = false;
    }
  }

  let sending = false;
  async function send() {
    if (!navigator.onLine || sending) {
      return;
    }
    sending = true;
    try {
      const sent = await store.sendPending();
      if (sent) {
        told(sent);
        await refresh();
      }
    } catch (error) {
      lastSent.textContent = text.msgFailed;
      lastSent.hidden = false;
    } finally {
      sending = false;
      await render();
    }
  }

  root.querySelector(".send-now").addEventListener("click", send);
  window.addEventListener("online", send);
  window.addEventListener("offline", render);
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", async (event) => {
      if (event.data && event.data.type === "kbb-marks-sent") {
        told(event.data.sent);
        await refresh().catch(() => {});
        await render();
      }
    });
  }

  // Keep this roster and the coming days' ones on the device, for a hall without a network.
  async function keepRosters() {
    const cache = await caches.open(ROSTER_CACHE);
    await cache.add(window.location.pathname);
    const response = await fetch(text.rostersUrl, { credentials: "same-origin" });
    if (response.ok && !response.redirected) {
      const { urls } = await response.json();
      await cache.addAll(urls.filter((u) => u !== window.location.pathname));
    }
  }

  async function start() {
    const token = document.querySelector('input[name="csrf_token"]');
    if (navigator.onLine && token) {
      await store.setMeta("csrf_token", token.value);
    }
    await store.setMeta("sync_url", text.syncUrl);
    if (navigator.serviceWorker) {
      navigator.serviceWorker.register(text.swUrl).catch(() => {});
    }
    await noteChanges();
    await render();
    if (navigator.onLine) {
      keepRosters().catch(() => {});
      await send();
    }
  }
  start();
})();
