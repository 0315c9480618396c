// The jobs list: live progress by long polling each unfinished job
// (GET /jobs/{id}?wait=30 with If-None-Match), never more often than once a
// second, so that a server that answers at once is not polled in a tight loop.
import { API, call, download, humanBytes, pollJob } from "./api.js";
import { showQuickLook } from "./quicklook.js";

const $ = (id) => document.getElementById(id);
const FINISHED = new Set(["completed", "failed", "cancelled", "expired"]);
const MIN_POLL_MS = 1000;
// A browser opens about six connections to one server over HTTP/1.1; long
// polls beyond two would leave none for the form's dry runs. The other
// unfinished jobs are asked without waiting, every two seconds.
const MAX_LONG_POLLS = 2;
const SHORT_POLL_MS = 2000;
let longPolls = 0;
const rows = new Map();      // job_id -> <tr>
const watching = new Set();  // job ids with a poll loop running
let owner = "";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// What the file holds: per channel samples and span, missing channels and
// source warnings, folded away until asked for.
function resultDetail(result) {
  const d = document.createElement("details");
  d.className = "job-detail";
  const summary = document.createElement("summary");
  summary.textContent = result.channels_exported + " channels, " +
    result.samples_exported.toLocaleString("en") + " samples" + (result.partial ? ", partial" : "");
  const ul = document.createElement("ul");
  (result.channels || []).forEach((c) => {
    const li = document.createElement("li");
    li.textContent = c.name + ": " + c.samples.toLocaleString("en") + " samples" +
      (c.first ? ", " + c.first + " – " + c.last : "");
    ul.append(li);
  });
  // missing_data names every channel short of data (none at all, or part of
  // the range); channels_missing alone is what a gap inside the range left empty.
  const told = new Set();
  (result.missing_data || []).forEach((m) => {
    const li = document.createElement("li");
    li.className = "warning";
    li.textContent = m.message;
    told.add(m.channel);
    ul.append(li);
  });
  (result.channels_missing || []).filter((n) => !told.has(n)).forEach((n) => {
    const li = document.createElement("li");
    li.textContent = n + ": no data in the range";
    ul.append(li);
  });
  (result.warnings || []).forEach((w) => {
    const li = document.createElement("li");
    li.className = "error";
    li.textContent = "warning: " + w;
    ul.append(li);
  });
  d.append(summary, ul);
  return d;
}

function button(label, action, job) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.className = "secondary";
  b.dataset.action = action;
  b.setAttribute("aria-label", label + " job " + job.job_id);
  return b;
}

function render(job) {
  let tr = rows.get(job.job_id);
  if (!tr) {
    tr = document.createElement("tr");
    tr.dataset.job = job.job_id;
    rows.set(job.job_id, tr);
    $("jobs-table").tBodies[0].prepend(tr);
  }
  // Unchanged jobs keep their row as it is, so that focus and a button
  // about to be pressed stay where they are.
  const text = JSON.stringify(job);
  if (tr._text === text) return;
  tr._text = text;
  tr.dataset.status = job.status;
  tr.replaceChildren();
  const cell = (text) => { const td = document.createElement("td"); td.textContent = text; tr.append(td); return td; };
  cell(job.job_id).className = "job-id";
  const status = cell(job.status + (job.queue_position ? " (#" + job.queue_position + " in queue)" : ""));
  status.className = "job-status";
  if (job.error) {
    const why = document.createElement("div");
    why.className = "job-error";
    why.textContent = job.error;
    status.append(why);
  }
  if (job.result) status.append(resultDetail(job.result));
  const p = cell("");
  const bar = document.createElement("progress");
  bar.max = 100;
  bar.value = job.progress || 0;
  bar.setAttribute("aria-label", "progress of job " + job.job_id);
  const pct = document.createElement("span");
  pct.className = "job-progress";
  pct.textContent = " " + (job.progress || 0) + " %";
  p.append(bar, pct);
  cell(job.time_range ? job.time_range.start + " – " + job.time_range.end : "");
  cell(job.format || "");
  const size = cell(job.result ? humanBytes(job.result.file_size) : "");
  if (job.result && job.result.partial) {
    const short = new Set((job.result.missing_data || []).map((m) => m.channel).concat(job.result.channels_missing || []));
    size.textContent += " (partial: " + short.size + (short.size === 1 ? " channel" : " channels") + " short of data)";
  }
  const actions = cell("");
  if (!FINISHED.has(job.status)) actions.append(button("Cancel", "cancel", job));
  if (job.status === "completed") actions.append(button("Download", "download", job), button("Quick look", "quicklook", job));
  if (FINISHED.has(job.status)) actions.append(button("Delete", "delete", job));
  tr._job = job;
}

async function watch(id) {
  if (watching.has(id)) return;
  watching.add(id);
  try {
    // The first read gives the job's state and ETag; each long poll then
    // names that state, so a change between two polls is answered at once.
    let etag = null;
    for (let tries = 0; tries < 100000; tries++) {
      const t0 = Date.now();
      const long = etag !== null && longPolls < MAX_LONG_POLLS;
      const first = etag === null;
      let job;
      if (long) longPolls++;
      try {
        ({ job, etag } = await pollJob(id, etag, long ? 30 : 0));
      } catch (e) {
        if (e.status === 404) { rows.get(id)?.remove(); rows.delete(id); return; }
        $("jobs-error").textContent = e.message;
        await sleep(5000);
        continue;
      } finally {
        if (long) longPolls--;
      }
      render(job);
      if (FINISHED.has(job.status)) return;
      if (!first) await sleep(Math.max(0, (long ? MIN_POLL_MS : SHORT_POLL_MS) - (Date.now() - t0)));
    }
  } finally {
    watching.delete(id);
  }
}

/** Shows a job just submitted and follows it. */
export function addJob(job) {
  render(Object.assign({ progress: 0 }, job));
  watch(job.job_id);
}

async function refresh() {
  $("jobs-error").textContent = "";
  try {
    const q = "?limit=50" + (owner ? "&owner=" + encodeURIComponent(owner) : "");
    const list = await call("GET", API + "/jobs" + q);
    rows.forEach((tr) => tr.remove());
    rows.clear();
    list.jobs.slice().reverse().forEach((job) => {
      render(job);
      if (!FINISHED.has(job.status)) watch(job.job_id);
    });
  } catch (e) {
    $("jobs-error").textContent = e.message;
  }
}

async function act(tr, action) {
  const job = tr._job;
  $("jobs-error").textContent = "";
  try {
    if (action === "download") return await download(job);
    if (action === "quicklook") return showQuickLook(job);
    const done = await call("DELETE", API + "/jobs/" + encodeURIComponent(job.job_id));
    if (done.action === "deleted") { tr.remove(); rows.delete(job.job_id); return; }
    render(done);
    watch(job.job_id);
  } catch (e) {
    $("jobs-error").textContent = job.job_id + ": " + e.message;
  }
}

export function startJobs(quota) {
  $("jobs-table").addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-action]");
    if (b) act(b.closest("tr"), b.dataset.action);
  });
  if (quota.role === "admin") {
    // An admin sees everyone's jobs; the filter narrows them to one user.
    const label = document.createElement("label");
    label.htmlFor = "owner-filter";
    label.textContent = "User (empty: everyone)";
    const input = document.createElement("input");
    input.id = "owner-filter";
    input.addEventListener("change", () => { owner = input.value.trim(); refresh(); });
    $("jobs-title").after(label, input);
  }
  refresh();
}
