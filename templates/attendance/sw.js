// Service worker: keeps the trainer's roster pages and the static files for use without a
// network, and sends the marks made offline when the network returns (Background Sync).
// Rendered by attendance.service_worker; no personal data in this file.
"use strict";
importScripts({{ url_for('static', filename='js/offline-store.js')|tojson }});

const STATIC_CACHE = "kbb-static-v1";
const ROSTER_CACHE = "kbb-rosters-v1";
const ASSETS = {{ assets|tojson }};
const STATIC_PREFIX = {{ static_prefix|tojson }};
const ROSTER_PATH = new RegExp({{ roster_pattern|tojson }});

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) => cache.addAll(ASSETS)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  const keep = new Set([STATIC_CACHE, ROSTER_CACHE]);
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => !keep.has(k)).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function keyOf(url) {
  return url.origin + url.pathname;
}

// Static files: from the cache first (they change with a new release, and so does this file).
async function staticFirst(request, url) {
  const cached = await caches.match(keyOf(url), { ignoreVary: true });
  if (cached) {
    return cached;
  }
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(keyOf(url), response.clone());
  }
  return response;
}

// Roster pages: from the network when there is one (and kept), else the copy kept last time.
async function networkFirst(request, url) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && response.type === "basic") {
      const cache = await caches.open(ROSTER_CACHE);
      await cache.put(keyOf(url), response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(keyOf(url), { ignoreVary: true });
    if (cached) {
      return cached;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.startsWith(STATIC_PREFIX)) {
    event.respondWith(staticFirst(request, url));
  } else if (ROSTER_PATH.test(url.pathname)) {
    event.respondWith(networkFirst(request, url));
  }
});

async function sendAndTell() {
  const sent = await self.KbbOffline.sendPending();
  if (!sent) {
    return;
  }
  const windows = await self.clients.matchAll({ type: "window" });
  for (const client of windows) {
    client.postMessage({ type: "kbb-marks-sent", sent });
  }
}

self.addEventListener("sync", (event) => {
  if (event.tag === self.KbbOffline.SYNC_TAG) {
    event.waitUntil(sendAndTell());
  }
});
