// The export form: builds the request body, asks the server for a dry run
// as the form changes (estimate, live channel count, errors beside the
// field they name) and shows the request as JSON, curl and Python.
import { API, call, humanBytes } from "./api.js";
import { addJob } from "./jobs.js";

const $ = (id) => document.getElementById(id);
const form = () => $("build-form");
let dryRunSeq = 0;
let timer = null;

const list = (text) => {
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  return names.length ? names : null;
};

// A datetime-local value, read as UTC: the API wants RFC 3339 with a zone.
function utc(value) {
  if (!value) return "";
  return (value.length === 16 ? value + ":00" : value) + "Z";
}

/** The request body the form describes; throws Problem-like for local errors. */
export function requestBody() {
  const type = $("range-type").value;
  const tr = { type };
  if (type === "preset") tr.name = $("range-preset").value;
  if (type === "absolute" || type === "start_duration") tr.start = utc($("range-start").value);
  if (type === "absolute" || type === "end_duration") tr.end = utc($("range-end").value);
  if (type !== "preset" && type !== "absolute") tr.duration = $("range-duration").value.trim();
  const body = {
    time_range: tr,
    channels: { include: list($("ch-include").value), exclude: list($("ch-exclude").value),
                pattern: $("ch-pattern").value.trim() || null },
  };
  const sig = $("signals").value.trim();
  if (sig) {
    try { body.signals = JSON.parse(sig); } catch (e) {
      throw { field: "signals", message: "signals: not valid JSON (" + e.message + "); write an object such as {\"ch000\": [\"sig0\"]}" };
    }
  }
  const options = { format: $("format").value || "hdf5" };
  const comp = $("compression").value;
  if (comp === "none") options.compression = "none";
  else if (comp) options.compression = { gzip: Number(comp) };
  const dec = $("decimation").value;
  if (dec) {
    const v = $("dec-value").value.trim();
    options.decimation = { method: $("dec-method").value };
    if (dec === "factor") options.decimation.factor = Number(v);
    else options.decimation.interval = v;
  }
  const desc = $("description").value.trim();
  if (desc) options.metadata = { description: desc };
  body.options = options;
  return body;
}

function clearErrors() {
  form().querySelectorAll(".field-error").forEach((p) => p.remove());
  form().querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  $("build-error").textContent = "";
}

// The element whose data-field is the longest prefix of the problem's field
// ("channels.include[2]" -> channels.include, "signals.ch1" -> signals).
function elementFor(field) {
  let best = null, bestLen = -1;
  const plain = field.replace(/\[\d+\]/g, "");
  form().querySelectorAll("[data-field]").forEach((el) => {
    const f = el.dataset.field;
    if ((plain === f || plain.startsWith(f + ".")) && f.length > bestLen && !el.closest("[hidden]")) {
      best = el; bestLen = f.length;
    }
  });
  return best;
}

function showProblem(field, message) {
  const el = field ? elementFor(field) : null;
  if (!el) { $("build-error").textContent = message; return; }
  const p = document.createElement("p");
  p.className = "field-error";
  p.id = el.id + "-error";
  p.setAttribute("role", "alert");
  p.textContent = message;
  // A problem about a whole group (field "channels") goes at the group's end.
  if (el.tagName === "FIELDSET") el.append(p); else el.after(p);
  el.setAttribute("aria-invalid", "true");
  el.setAttribute("aria-describedby", p.id);
}

function showCode(body) {
  const json = JSON.stringify(body, null, 2);
  $("code-json").textContent = json;
  const url = location.origin + API + "/jobs";
  $("code-curl").textContent = "curl -sS -H \"X-API-Key: $PIVOT_API_KEY\" -H 'Content-Type: application/json' \\\n  -d '" +
    JSON.stringify(body).replace(/'/g, "'\\''") + "' \\\n  " + url;
  $("code-python").textContent = "import json, os\nfrom speeddata_pivot import Client\n\n" +
    "client = Client(" + JSON.stringify(location.origin) + ", api_key=os.environ[\"PIVOT_API_KEY\"])\n" +
    "job = client.submit(request=json.loads(" + JSON.stringify(JSON.stringify(body)) + "))\n" +
    "client.wait(job)\nclient.download(job)\n";
}

async function dryRun() {
  const seq = ++dryRunSeq;
  let body;
  clearErrors();
  try { body = requestBody(); } catch (e) { showProblem(e.field, e.message); return; }
  showCode(body);
  try {
    const r = await call("POST", API + "/jobs?dry_run=true", body);
    if (seq !== dryRunSeq) return; // a newer form state is being estimated
    const empty = r.channels.filter((c) => c.samples === 0).map((c) => c.name);
    $("channel-count").textContent = "(" + r.channels.length + " selected)";
    $("estimate").textContent = "Estimate: " + r.estimate.samples.toLocaleString("en") + " samples, " +
      r.estimate.rows.toLocaleString("en") + " rows, " + (r.estimate.bytes_is_upper_bound ? "at most " : "about ") +
      humanBytes(r.estimate.bytes) + " · " + r.time_range.start + " – " + r.time_range.end +
      (empty.length ? " · no data in the range for: " + empty.join(", ") : "");
    $("estimate").dataset.samples = String(r.estimate.samples);
    // The channels list shows each channel's data against this range.
    document.dispatchEvent(new CustomEvent("pivot:range", { detail: r.time_range }));
  } catch (e) {
    if (seq !== dryRunSeq) return;
    $("estimate").textContent = "";
    delete $("estimate").dataset.samples;
    if (e.field && e.field.startsWith("channels")) $("channel-count").textContent = "(none selected)";
    showProblem(e.field, e.message);
  }
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(dryRun, 300);
}

function showRangeInputs() {
  const type = $("range-type").value;
  form().querySelectorAll("[data-range]").forEach((div) => {
    div.hidden = !div.dataset.range.split(" ").includes(type);
  });
  $("decimation-detail").hidden = !$("decimation").value;
}

async function fillChoices() {
  try {
    const presets = await call("GET", API + "/presets");
    $("range-preset").replaceChildren(...presets.presets.map((p) => {
      const o = document.createElement("option");
      o.value = p.name;
      o.textContent = p.name + (p.start ? " (" + p.start + " – " + p.end + ")" : "");
      o.title = p.description || "";
      return o;
    }));
  } catch (e) { $("build-error").textContent = "presets: " + e.message; }
  try {
    const health = await call("GET", "/api/v1/health");
    $("format").replaceChildren(...health.formats.map((f) => {
      const o = document.createElement("option");
      o.value = o.textContent = f.name;
      o.selected = f.name === "hdf5";
      return o;
    }));
  } catch (e) { $("build-error").textContent = "formats: " + e.message; }
}

/** Puts a channel from the channels list into the form's include list. */
export function useChannel(name) {
  const names = list($("ch-include").value) || [];
  if (!names.includes(name)) names.push(name);
  $("ch-include").value = names.join(", ");
  schedule();
  $("ch-include").focus();
}

export async function startBuild() {
  await fillChoices();
  showRangeInputs();
  form().addEventListener("input", () => { showRangeInputs(); schedule(); });
  form().addEventListener("change", () => { showRangeInputs(); schedule(); });
  form().addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors();
    let body;
    try { body = requestBody(); } catch (e) { showProblem(e.field, e.message); return; }
    try {
      const job = await call("POST", API + "/jobs", body);
      addJob(job);
      $("estimate").textContent = "Submitted job " + job.job_id;
    } catch (e) { showProblem(e.field, e.message); }
  });
  document.querySelectorAll("button[data-copy]").forEach((b) => b.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($(b.dataset.copy).textContent);
      b.textContent = "Copied";
    } catch (e) {
      // Clipboard access needs a secure context; select the text instead.
      const range = document.createRange();
      range.selectNodeContents($(b.dataset.copy));
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    }
  }));
  schedule();
}
