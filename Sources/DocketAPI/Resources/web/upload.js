// Docket upload page: plain JS, same origin as the API (CONTRACT.md §2).
// The client key lives only in sessionStorage, so it dies with the tab.
'use strict';

const KEY_SLOT = 'docket.clientKey';
const PARALLEL = 3;          // uploads sent at once; the rest wait their turn
const POLL_MS = 1000;        // document status poll while processing…
const SLOW_POLL_MS = 5000;   // …and after a minute, a gentler one
const PAGE = 20;             // documents per page
const FINAL = new Set(['ready', 'failed', 'deleted']);

// One plain sentence per error_code: CONTRACT.md §3, the job codes a failed
// document carries in `error`, and the page's own (network, no_key).
const MESSAGES = {
  invalid_input: 'The server did not accept this request', empty_file: 'This file is empty',
  unauthorized: 'Your API key was not accepted. Paste a valid client key.',
  forbidden: 'This key is not allowed to do that',
  token_invalid: 'The upload link was not accepted. Try uploading the file again.',
  token_expired: 'The link has expired. Try again.',
  quota_exceeded: 'Not enough storage left in your quota',
  not_found: 'Not found: it may have been deleted or cancelled',
  upload_timeout: 'The upload timed out', request_timeout: 'The upload timed out',
  conflict: 'This upload was already finished or cancelled',
  upload_expired: 'The upload took too long and expired; its space was released',
  body_too_large: 'This file is larger than the server accepts',
  unsupported_media_type: 'That is not a PDF',
  idempotency_mismatch: 'A repeated request did not match the first one. Try again.',
  unavailable: 'The service is briefly unavailable. Try again in a moment.',
  internal: 'Something went wrong on the server',
  network: 'Connection lost', network_abort: 'Upload aborted', no_key: 'Paste your API key first',
  pdf_invalid: 'The file is damaged or not a valid PDF',
  pdf_encrypted: 'The PDF is password-protected, so it cannot be read',
  pdf_timeout: 'The PDF took too long to process',
  pdf_resource_limit: 'The PDF needs more memory or time than the server allows',
  blob_missing: 'The stored file went missing before it could be processed',
  storage_io: 'The server could not read or write its storage',
  db_unavailable: 'The server\'s database was unavailable',
};
const WITH_DETAIL = new Set(['invalid_input', 'conflict']);   // the detail helps fix these
const TRANSIENT = new Set(['network', 'unavailable']);        // polling rides these out

const $ = (id) => document.getElementById(id);
const uploads = [];                  // every upload row of this tab
const queue = [];                    // rows waiting for a free slot
const thumbCache = new Map();        // document id → {url, expires}
const docs = { after: null, fetched: 0, generation: 0 };
let running = 0;

// Every failure the page reports carries an error_code, the server's or its own.
const apiError = (code, extra = {}) => Object.assign(new Error(code), { code, status: 0, ...extra });

// ---------- the key ----------

// The key in use. One pasted but not submitted is adopted too: pasting and
// then dropping files is the natural order.
function currentKey(refresh = true) {
  const typed = $('api-key').value.trim();
  if (typed) adoptKey(typed, refresh);
  return sessionStorage.getItem(KEY_SLOT);
}

function adoptKey(key, refresh) {
  $('api-key').value = '';           // out of the DOM once stored
  if (key === sessionStorage.getItem(KEY_SLOT)) return;
  sessionStorage.setItem(KEY_SLOT, key);
  Object.assign(docs, { after: null, fetched: 0 });
  thumbCache.clear();
  keySetHint();
  say('key-status', '');
  if (refresh) setTimeout(() => { refreshQuota(); loadDocuments(true); });
}

function keySetHint() {
  const set = Boolean(sessionStorage.getItem(KEY_SLOT));
  $('api-key').placeholder = set ? 'A key is set for this tab (paste to replace)' : 'Paste your key';
  $('forget-key').disabled = !set;
}

function say(id, text, kind = '') {
  Object.assign($(id), { textContent: text }).dataset.kind = kind;
}

async function useKey(event) {
  event.preventDefault();
  if (!currentKey(false)) return say('key-status', MESSAGES.no_key, 'error');
  say('key-status', 'Checking the key…');
  try {
    await refreshQuota(true);        // the cheapest call that proves the key
    say('key-status', 'Key accepted.', 'ok');
    loadDocuments(true);
  } catch (err) {
    say('key-status', describe(err), 'error');
  }
}

function forgetKey() {
  sessionStorage.removeItem(KEY_SLOT);
  $('api-key').value = '';
  keySetHint();
  say('key-status', 'Key forgotten.');
  $('documents').replaceChildren();
  $('documents-more').hidden = true;
  $('quota-text').textContent = 'Enter a key to see your quota.';
  $('quota-meter').value = 0;
}

// ---------- talking to the API ----------

// JSON to an API route with the key; a problem+json answer is thrown as an error with its error_code.
async function api(method, path, body) {
  const key = currentKey();
  if (!key) throw apiError('no_key');
  const headers = { Authorization: `Bearer ${key}`, Accept: 'application/json', 'Content-Type': 'application/json' };
  const response = await fetch(path, { method, headers, body: body && JSON.stringify(body) })
    .catch(() => { throw apiError('network'); });
  const data = parseJSON(await response.text());
  if (response.ok) return data;
  const err = problem(response.status, data);
  if (err.code === 'unauthorized') {
    // A refused key fails every later call too: ask for it again, once, up top.
    sessionStorage.removeItem(KEY_SLOT);
    keySetHint();
    say('key-status', MESSAGES.unauthorized, 'error');
  }
  throw err;
}

const parseJSON = (text) => { try { return JSON.parse(text); } catch { return null; } };

// An RFC 9457 body (or whatever a proxy in between sent) as an error to throw.
function problem(status, data) {
  const p = data && typeof data === 'object' ? data : {};
  const code = p.error_code || { 408: 'upload_timeout', 413: 'body_too_large' }[status] || `http_${status}`;
  return apiError(code, { status, title: p.title, detail: p.detail, requestId: p.request_id });
}

// Plain words for an error; unknown codes fall back to the problem's own words.
function describe(err) {
  const code = err.code || 'internal';
  let text = MESSAGES[code] || err.detail || err.title || `The server answered ${err.status || 'with an error'}`;
  if (WITH_DETAIL.has(code) && err.detail) text += `: ${err.detail}`;
  if (code === 'internal' && err.requestId) text += ` (request ${err.requestId})`;
  const limit = code === 'body_too_large' && /limit of (\d+) bytes/.exec(err.detail || '');
  if (limit) text += ` (the limit is ${formatBytes(Number(limit[1]))})`;
  return text;
}

// The API builds blob URLs as http://<Host it was called on>/…; keep the
// page's scheme so an HTTPS page never PUTs or loads images over plain HTTP.
function onPageOrigin(raw) {
  const url = new URL(raw, location.href);
  if (url.host === location.host) url.protocol = location.protocol;
  return url.href;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pages = (n) => (n == null ? 'pages unknown' : `${n} page${n === 1 ? '' : 's'}`);

function formatBytes(n) {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${i ? n.toFixed(n < 10 ? 1 : 0) : n} ${units[i]}`;
}

function el(tag, props = {}, children = [], attrs = {}) {
  const node = Object.assign(document.createElement(tag), props);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function createRow(file) {
  const u = { file, state: 'queued', xhr: null, uploadId: null, documentId: null };
  u.progress = el('progress', { max: 1, value: 0 }, [], { 'aria-label': `Upload progress of ${file.name}` });
  u.percent = el('span', { className: 'percent' });
  u.status = el('p', { className: 'status', textContent: 'Waiting…' }, [], { 'aria-live': 'polite' });
  u.abort = el('button', { type: 'button', className: 'abort secondary', textContent: 'Abort' }, [],
    { 'aria-label': `Abort upload of ${file.name}` });
  u.abort.addEventListener('click', () => abortUpload(u));
  u.media = el('div', { className: 'media' });
  u.row = el('li', { className: 'upload' }, [u.media, el('div', { className: 'info' }, [
    el('p', { className: 'title' }, [el('span', { className: 'name', textContent: file.name }),
      el('span', { className: 'size', textContent: formatBytes(file.size) })]),
    el('div', { className: 'bar-line' }, [u.progress, u.percent]),
    u.status,
  ]), u.abort], { 'data-filename': file.name, 'data-state': u.state });
  return u;
}

function setState(u, state, text, kind = '') {
  u.state = state;
  u.row.dataset.state = state;
  u.status.textContent = text;
  u.status.dataset.kind = kind;
  // Abort is offered only until the upload is handed over for processing.
  u.abort.disabled = !abortable(u);
  u.abort.hidden = !inFlight(u) && state !== 'processing';
  $('abort-all').disabled = !uploads.some(abortable);
}

const abortable = (u) => ['queued', 'checking', 'reserving', 'uploading'].includes(u.state);
const inFlight = (u) => abortable(u) || u.state === 'completing';

// ---------- the upload flow ----------

function addFiles(files) {
  for (const file of files) {
    const u = createRow(file);
    uploads.push(u);
    queue.push(u);
    $('uploads').prepend(u.row);
  }
  $('abort-all').disabled = !uploads.some(abortable);
  pump();
}

function pump() {
  while (running < PARALLEL && queue.length) {
    const u = queue.shift();
    if (u.state !== 'queued') continue;   // aborted while waiting
    running++;
    runUpload(u).finally(() => { running--; pump(); });
  }
}

// reserve → PUT the bytes → complete → poll until the document settles.
async function runUpload(u) {
  try {
    setState(u, 'checking', 'Checking the file…');
    await checkLooksLikePdf(u.file);
    if (u.state === 'aborted') return;
    setState(u, 'reserving', 'Reserving space…');
    const created = await api('POST', '/v1/uploads',
      { filename: u.file.name, content_type: 'application/pdf', size_bytes: u.file.size });
    Object.assign(u, { uploadId: created.upload_id, documentId: created.document_id });
    refreshQuota();
    // Aborted while the reservation was being made: give it back, never upload.
    if (u.state === 'aborted') return cancelReservation(u);
    setState(u, 'uploading', 'Uploading…');
    await putBytes(u, onPageOrigin(created.upload_url));
    if (u.state === 'aborted') return;    // abortUpload has cancelled it
    setState(u, 'completing', 'Finishing the upload…');
    // complete is idempotent, so an answer lost to a blip is safe to ask for again.
    const complete = () => api('POST', `/v1/uploads/${u.uploadId}/complete`);
    await complete().catch((err) => (TRANSIENT.has(err.code) ? sleep(2000).then(complete) : Promise.reject(err)));
    setState(u, 'processing', 'Uploaded; processing…');
    loadDocuments(true);
    await showDocument(u, await pollDocument(u));
  } catch (err) {
    if (u.state === 'aborted') return;    // the abort has said so already
    const bytesPending = u.state === 'uploading';
    setState(u, 'failed', describe(err), 'error');
    // The bytes never made it: release the reservation now, not in an hour.
    if (bytesPending && err.code !== 'upload_expired') cancelReservation(u, true);
  } finally {
    refreshQuota();
  }
}

// Empty and non-PDF files are refused before any quota is reserved.
async function checkLooksLikePdf(file) {
  if (file.size === 0) throw apiError('empty_file');
  const head = new Uint8Array(await file.slice(0, 5).arrayBuffer());
  if (String.fromCharCode(...head) !== '%PDF-') throw apiError('unsupported_media_type');
}

// XMLHttpRequest, not fetch: only it reports upload progress. The URL
// carries the upload token, so it is never logged or shown.
function putBytes(u, url) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const fail = (err) => { u.xhr = null; reject(err); };
    u.xhr = xhr;
    xhr.open('PUT', url);
    xhr.setRequestHeader('Content-Type', 'application/pdf');
    xhr.upload.onprogress = (e) => {
      if (!e.lengthComputable) return;
      Object.assign(u.progress, { max: e.total, value: e.loaded });
      u.percent.textContent = `${Math.floor((100 * e.loaded) / e.total)}%`;
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) { u.xhr = null; resolve(); }
      else fail(problem(xhr.status, parseJSON(xhr.responseText)));
    };
    xhr.onerror = () => fail(apiError('network'));
    xhr.ontimeout = () => fail(apiError('upload_timeout'));
    xhr.onabort = () => fail(apiError('network_abort'));
    xhr.send(u.file);
  });
}

function abortUpload(u) {
  if (!abortable(u)) return;
  const reserved = Boolean(u.uploadId);
  setState(u, 'aborted', 'Upload aborted', 'warn');
  if (u.xhr) u.xhr.abort();
  // Without an upload id yet, runUpload cancels once the reservation answers.
  if (reserved) cancelReservation(u);
}

// POST …/cancel so the reserved quota comes back at once.
async function cancelReservation(u, quiet = false) {
  const outcome = await api('POST', `/v1/uploads/${u.uploadId}/cancel`)
    .then(() => 'its space was released', (err) => describe(err).toLowerCase());
  if (!quiet) u.status.textContent = `Upload aborted; ${outcome}`;
  refreshQuota();
}

// Polls the document until it is ready, failed or deleted.
async function pollDocument(u) {
  for (let attempt = 0; ; attempt++) {
    await sleep(attempt < 60 ? POLL_MS : SLOW_POLL_MS);
    try {
      const doc = await api('GET', `/v1/documents/${u.documentId}`);
      if (FINAL.has(doc.status)) return doc;
    } catch (err) {
      if (!TRANSIENT.has(err.code)) throw err;
      u.status.textContent = `${describe(err)}; still trying…`;
    }
  }
}

async function showDocument(u, doc) {
  loadDocuments(true);
  if (doc.status === 'deleted') return setState(u, 'deleted', 'The document was deleted');
  if (doc.status === 'failed') {
    const error = doc.error || {};
    return setState(u, 'failed', `Processing failed: ${MESSAGES[error.error_code] || error.message || 'unknown error'}`, 'error');
  }
  setState(u, 'ready', `Ready: ${pages(doc.page_count)}`, 'ok');
  u.media.replaceChildren(await thumbnail(doc.id, doc.filename));
}

// An <img class="thumb"> of the cover; a URL is reused until near its expiry.
async function thumbnail(id, name) {
  const img = el('img', { className: 'thumb', alt: `Cover of ${name}`, width: 75, height: 100 });
  try {
    let hit = thumbCache.get(id);
    if (!hit || hit.expires - Date.now() < 30000) {
      const answer = await api('POST', `/v1/documents/${id}/download-url`, { variant: 'thumbnail' });
      hit = { url: onPageOrigin(answer.url), expires: Date.parse(answer.expires_at) };
      thumbCache.set(id, hit);
    }
    img.src = hit.url;
  } catch {
    Object.assign(img, { alt: '', className: 'thumb missing' });
  }
  return img;
}

// ---------- the document list ----------

// reset: reload everything already shown in one request (so a refresh keeps
// the person's place); otherwise append the next page.
async function loadDocuments(reset) {
  if (!sessionStorage.getItem(KEY_SLOT)) return;
  const generation = reset ? ++docs.generation : docs.generation;
  const limit = reset ? Math.min(200, Math.max(PAGE, Math.ceil(docs.fetched / PAGE) * PAGE)) : PAGE;
  const after = reset || !docs.after ? '' : `&after=${encodeURIComponent(docs.after)}`;
  try {
    const page = await api('GET', `/v1/documents?limit=${limit}${after}`);
    if (generation !== docs.generation) return;   // a newer refresh owns the list
    if (reset) { $('documents').replaceChildren(); docs.fetched = 0; }
    docs.fetched += page.items.length;
    // Deleted documents and cancelled uploads stay as tombstones on the server; hide them.
    for (const item of page.items) if (item.status !== 'deleted') $('documents').append(documentRow(item));
    docs.after = page.next_after;
    $('documents-more').hidden = !page.next_after;
    if (!$('documents').children.length) say('documents-status', 'No documents yet.');
    else if ($('documents-status').dataset.kind !== 'ok') say('documents-status', '');
  } catch (err) {
    say('documents-status', describe(err), 'error');
  }
}

function documentRow(item) {
  const media = el('div', { className: 'media' });
  const del = el('button', { type: 'button', className: 'delete secondary', textContent: 'Delete' }, [],
    { 'aria-label': `Delete ${item.filename}` });
  del.addEventListener('click', () => deleteDocument(item, del));
  const facts = [item.status === 'ready' ? pages(item.page_count) : '', formatBytes(item.size_bytes)];
  if (item.status === 'ready') thumbnail(item.id, item.filename).then((img) => media.append(img));
  return el('li', { className: 'document' }, [media, el('div', { className: 'info' }, [
    el('p', { className: 'name', textContent: item.filename }),
    el('p', { className: 'meta' }, [el('span', { className: `doc-status is-${item.status}`, textContent: item.status }),
      ` · ${facts.filter(Boolean).join(' · ')}`]),
  ]), del], { 'data-document-id': item.id, 'data-status': item.status });
}

async function deleteDocument(item, button) {
  if (!confirm(`Delete "${item.filename}"? This cannot be undone.`)) return;
  button.disabled = true;
  try {
    await api('DELETE', `/v1/documents/${item.id}`);
    thumbCache.delete(item.id);
    say('documents-status', `Deleted ${item.filename}.`, 'ok');
  } catch (err) {
    button.disabled = false;
    say('documents-status', describe(err), 'error');
  }
  loadDocuments(true);
  refreshQuota();
}

async function refreshQuota(raise = false) {
  try {
    const q = await api('GET', '/v1/quota');
    Object.assign($('quota-meter'), { max: Math.max(1, q.limit_bytes), value: q.used_bytes + q.reserved_bytes });
    $('quota-text').textContent =
      `Used ${formatBytes(q.used_bytes)} · reserved ${formatBytes(q.reserved_bytes)} · limit ${formatBytes(q.limit_bytes)}`;
  } catch (err) {
    if (raise) throw err;
  }
}

function start() {
  const zone = $('drop-zone');
  // A drop that misses the zone must not navigate away from running uploads.
  for (const type of ['dragover', 'drop']) window.addEventListener(type, (e) => e.preventDefault());
  zone.addEventListener('dragover', () => zone.classList.add('over'));
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    zone.classList.remove('over');
    if (e.dataTransfer && e.dataTransfer.files.length) addFiles(e.dataTransfer.files);
  });
  $('file-input').addEventListener('change', (e) => {
    addFiles(Array.from(e.target.files));
    e.target.value = '';   // so picking the same file again still fires
  });
  $('key-form').addEventListener('submit', useKey);
  $('forget-key').addEventListener('click', forgetKey);
  $('abort-all').addEventListener('click', () => uploads.filter(abortable).forEach(abortUpload));
  $('documents-more').addEventListener('click', () => loadDocuments(false));
  $('refresh-documents').addEventListener('click', () => { loadDocuments(true); refreshQuota(); });
  window.addEventListener('beforeunload', (e) => {
    if (!uploads.some(inFlight)) return;
    e.preventDefault();
    e.returnValue = '';    // older browsers show the prompt only with this
  });
  keySetHint();
  if (sessionStorage.getItem(KEY_SLOT)) { refreshQuota(); loadDocuments(true); }
}

start();
