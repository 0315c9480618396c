// The quick look: a completed job's min/max-decimated preview from the
// server, drawn with uPlot (zoom: drag across the plot; double-click resets).
import { API, call } from "./api.js";
import uPlot from "../vendor/uplot/1.6.32/uPlot.esm.js";

const $ = (id) => document.getElementById(id);
let plot = null;

function width() {
  return Math.max(300, $("quicklook-plot").clientWidth || 800);
}

let current = null;
let whole = null; // the x range of the whole preview, in seconds

// Zoom without a mouse: halve or double the shown span about its middle.
function zoom(how) {
  if (!plot || !whole) return;
  const { min, max } = plot.scales.x;
  const mid = (min + max) / 2, half = (max - min) / 2;
  let lo = whole[0], hi = whole[1];
  if (how === "in") { lo = mid - half / 2; hi = mid + half / 2; }
  if (how === "out") { lo = Math.max(whole[0], mid - half * 2); hi = Math.min(whole[1], mid + half * 2); }
  plot.setScale("x", { min: lo, max: hi });
}

function showRange() {
  const { min, max } = plot.scales.x;
  $("quicklook-plot").dataset.span = String(Math.round(max - min));
}

// The series on one time axis: every bucket time of any series, with null
// where a series has no value (a gap is drawn as a gap).
function align(series) {
  const times = [...new Set(series.flatMap((s) => s.time_ns))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const data = [times.map((t) => t / 1e9)];
  series.forEach((s) => {
    const lo = new Array(times.length).fill(null), hi = new Array(times.length).fill(null);
    s.time_ns.forEach((t, i) => { lo[index.get(t)] = s.min[i]; hi[index.get(t)] = s.max[i]; });
    data.push(lo, hi);
  });
  return data;
}

export async function showQuickLook(job) {
  current = job || current;
  if (!current) return;
  $("quicklook-error").textContent = "";
  $("ql-signals").removeAttribute("aria-invalid");
  $("quicklook-info").textContent = "Loading the preview of job " + current.job_id + "...";
  const names = $("ql-signals").value.split(",").map((s) => s.trim()).filter(Boolean).join(",");
  try {
    const p = await call("GET", API + "/jobs/" + encodeURIComponent(current.job_id) +
      "/preview?points=2000" + (names ? "&signals=" + encodeURIComponent(names) : ""));
    if (plot) { plot.destroy(); plot = null; }
    if (p.series.length === 0) { $("quicklook-info").textContent = "The export holds no numeric signal to plot."; return; }
    // Each signal is a band: its minimum and maximum in each bucket, so
    // that a spike survives however much the export is reduced.
    const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];
    const series = [{}];
    p.series.forEach((s, i) => {
      const c = colors[i % colors.length];
      series.push({ label: s.channel + "." + s.signal + " min", stroke: c, width: 1 },
                  { label: s.channel + "." + s.signal + " max", stroke: c, width: 1, dash: [4, 2] });
    });
    const data = align(p.series);
    whole = [data[0][0], data[0][data[0].length - 1]];
    plot = new uPlot({ width: width(), height: 320, series, cursor: { drag: { x: true, y: false } },
                       scales: { x: { time: true } },
                       // The API's times are UTC, and so are the form's.
                       tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
                       hooks: { setScale: [() => showRange()] } }, data, $("quicklook-plot"));
    showRange();
    $("ql-zoom").hidden = false;
    $("quicklook-info").textContent = "Job " + current.job_id + ": " + p.series.length + " signals, buckets of " +
      (p.bucket_ns / 1e9) + " s (drag across the plot to zoom, double-click to reset).";
    $("quicklook-panel").scrollIntoView();
  } catch (e) {
    $("quicklook-info").textContent = "";
    $("quicklook-error").textContent = e.message;
    if (e.field === "signals") $("ql-signals").setAttribute("aria-invalid", "true");
  }
}

$("ql-zoom").addEventListener("click", (ev) => {
  const b = ev.target.closest("button[data-zoom]");
  if (b) zoom(b.dataset.zoom);
});
$("ql-form").addEventListener("submit", (ev) => { ev.preventDefault(); showQuickLook(null); });
addEventListener("resize", () => { if (plot) plot.setSize({ width: width(), height: 320 }); });
