// fsxd console: small progressive enhancements. Pages work as plain forms;
// this adds confirmations, copy buttons, the object browser's uploads
// (presigned URLs, multipart above PART bytes, per-file and overall
// progress, cancellable) and the server page's chart.
"use strict";
const PART = 8 * 1024 * 1024;
const csrf = () => document.getElementById("main").dataset.csrf;

document.addEventListener("submit", (e) => {
  // The button's question, else the form's: one form may hold a harmless
  // button and a destructive one.
  const msg = (e.submitter && e.submitter.dataset.confirm) || e.target.dataset.confirm;
  if (msg && !confirm(msg)) e.preventDefault();
});
document.addEventListener("click", (e) => {
  const b = e.target.closest("button.copy");
  if (b) copy(b.dataset.copy).then(() => { b.textContent = "Copied"; });
});

// copy puts text on the clipboard; outside a secure context (plain HTTP
// to a host other than localhost) there is no Clipboard API, so it falls
// back to a selected, hidden textarea.
async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return; } catch (err) { /* not focused: fall back */ }
  }
  const ta = document.createElement("textarea");
  ta.value = text; ta.readOnly = true; ta.className = "visually-hidden";
  document.body.appendChild(ta); ta.select(); document.execCommand("copy"); ta.remove();
}

// attachments re-reads the access point table every data-refresh seconds
// while an attachment is CREATING or DELETING, replacing only the table so
// that a half-filled form keeps its input.
function attachments() {
  const table = document.getElementById("attachments");
  if (!table || !table.dataset.refresh) return;
  const every = 1000 * table.dataset.refresh;
  setTimeout(async function again() {
    let fresh = null;
    try {
      const r = await fetch(location.pathname, {credentials: "same-origin"});
      fresh = new DOMParser().parseFromString(await r.text(), "text/html").getElementById("attachments");
    } catch (err) { /* the server is away: try again */ }
    if (fresh) {
      document.querySelector("#attachments tbody").replaceWith(fresh.querySelector("tbody"));
      document.getElementById("refreshing").hidden = !fresh.dataset.refresh;
    }
    if (!fresh || fresh.dataset.refresh) setTimeout(again, every);
  }, every);
}

async function api(body) {
  const r = await fetch("/_fsxd/console/objects/api", {
    method: "POST", headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf()},
    body: JSON.stringify(body), credentials: "same-origin"});
  const j = await r.json();
  if (!r.ok) throw new Error(j.error || r.statusText);
  return j;
}

// put sends blob to a presigned URL, reporting bytes sent; returns the ETag.
function put(url, blob, onProgress, uploads) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    uploads.xhr = x;
    x.open("PUT", url);
    x.upload.onprogress = (e) => onProgress(e.loaded);
    x.onload = () => x.status < 300 ? resolve(x.getResponseHeader("ETag")) : reject(new Error(x.status + " " + x.responseText.replace(/<[^>]+>/g, " ").trim()));
    x.onerror = () => reject(new Error("network error"));
    x.onabort = () => reject(new Error("cancelled"));
    x.send(blob);
  });
}

function browser() {
  const root = document.getElementById("browser");
  if (!root) return;
  const bucket = root.dataset.bucket, prefix = root.dataset.prefix;
  const list = document.getElementById("upload-list");
  const overall = document.getElementById("overall"), overallText = document.getElementById("overall-text");
  let total = 0, sent = {}, active = 0;
  const update = () => {
    const done = Object.values(sent).reduce((a, b) => a + b, 0);
    overall.value = total ? Math.floor(100 * done / total) : 0;
    overallText.textContent = overall.value + "%";
  };
  async function upload(file) {
    const key = prefix + file.name;
    const li = document.createElement("li");
    li.innerHTML = '<span class="fname"></span> <progress max="100" value="0"></progress> <span class="state">0%</span> <button type="button">Cancel</button>';
    li.querySelector(".fname").textContent = file.name;
    li.dataset.file = file.name;
    const bar = li.querySelector("progress"), state = li.querySelector(".state"), cancel = li.querySelector("button");
    bar.setAttribute("aria-label", "Upload of " + file.name);
    cancel.setAttribute("aria-label", "Cancel the upload of " + file.name);
    list.appendChild(li);
    total += file.size; sent[key] = 0; active++;
    const u = {cancelled: false, xhr: null};
    cancel.onclick = () => { u.cancelled = true; if (u.xhr) u.xhr.abort(); };
    const progress = (base) => (n) => { sent[key] = base + n; bar.value = Math.floor(100 * sent[key] / Math.max(file.size, 1)); state.textContent = bar.value + "%"; update(); };
    let uploadId = null;
    try {
      if (file.size <= PART) {
        const {url} = await api({Op: "put", Bucket: bucket, Key: key});
        await put(url, file, progress(0), u);
      } else {
        uploadId = (await api({Op: "create", Bucket: bucket, Key: key})).uploadId;
        const parts = [];
        for (let off = 0, n = 1; off < file.size; off += PART, n++) {
          if (u.cancelled) throw new Error("cancelled");
          const {url} = await api({Op: "part", Bucket: bucket, Key: key, UploadID: uploadId, Part: n});
          parts.push({N: n, ETag: await put(url, file.slice(off, off + PART), progress(off), u)});
        }
        await api({Op: "complete", Bucket: bucket, Key: key, UploadID: uploadId, Parts: parts});
      }
      bar.value = 100; state.textContent = "done"; li.classList.add("done");
    } catch (err) {
      // Abort before saying so: a cancelled upload leaves no parts behind.
      if (uploadId) await api({Op: "abort", Bucket: bucket, Key: key, UploadID: uploadId}).catch(() => {});
      state.textContent = u.cancelled ? "cancelled" : err.message;
      li.classList.add(u.cancelled ? "cancelled" : "failed");
      if (u.cancelled) { total -= file.size; delete sent[key]; update(); } // overall counts what is still wanted
    }
    cancel.disabled = true;
    if (--active === 0) refreshListing();
  }
  // refreshListing replaces the table with the server's current one,
  // keeping the upload list and its progress bars on screen.
  async function refreshListing() {
    const r = await fetch(location.href, {credentials: "same-origin"});
    const doc = new DOMParser().parseFromString(await r.text(), "text/html");
    const fresh = doc.querySelector("#objects tbody");
    if (fresh) document.querySelector("#objects tbody").replaceWith(fresh);
  }
  const files = (fl) => { for (const f of fl) upload(f); };
  document.getElementById("file-input").addEventListener("change", (e) => files(e.target.files));
  const dz = document.getElementById("dropzone");
  // The drop zone is a button for the keyboard: Enter or Space opens the picker.
  dz.addEventListener("keydown", (e) => {
    if ((e.key === "Enter" || e.key === " ") && dz.getAttribute("aria-disabled") !== "true") { e.preventDefault(); document.getElementById("file-input").click(); }
  });
  dz.addEventListener("dragover", (e) => { e.preventDefault(); dz.classList.add("over"); });
  dz.addEventListener("dragleave", () => dz.classList.remove("over"));
  dz.addEventListener("drop", (e) => {
    e.preventDefault(); dz.classList.remove("over");
    if (dz.getAttribute("aria-disabled") !== "true") files(e.dataTransfer.files);
  });
  document.getElementById("mkdir").onclick = async () => {
    const name = prompt("Folder name");
    if (!name) return;
    try { await api({Op: "mkdir", Bucket: bucket, Key: prefix + name.replace(/\/+$/, "") + "/"}); location.reload(); }
    catch (err) { alert(err.message); }
  };
  document.getElementById("delete-selected").onclick = async () => {
    const keys = [...root.querySelectorAll("input.sel:checked")].map((c) => c.value);
    if (!keys.length || !confirm("Delete " + keys.length + " object(s)?")) return;
    try { await api({Op: "delete", Bucket: bucket, Keys: keys}); location.reload(); }
    catch (err) { alert(err.message); }
  };
  root.addEventListener("click", async (e) => {
    const b = e.target.closest("button.link, button.info");
    if (!b) return;
    try {
      if (b.classList.contains("link")) {
        const mins = parseInt(document.getElementById("link-expiry").value, 10) || 15;
        const {url} = await api({Op: "link", Bucket: bucket, Key: b.dataset.key, Expires: mins * 60});
        const a = document.getElementById("link-out");
        a.href = url; a.textContent = url;
        copy(url).catch(() => {});
      } else {
        document.getElementById("details").textContent = JSON.stringify(await api({Op: "head", Bucket: bucket, Key: b.dataset.key}), null, 2);
      }
    } catch (err) { document.getElementById("details").textContent = err.message; }
  });
}

async function chart() {
  const svg = document.getElementById("chart");
  if (!svg) return;
  const r = await fetch("/_fsxd/console/server/rates", {credentials: "same-origin"});
  const pts = await r.json() || [];
  const max = Math.max(1, ...pts.map((p) => p.Requests));
  // One point is drawn as a level line across the chart.
  const drawn = pts.length === 1 ? [pts[0], pts[0]] : pts;
  const line = (f) => drawn.map((p, i) => `${(i * 600 / Math.max(drawn.length - 1, 1)).toFixed(1)},${(150 - 140 * f(p) / max).toFixed(1)}`).join(" ");
  svg.dataset.points = pts.length;
  svg.querySelector(".req").setAttribute("points", line((p) => p.Requests));
  svg.querySelector(".err").setAttribute("points", line((p) => p.Errs));
  const last = pts[pts.length - 1];
  document.getElementById("chart-text").textContent = last ?
    `Last ${pts.length} intervals; now ${last.Requests.toFixed(2)} requests/s, ${last.Errs.toFixed(2)} errors/s; ` +
    `peak ${Math.max(...pts.map((p) => p.Requests)).toFixed(2)} requests/s, ${Math.max(...pts.map((p) => p.Errs)).toFixed(2)} errors/s.` : "Collecting samples…";
  setTimeout(chart, 10000);
}

document.addEventListener("DOMContentLoaded", () => { browser(); chart(); attachments(); });
