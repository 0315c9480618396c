// Talking to the Pivot API: the key from session storage in X-API-Key (never
// a cookie, so other sites cannot make the browser send it), and errors as
// RFC 9457 problem documents.
const KEY_ITEM = "pivot.apiKey";
export const API = "/api/v1/pivot";

/** A byte count in binary units, as the server writes them ("1.5 MiB"). */
export function humanBytes(n) {
  if (n == null) return "";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + " " + units[i];
}

export function savedKey() { return sessionStorage.getItem(KEY_ITEM); }
export function saveKey(key) { sessionStorage.setItem(KEY_ITEM, key); }
export function forgetKey() { sessionStorage.removeItem(KEY_ITEM); }

/** An error carrying the server's problem document (status, detail, field). */
export class Problem extends Error {
  constructor(doc) {
    super(doc.detail || doc.title || ("HTTP " + doc.status));
    this.doc = doc;
    this.status = doc.status;
    this.field = doc.field || null;
  }
}

export function authHeaders(extra) {
  const h = Object.assign({}, extra || {});
  const key = savedKey();
  if (key) h["X-API-Key"] = key;
  return h;
}

/** Fetches a path and returns the parsed JSON body; throws Problem otherwise. */
export async function call(method, path, body, signal) {
  return (await exchange(method, path, body, signal)).doc;
}

/**
 * One read of a job: with an ETag of an earlier answer and a wait in seconds,
 * answered when the job changes from that state (long polling). Returns
 * { job, etag }.
 */
export async function pollJob(id, etag, wait) {
  const path = API + "/jobs/" + encodeURIComponent(id) + (etag && wait ? "?wait=" + wait : "");
  const r = await exchange("GET", path, undefined, undefined, etag ? { "If-None-Match": etag } : {});
  return { job: r.doc, etag: r.etag };
}

async function exchange(method, path, body, signal, headers) {
  const init = { method, headers: authHeaders(headers), signal, credentials: "same-origin" };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const r = await fetch(path, init);
  const text = await r.text();
  let doc = null;
  try { doc = text ? JSON.parse(text) : null; } catch (e) { doc = null; }
  if (!r.ok) {
    throw new Problem(doc && typeof doc === "object" ? Object.assign({ status: r.status }, doc)
                                                      : { status: r.status, detail: text.slice(0, 200) });
  }
  return { doc, etag: r.headers.get("ETag") };
}

/** Downloads a job's file with the key and hands it to the browser as a file. */
export async function download(job) {
  const r = await fetch(job.result.file_url, { headers: authHeaders() });
  if (!r.ok) throw new Problem(await r.json().catch(() => ({ status: r.status })));
  const disposition = r.headers.get("Content-Disposition") || "";
  const m = /filename="([^"]+)"/.exec(disposition);
  const blob = await r.blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = m ? m[1] : "pivot-" + job.job_id;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}
