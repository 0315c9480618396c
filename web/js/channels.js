// The channels list: each channel's signals with their types and units, its
// span and rate, searchable by channel or signal name.
import { API, call } from "./api.js";
import { useChannel } from "./build.js";

const $ = (id) => document.getElementById(id);
let channels = [];
let range = null; // the form's resolved range, from its last dry run

// A bar over the form's range: where this channel has data in it (from its
// first to its last sample; gaps inside are not known without reading it).
function availability(c) {
  const wrap = document.createElement("div");
  wrap.className = "avail";
  if (!range || !c.first || !c.last) { wrap.textContent = range ? "no data" : ""; return wrap; }
  const r0 = Date.parse(range.start), r1 = Date.parse(range.end);
  const a = Math.max(Date.parse(c.first), r0), b = Math.min(Date.parse(c.last), r1);
  const bar = document.createElement("span");
  const covered = b > a && r1 > r0 ? (b - a) / (r1 - r0) : 0;
  wrap.dataset.coverage = String(Math.round(covered * 100));
  wrap.setAttribute("role", "img");
  wrap.setAttribute("aria-label", c.name + ": data over " + wrap.dataset.coverage + " % of the range");
  wrap.title = wrap.getAttribute("aria-label");
  if (covered > 0) {
    bar.style.left = ((a - r0) / (r1 - r0) * 100) + "%";
    bar.style.width = (covered * 100) + "%";
    wrap.append(bar);
  }
  return wrap;
}

function signalText(s) {
  return s.name + ": " + s.type + (s.units ? " [" + s.units + "]" : "") + (s.nullable ? "?" : "");
}

function render() {
  const q = $("channel-search").value.trim().toLowerCase();
  const body = $("channels-table").tBodies[0];
  const shown = channels.filter((c) => !q || c.name.toLowerCase().includes(q) ||
    c.signals.some((s) => s.name.toLowerCase().includes(q)));
  body.replaceChildren(...shown.map((c) => {
    const tr = document.createElement("tr");
    tr.dataset.channel = c.name;
    const cell = (text) => { const td = document.createElement("td"); td.textContent = text; tr.append(td); return td; };
    cell(c.name).className = "channel-name";
    cell(c.signals.map(signalText).join(", ")).className = "small";
    cell(c.first ? c.first + " – " + c.last : "no data").className = "small";
    cell(c.rate_hz != null ? c.rate_hz + " Hz" : "");
    cell("").append(availability(c));
    const b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = "Add";
    b.setAttribute("aria-label", "Add " + c.name + " to the export");
    b.addEventListener("click", () => useChannel(c.name));
    cell("").append(b);
    return tr;
  }));
}

export async function startChannels() {
  $("channel-search").addEventListener("input", render);
  document.addEventListener("pivot:range", (ev) => { range = ev.detail; render(); });
  try {
    channels = (await call("GET", API + "/channels")).channels;
    render();
  } catch (e) {
    $("channels-error").textContent = e.message;
  }
}
