// Marks made on this device without a network, kept in IndexedDB until they are sent.
// Shared by the roster page (static/js/offline.js) and the service worker (/sw.js): no DOM here.
(function (scope) {
  "use strict";
  const DB_NAME = "kbb-offline";
  const LOCK = "kbb-send-marks";

  function openDb() {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        const db = request.result;
        // One waiting mark per person and meeting: a new tap replaces the one before.
        db.createObjectStore("marks", { keyPath: "key" });
        db.createObjectStore("meta", { keyPath: "name" });
        // The roster as last seen, to tell the trainer what changed on the server meanwhile.
        db.createObjectStore("rosters", { keyPath: "meeting_id" });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async function run(storeName, mode, action) {
    const db = await openDb();
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction(storeName, mode);
        const store = tx.objectStore(storeName);
        let result;
        Promise.resolve(action(store)).then((value) => {
          result = value;
        });
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  function requestValue(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  const store = {
    putMark(mark) {
      mark.key = `${mark.meeting_id}:${mark.registration_id}`;
      return run("marks", "readwrite", (s) => s.put(mark));
    },
    allMarks() {
      return run("marks", "readonly", (s) => requestValue(s.getAll()));
    },
    // Forget the marks that were answered, unless a newer tap replaced one meanwhile.
    forgetMarks(marks) {
      return run("marks", "readwrite", async (s) => {
        for (const mark of marks) {
          const stored = await requestValue(s.get(mark.key));
          if (stored && stored.client_id === mark.client_id) {
            s.delete(mark.key);
          }
        }
      });
    },
    getMeta(name) {
      return run("meta", "readonly", (s) => requestValue(s.get(name))).then((r) =>
        r ? r.value : null,
      );
    },
    setMeta(name, value) {
      return run("meta", "readwrite", (s) => s.put({ name, value }));
    },
    getRoster(meetingId) {
      return run("rosters", "readonly", (s) => requestValue(s.get(meetingId)));
    },
    putRoster(meetingId, people) {
      return run("rosters", "readwrite", (s) => s.put({ meeting_id: meetingId, people }));
    },
    clearAll() {
      return new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = () => resolve();
      });
    },
  };

  // Send every waiting mark in one request. Returns [{mark, result}] or null when there was
  // nothing to send; throws when the server could not be reached or refused the request, and
  // the marks then stay on the device. One sender at a time (page, other tabs, service worker).
  async function sendPendingUnlocked() {
    const marks = await store.allMarks();
    if (!marks.length) {
      return null;
    }
    const token = await store.getMeta("csrf_token");
    const url = await store.getMeta("sync_url");
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token || "" },
      body: JSON.stringify({
        marks: marks.map((m) => ({
          client_id: m.client_id,
          meeting_id: m.meeting_id,
          registration_id: m.registration_id,
          status: m.status,
          minutes: m.minutes,
          made_at: m.made_at,
        })),
      }),
    });
    if (!response.ok || response.redirected) {
      throw new Error(`sync refused: ${response.status}`);
    }
    const answer = await response.json();
    const byId = new Map(answer.results.map((r) => [r.client_id, r]));
    const answered = marks.filter((m) => byId.has(m.client_id));
    await store.forgetMarks(answered);
    return answered.map((mark) => ({ mark, result: byId.get(mark.client_id) }));
  }

  function sendPending() {
    if (scope.navigator && scope.navigator.locks) {
      return scope.navigator.locks.request(LOCK, sendPendingUnlocked);
    }
    return sendPendingUnlocked();
  }

  scope.KbbOffline = Object.assign(store, { sendPending, SYNC_TAG: LOCK });
})(self);
