// The quick look: a completed job's min/max-decimated preview from the
// server, drawn with uPlot (zoom: drag across the plot; double-click resets).
import { API, call } from "./api.js";
import uPlot from "../vendor/uplot/1.6.32/uPlot.esm.js";

const $ = (id) => document.getElementById(id);
let plot = null;

function width() {
  return Math.max(300, $("quicklook-plot").clientWidth || 800);
}

export async function showQuickLook(job) {
  $("quicklook-error").textContent = "";
  $("quicklook-info").textContent = "Loading the preview of job " + job.job_id + "...";
  try {
    const p = await call("GET", API + "/jobs/" + encodeURIComponent(job.job_id) + "/preview?points=2000");
    if (plot) { plot.destroy(); plot = null; }
    // One band per signal: its minimum and maximum in each bucket, so that
    // a spike survives decimation.
    const first = p.series[0];
    if (!first) { $("quicklook-info").textContent = "The export holds no numeric signal to plot."; return; }
    const xs = first.time_ns.map((t) => t / 1e9);
    const data = [xs];
    const series = [{}];
    const colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"];
    p.series.forEach((s, i) => {
      if (s.time_ns.length !== xs.length) return;
      const c = colors[i % colors.length];
      data.push(s.min, s.max);
      series.push({ label: s.channel + "." + s.signal + " min", stroke: c, width: 1 },
                  { label: s.channel + "." + s.signal + " max", stroke: c, width: 1, dash: [4, 2] });
    });
    plot = new uPlot({ width: width(), height: 320, series, cursor: { drag: { x: true, y: false } },
                       scales: { x: { time: true } } }, data, $("quicklook-plot"));
    $("quicklook-info").textContent = "Job " + job.job_id + ": " + p.series.length + " signals, " +
      xs.length + " buckets each (drag to zoom, double-click to reset).";
    $("quicklook-panel").scrollIntoView();
  } catch (e) {
    $("quicklook-info").textContent = "";
    $("quicklook-error").textContent = e.message;
  }
}

addEventListener("resize", () => { if (plot) plot.setSize({ width: width(), height: 320 }); });
