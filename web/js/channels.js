// The channels list: each channel's signals with their types and units, its
// span and rate, searchable by channel or signal name.
import { API, call } from "./api.js";
import { useChannel } from "./build.js";

const $ = (id) => document.getElementById(id);
let channels = [];

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
    cell(c.signals.map(signalText).join(", "));
    cell(c.first || "no data");
    cell(c.last || "");
    cell(c.rate_hz != null ? c.rate_hz + " Hz" : "");
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
  try {
    channels = (await call("GET", API + "/channels")).channels;
    render();
  } catch (e) {
    $("channels-error").textContent = e.message;
  }
}
