// The page's entry point: sign in (key or the site's single sign-on), then
// the jobs, the export form, the channels and the quick look.
import { API, call, saveKey, forgetKey, savedKey, Problem } from "./api.js";
import { startJobs } from "./jobs.js";
import { startBuild } from "./build.js";
import { startChannels } from "./channels.js";

const $ = (id) => document.getElementById(id);

async function whoAmI() {
  try {
    return await call("GET", API + "/quota");
  } catch (e) {
    if (e instanceof Problem && e.status === 401) return null;
    throw e;
  }
}

function showApp(quota) {
  $("login").hidden = true;
  $("app").hidden = false;
  $("who").textContent = quota.user + " (" + quota.role + ")" + (savedKey() ? "" : " via single sign-on");
  $("sign-out").hidden = !savedKey();
  startJobs(quota);
  startBuild();
  startChannels();
}

function showLogin(message) {
  $("app").hidden = true;
  $("login").hidden = false;
  $("api-key-error").textContent = message || "";
  $("api-key").setAttribute("aria-invalid", message ? "true" : "false");
  $("api-key").focus();
}

async function boot() {
  // With trusted-header SSO (or the anonymous backend) the API answers
  // without a key, and the page never asks for one.
  const quota = await whoAmI().catch((e) => { showLogin(e.message); return undefined; });
  if (quota) showApp(quota);
  else if (quota === null) { forgetKey(); showLogin(""); }
}

$("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  saveKey($("api-key").value.trim());
  const quota = await whoAmI().catch((e) => { showLogin(e.message); return undefined; });
  if (quota) { $("api-key").value = ""; showApp(quota); }
  else if (quota === null) { forgetKey(); showLogin("This key was refused: check it, or ask an administrator for one."); }
});

$("sign-out").addEventListener("click", () => { forgetKey(); location.reload(); });

boot();
