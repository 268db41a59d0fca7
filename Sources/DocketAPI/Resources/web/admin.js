// The /admin dashboard's little JavaScript. Pages work without it; with it
// the queue counts, the chart and the workers refresh every few seconds,
// and requeue or discard asks first.
"use strict";

const REFRESH_MS = 3000;

/** Ask before a form marked data-confirm is posted. */
function guardConfirmations() {
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }
}

/** Swap in the server-rendered live parts (the same templates as the page). */
async function refresh() {
  const stamp = document.getElementById("refreshed");
  try {
    const response = await fetch("/admin/live", { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401 || response.redirected) { window.location.assign("/admin/login"); return; }
    if (!response.ok) throw new Error("HTTP " + response.status);
    const parts = await response.json();
    for (const element of document.querySelectorAll("[data-live]")) {
      const html = parts[element.dataset.live];
      if (typeof html === "string") element.innerHTML = html;
    }
    if (stamp) stamp.textContent = "updated " + new Date().toLocaleTimeString();
  } catch (error) {
    if (stamp) stamp.textContent = "not updated: " + error.message;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  guardConfirmations();
  if (document.querySelector("[data-live]")) {
    window.setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
  }
});
