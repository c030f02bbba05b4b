// lwsim explorer: the page's script. Plain JavaScript, no library; charts are inline SVG drawn
// here. It talks only to the server that served it (the JSON API of INTERFACE.md, "lwsim serve").
"use strict";

const COLOURS = { start: "#0072B2", changed: "#D55E00", ink: "#222222",
  stages: ["#D55E00", "#F0E442", "#009E73"], grid: "#dddddd" };

// Lever groups: the main levers (slider range and step suited to a meeting, and a plain name),
// then every other key of
// /api/keys whose name starts with one of the prefixes, one click away.
const GROUPS = [
  { title: "Community funding", main: {
      "funding.annual_cut": [0, 0.5, 0.01, "Annual cut in community funding"], "funding.community_budget": [0, 3, 0.05, "Community funding, times baseline"],
      "funding.per_referral": [0, 500, 10, "Paid per accepted referral (£)"] },
    more: ["funding.", "community."] },
  { title: "Practices and GP buy-in", main: {
      "practices.gp_buy_in.mean": [0, 1, 0.05, "GP buy-in at the start"], "practices.collaborative_leadership.mean": [0, 1, 0.05, "Collaborative leadership"],
      "practices.team_dynamics.mean": [0, 1, 0.05, "Team dynamics"], "practices.competing_innovations_per_year": [0, 6, 0.25, "Competing initiatives a year"] },
    more: ["practices."] },
  { title: "Link workers and caseload", main: {
      "link_workers.caseload_cap": [5, 100, 1, "Caseload cap (active cases per FTE)"], "link_workers.fte_per_practice": [0.1, 3, 0.05, "Link-worker FTE per practice"],
      "link_workers.holistic_share": [0, 1, 0.05, "Share given holistic support"] },
    more: ["link_workers."] },
  { title: "Programme support", main: {
      "link_workers.support": [0, 1, 0.05, "Supervision and peer support"], "funding.practice_development": [0, 1, 0.05, "Practice development fund"] },
    more: ["implementation."] },
  { title: "Patients", main: {}, more: ["patients."] },
  { title: "Length of run", main: {}, more: ["simulation.weeks"] },
];
const NOT_LEVERS = ["name", "description", "simulation.replicates", "simulation.seed", "output.detail_replicates"];

// What the tables and charts show (GET /api/figures: the headline figures and weekly measures as
// lwsim declares them, each with its label and unit, in the page's order).
const state = { keys: [], byKey: {}, figures: null, base: {}, values: {}, source: null, fileName: null, running: false };
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

// ---- talking to the server ------------------------------------------------------------------
async function api(path, body) {
  const options = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) };
  const response = await fetch(path, options);
  let data = null;
  try { data = await response.json(); } catch (_) { /* not JSON: reported below */ }
  if (!response.ok) {
    const message = data && data.error ? data.error : `the server answered ${response.status}`;
    const e = new Error(message);
    e.expected = true;
    throw e;
  }
  return data;
}

// The starting scenario as a run specification (a shipped name or the opened file's text).
function startSpec() { return state.source.kind === "name" ? { scenario: state.source.name } : { toml: state.source.text }; }

// The levers that differ from the starting scenario, as "set" (and a new name, so that the
// downloaded file's results do not overwrite the starting scenario's).
function changedSet() {
  const set = {};
  for (const [key, value] of Object.entries(state.values)) {
    if (value !== state.base[key]) set[key] = value;
  }
  if (Object.keys(set).length > 0) set.name = `${state.base.name}-changed`;
  return set;
}
function changedSpec() { return Object.assign(startSpec(), { set: changedSet() }); }
function runNumbers() { return { replicates: Number($("replicates").value), seed: Number($("seed").value) }; }

// ---- levers ---------------------------------------------------------------------------------
function groupOf(key) {
  for (const g of GROUPS) if (key in g.main) return null;
  const g = GROUPS.find((g) => g.more.some((p) => key === p || key.startsWith(p)));
  return g || GROUPS[0];
}

function leverControl(spec, range) {
  const id = "k-" + spec.key.replace(/\./g, "-");
  const wrap = document.createElement("div");
  wrap.className = "lever";
  wrap.dataset.key = spec.key;
  const step = range ? range[2] : "any";
  const title = range ? `${range[3]} <code>${spec.key}</code>` : `<code>${spec.key}</code>`;
  wrap.innerHTML = `<label class="name" for="${id}"><span>${title}</span><span class="changed" aria-hidden="true"></span></label>
    <div class="inputs">${range ? `<input type="range" id="${id}-slider" aria-label="${range ? range[3] : spec.key} (slider)" min="${range[0]}" max="${range[1]}" step="${range[2]}">` : ""}
    <input type="number" id="${id}" min="${spec.min}" max="${spec.max}" step="${step}" aria-describedby="${id}-m"></div>
    <p class="meaning" id="${id}-m"></p>`;
  wrap.querySelector(".meaning").textContent = `${spec.meaning} [${spec.unit}; ${spec.min} to ${spec.max}]`;
  const number = wrap.querySelector('input[type="number"]');
  const slider = wrap.querySelector('input[type="range"]');
  const set = (raw, from) => {
    if (raw === "" || !Number.isFinite(Number(raw))) return;
    const value = Number(raw);
    state.values[spec.key] = value;
    if (from !== number) number.value = value;
    if (slider && from !== slider) slider.value = value;
    const changed = value !== state.base[spec.key];
    wrap.querySelector(".changed").textContent = changed ? `● was ${state.base[spec.key]}` : "";
    number.setAttribute("aria-label", `${range ? range[3] : spec.key}${changed ? `, changed from ${state.base[spec.key]}` : ""}`);
    showCommand();
  };
  number.addEventListener("input", () => set(number.value, number));
  if (slider) slider.addEventListener("input", () => set(slider.value, slider));
  wrap.setValue = (v) => set(v, null);
  return wrap;
}

function buildLevers() {
  const root = $("levers");
  root.textContent = "";
  for (const g of GROUPS) {
    const fieldset = document.createElement("fieldset");
    fieldset.innerHTML = `<legend>${g.title}</legend>`;
    for (const [key, range] of Object.entries(g.main)) {
      if (state.byKey[key]) fieldset.appendChild(leverControl(state.byKey[key], range));
    }
    const rest = state.keys.filter((k) => k.min !== null && !NOT_LEVERS.includes(k.key) && groupOf(k.key) === g);
    if (rest.length > 0) {
      const details = document.createElement("details");
      details.innerHTML = `<summary>More: ${rest.length} other ${rest.length === 1 ? "key" : "keys"}</summary>`;
      for (const k of rest) details.appendChild(leverControl(k, null));
      fieldset.appendChild(details);
    }
    root.appendChild(fieldset);
  }
}

function leverFor(key) { return document.querySelector(`.lever[data-key="${key}"]`); }

function resetLevers() {
  for (const el of document.querySelectorAll(".lever")) el.setValue(state.base[el.dataset.key]);
}

// ---- choosing the starting scenario --------------------------------------------------------
async function useSource(source) {
  clearError();
  const resolved = await api("/api/resolve", source.kind === "name" ? { scenario: source.name } : { toml: source.text });
  state.source = source;
  state.base = resolved.values;
  state.values = {};
  for (const el of document.querySelectorAll(".lever")) state.values[el.dataset.key] = state.base[el.dataset.key];
  resetLevers();
  $("seed").value = resolved.values["simulation.seed"];
  $("start-note").textContent = `${resolved.values.description || resolved.values.name} Its file runs ${resolved.values["simulation.replicates"].toLocaleString("en-GB")} replicates; the explorer runs as many as you choose under Run.`;
  showCommand();
}

async function openFile(file) {
  const text = await file.text();
  try {
    await useSource({ kind: "toml", text, name: file.name });
    state.fileName = file.name;
    $("scenario").value = "";
  } catch (e) { showError(e); }
}

// ---- run -------------------------------------------------------------------------------------
async function run() {
  if (state.running) return;
  clearError();
  const { replicates, seed } = runNumbers();
  // A changed length of run applies to both: scenarios are compared month by month.
  const reference = startSpec();
  const weeks = changedSet()["simulation.weeks"];
  if (weeks !== undefined) reference.set = { "simulation.weeks": weeks };
  const body = { reference, scenario: changedSpec(), replicates, seed };
  state.running = true;
  $("run").disabled = true;
  $("progress").hidden = false;
  $("results").setAttribute("aria-busy", "true");
  document.body.dataset.state = "running";
  const started = performance.now();
  const tick = () => { $("status").textContent = `Running ${replicates} replicates of both scenarios… ${((performance.now() - started) / 1000).toFixed(1)} s`; };
  tick();
  const timer = setInterval(tick, 200);
  try {
    const result = await api("/api/compare", body);
    const seconds = (performance.now() - started) / 1000;
    render(result);
    // (A headless browser's virtual time stands still while it waits: no time to show then.)
    $("status").textContent = `Done: ${replicates} replicates of each scenario${seconds >= 0.05 ? ` in ${seconds.toFixed(1)} s` : ""}.`;
    document.body.dataset.state = "done";
  } catch (e) {
    showError(e);
    $("status").textContent = "";
    document.body.dataset.state = "error";
  } finally {
    clearInterval(timer);
    state.running = false;
    $("run").disabled = false;
    $("progress").hidden = true;
    $("results").removeAttribute("aria-busy");
  }
}

function showError(e) {
  $("error").hidden = false;
  $("error").textContent = e.message;
  if (!e.expected) console.error(e);
}
function clearError() { $("error").hidden = true; $("error").textContent = ""; }

// ---- reproducing -------------------------------------------------------------------------------
function quote(s) { return /^[A-Za-z0-9_.,:=+\/-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`; }

function showCommand() {
  if (!state.source) return;
  const { replicates, seed } = runNumbers();
  const file = state.source.kind === "name" ? `scenarios/${state.source.name}.toml` : state.source.name;
  const sets = Object.entries(changedSet()).map(([k, v]) => ` --set ${quote(`${k}=${v}`)}`).join("");
  const changedName = changedSet().name || state.base.name;
  $("command").textContent =
    `# the changed scenario alone:\nlwsim run ${quote(file)}${sets} --replicates ${replicates} --seed ${seed}\n` +
    `# or the downloaded file, against the starting scenario (comparison/effects.csv):\n` +
    `lwsim run ${quote(file)} ${quote(changedName + ".toml")} --replicates ${replicates} --seed ${seed}`;
}

async function download() {
  clearError();
  try {
    const resolved = await api("/api/resolve", Object.assign(changedSpec(), runNumbers()));
    const name = `${resolved.values.name}.toml`;
    const url = URL.createObjectURL(new Blob([resolved.toml], { type: "application/toml" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  } catch (e) { showError(e); }
}

// ---- numbers ---------------------------------------------------------------------------------
// A figure in its unit (/api/figures): "percent" in % (effects in percentage points), "pounds"
// whole, anything else ("number") as it is.
function fmt(value, unit, effect) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const sign = effect && value > 0 ? "+" : "";
  if (value < 0) return "−" + fmt(-value, unit, effect).replace(/^\+/, "");
  if (unit === "percent") return `${sign}${(value * 100).toFixed(1)}${effect ? " pp" : "%"}`;
  if (unit === "pounds") return `${sign}£${Math.round(value).toLocaleString("en-GB")}`.replace("£-", "−£");
  return sign + (Math.abs(value) >= 100 ? Math.round(value).toLocaleString("en-GB") : value.toFixed(2));
}

// An effect to `places` decimals (points for a share), as the comparison page shows a mean and
// its confidence interval (src/report/compare.rs, format_effect_at): a value that is not 0 never
// reads as 0, and rounding noise reads "~0".
function fmtAt(value, unit, places) {
  if (value === 0) return "0";
  const sign = value > 0 ? "+" : "−";
  const shown = Math.abs(unit === "percent" ? value * 100 : value);
  let p = places;
  while (p < 4 && Number(shown.toFixed(p)) === 0) p += 1;
  if (Number(shown.toFixed(p)) === 0) return "~0";
  const digits = unit === "pounds"
    ? Number(shown.toFixed(p)).toLocaleString("en-GB", { minimumFractionDigits: p, maximumFractionDigits: p })
    : shown.toFixed(p);
  return unit === "percent" ? `${sign}${digits} pp` : unit === "pounds" ? `${sign}£${digits}` : sign + digits;
}

// Decimal places that show an interval of half-width `half` to one significant digit (at least
// one for points and numbers, none for pounds, at most four).
function placesFor(half, unit) {
  const shown = unit === "percent" ? half * 100 : half;
  return Math.min(4, Math.max(unit === "pounds" ? 0 : 1, -Math.floor(Math.log10(shown))));
}

// A table cell: the mean above the 90% range of replicates; for an effect, the 90% confidence
// interval of its mean in brackets between them (/api/compare's mean_lo, mean_hi), both to the
// places that interval warrants.
function cell(stats, unit, effect) {
  if (!stats) return `<td>–</td>`;
  const clear = effect && (stats.p05 > 0 || stats.p95 < 0) ? " clear" : "";
  let mean = fmt(stats.mean, unit, effect), ci = "";
  if (effect && stats.mean_lo !== null && stats.mean_lo !== undefined && stats.mean_hi !== null && stats.mean_hi !== undefined) {
    if (stats.mean_lo === stats.mean_hi) {
      ci = `<span class="ci">(the same in every pair)</span>`;
    } else {
      const places = placesFor((stats.mean_hi - stats.mean_lo) / 2, unit);
      mean = fmtAt(stats.mean, unit, places);
      ci = `<span class="ci">(${fmtAt(stats.mean_lo, unit, places)} to ${fmtAt(stats.mean_hi, unit, places)})</span>`;
    }
  }
  return `<td class="${effect ? "effect" + clear : ""}">${mean}${ci}<span class="interval">${fmt(stats.p05, unit, effect)} to ${fmt(stats.p95, unit, effect)}</span></td>`;
}

function table(el, result, rows) {
  const effects = Object.fromEntries(result.effects.map((e) => [e.measure, e]));
  const ref = result.reference.summary, changed = result.scenario.summary;
  el.innerHTML = `<thead><tr><th scope="col">Figure</th><th scope="col" class="start">Starting: ${escapeHtml(ref.scenario)}</th>
    <th scope="col" class="changed">Changed: ${escapeHtml(changed.scenario)}</th><th scope="col">Effect of the change (paired)</th></tr></thead><tbody>` +
    rows.filter(({ name }) => name in ref || name in changed).map(({ name, label, unit }) => `<tr data-measure="${name}"><th scope="row">${escapeHtml(label)}</th>${cell(ref[name], unit)}${cell(changed[name], unit)}${cell(effects[name], unit, true)}</tr>`).join("") +
    `</tbody>`;
}

function escapeHtml(s) { return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]); }

// ---- charts (inline SVG) ----------------------------------------------------------------------
function series(result, measure) {
  const rows = result.monthly.filter((r) => r.measure === measure).sort((a, b) => a.month - b.month);
  return { month: rows.map((r) => r.month), mean: rows.map((r) => r.mean), p05: rows.map((r) => r.p05), p95: rows.map((r) => r.p95) };
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

// A line chart: lines = [{s, colour, dash, band, label}], y scaled by `scale` (100 for %).
// `count`: whole things, so the top is at least 5 and every tick a whole number.
function lineChart({ lines, yLabel, scale = 1, yMax = null, width = 760, height = 300, title = "", count = false }) {
  const m = { l: 62, r: 14, t: title ? 30 : 12, b: 44 };
  const months = Math.max(1, ...lines.map((l) => l.s.month[l.s.month.length - 1] || 0));
  const top = yMax !== null ? yMax : niceMax(Math.max(count ? 5 : 0, ...lines.flatMap((l) => (l.band ? l.s.p95 : l.s.mean).map((v) => (v || 0) * scale))));
  const x = (mo) => m.l + (mo / months) * (width - m.l - m.r);
  const y = (v) => height - m.b - (Math.min(v * scale, top) / top) * (height - m.t - m.b);
  let svg = `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title || yLabel)}" xmlns="http://www.w3.org/2000/svg">`;
  if (title) svg += `<text x="${m.l}" y="18" font-size="15" font-weight="700">${escapeHtml(title)}</text>`;
  // Ticks at round steps: 5 of them, or 4 when the top is 2 (or 20, 200...) times a power of ten.
  const mantissa = Math.round(top / Math.pow(10, Math.floor(Math.log10(top))));
  const ticks = mantissa === 2 ? 4 : 5;
  for (let i = 0; i <= ticks; i++) {
    const v = (top * i) / ticks, yy = height - m.b - (i / ticks) * (height - m.t - m.b);
    svg += `<line x1="${m.l}" x2="${width - m.r}" y1="${yy}" y2="${yy}" stroke="${COLOURS.grid}"/>`;
    svg += `<text x="${m.l - 6}" y="${yy + 4}" font-size="13" text-anchor="end">${+v.toFixed(2)}</text>`;
  }
  const step = months > 36 ? 12 : 6;
  for (let mo = 0; mo <= months; mo += step) {
    svg += `<text x="${x(mo)}" y="${height - m.b + 18}" font-size="13" text-anchor="middle">${mo}</text>`;
  }
  svg += `<text x="${(m.l + width - m.r) / 2}" y="${height - 6}" font-size="13" text-anchor="middle">Month</text>`;
  svg += `<text transform="translate(14 ${(m.t + height - m.b) / 2}) rotate(-90)" font-size="13" text-anchor="middle">${escapeHtml(yLabel)}</text>`;
  const finite = (l) => l.s.month.map((_, i) => i).filter((i) => Number.isFinite(l.s.mean[i]));
  const path = (l, key) => finite(l).map((i, j) => `${j ? "L" : "M"}${x(l.s.month[i]).toFixed(1)},${y(l.s[key][i]).toFixed(1)}`).join("");
  // Bands first, light, each edged in its scenario's colour (dashed for a dashed line), so two
  // overlapping bands stay readable; then every mean line on top of every band.
  for (const l of lines.filter((l) => l.band)) {
    const idx = finite(l);
    const upper = idx.map((i) => `${x(l.s.month[i]).toFixed(1)},${y(l.s.p95[i]).toFixed(1)}`);
    const lower = idx.slice().reverse().map((i) => `${x(l.s.month[i]).toFixed(1)},${y(l.s.p05[i]).toFixed(1)}`);
    svg += `<polygon class="band" points="${upper.concat(lower).join(" ")}" fill="${l.colour}" fill-opacity="0.1" stroke="none"/>`;
    svg += `<path class="band-edge" d="${path(l, "p05")}${path(l, "p95")}" fill="none" stroke="${l.colour}" stroke-width="1.2"${l.dash ? ' stroke-dasharray="4 3"' : ""}/>`;
  }
  for (const l of lines) {
    svg += `<path class="mean" data-label="${escapeHtml(l.label)}" d="${path(l, "mean")}" fill="none" stroke="${l.colour}" stroke-width="3"${l.dash ? ' stroke-dasharray="8 5"' : ""}/>`;
  }
  svg += `<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${height - m.b}" stroke="${COLOURS.ink}"/><line x1="${m.l}" x2="${width - m.r}" y1="${height - m.b}" y2="${height - m.b}" stroke="${COLOURS.ink}"/>`;
  return svg + `</svg>`;
}

// Stacked shares of practices by stage, one panel per scenario.
function stagesChart(result, title) {
  const stages = state.figures.stages;
  const s = stages.map(({ measure }) => series(result, measure));
  const width = 380, height = 250, m = { l: 48, r: 10, t: 30, b: 60 };
  const months = Math.max(1, s[0].month[s[0].month.length - 1] || 0);
  const x = (mo) => m.l + (mo / months) * (width - m.l - m.r);
  const y = (v) => height - m.b - Math.min(Math.max(v, 0), 1) * (height - m.t - m.b);
  let svg = `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Stage of integration, ${escapeHtml(title)}" xmlns="http://www.w3.org/2000/svg">`;
  svg += `<text x="${m.l}" y="18" font-size="14" font-weight="700">${escapeHtml(title)}</text>`;
  // The measures count practices: shares of their total, belonging stacked at the bottom (as in
  // stages.png), where it is read first.
  const total = s[0].month.map((_, i) => s.reduce((sum, ser) => sum + (Number.isFinite(ser.mean[i]) ? ser.mean[i] : 0), 0) || 1);
  let below = s[0].month.map(() => 0);
  [2, 1, 0].forEach((k) => {
    const ser = s[k];
    const above = ser.mean.map((v, i) => below[i] + (Number.isFinite(v) ? v / total[i] : 0));
    const pts = ser.month.map((mo, i) => `${x(mo).toFixed(1)},${y(above[i]).toFixed(1)}`)
      .concat(ser.month.map((mo, i) => `${x(mo).toFixed(1)},${y(below[i]).toFixed(1)}`).reverse());
    svg += `<polygon points="${pts.join(" ")}" fill="${COLOURS.stages[k]}" stroke="#fff" stroke-width="0.5"/>`;
    below = above;
  });
  for (const v of [0, 0.5, 1]) svg += `<text x="${m.l - 5}" y="${y(v) + 4}" font-size="12" text-anchor="end">${v * 100}%</text>`;
  for (let mo = 0; mo <= months; mo += months > 36 ? 12 : 6) svg += `<text x="${x(mo)}" y="${height - m.b + 16}" font-size="12" text-anchor="middle">${mo}</text>`;
  svg += `<text x="${(m.l + width - m.r) / 2}" y="${height - m.b + 31}" font-size="12" text-anchor="middle">Month</text>`;
  stages.forEach(({ label }, k) => {
    const lx = m.l + k * 105;
    svg += `<rect x="${lx}" y="${height - 16}" width="14" height="12" fill="${COLOURS.stages[k]}" stroke="#888"/><text x="${lx + 18}" y="${height - 6}" font-size="12">${escapeHtml(label)}</text>`;
  });
  return svg + `</svg>`;
}

// A count's 90% band is drawn when in some month it spans at least 5 (as in capacity.png): a narrower
// one only steps between a few whole numbers (0 or 1 closure), a slab that says nothing.
const MIN_BAND_SPAN = 5;
const bandSpans = (s) => s.p95.some((hi, i) => hi - s.p05[i] >= MIN_BAND_SPAN);

// The legend's sample of a scenario as drawn: its light band with edges, its line on top.
function swatch(colour, dash) {
  return `<svg class="swatch" viewBox="0 0 36 16" aria-hidden="true" xmlns="http://www.w3.org/2000/svg">` +
    `<rect x="0" y="2" width="36" height="12" fill="${colour}" fill-opacity="0.1"/>` +
    `<path d="M0,2.5H36M0,13.5H36" stroke="${colour}" stroke-width="1.2"${dash ? ' stroke-dasharray="4 3"' : ""}/>` +
    `<path d="M0,8H36" stroke="${colour}" stroke-width="3"${dash ? ' stroke-dasharray="8 5"' : ""}/></svg>`;
}

function render(result) {
  const ref = result.reference, changed = result.scenario;
  const refName = ref.summary.scenario, changedName = changed.summary.scenario;
  $("legend").innerHTML = `${swatch(COLOURS.start, true)}Starting: <strong>${escapeHtml(refName)}</strong> (dashed)` +
    `${swatch(COLOURS.changed, false)}Changed: <strong>${escapeHtml(changedName)}</strong> (solid) · line: mean; shaded, edged in the same colour: 90% of replicates · ${ref.summary.replicates} replicates, seed ${ref.summary.seed}, paired`;
  // band: true, false, or "count" (drawn where it spans MIN_BAND_SPAN).
  const pair = (measure, band) => [[ref, COLOURS.start, true, refName], [changed, COLOURS.changed, false, changedName]]
    .map(([result, colour, dash, label]) => {
      const s = series(result, measure);
      return { s, colour, dash, band: band === "count" ? bandSpans(s) : band, label };
    });
  $("chart-integration").innerHTML = lineChart({ lines: pair(state.figures.integration, true), yLabel: "Practices belonging, %", scale: 100, yMax: 100, height: 250 });
  $("chart-stages").innerHTML = stagesChart(ref, `Starting: ${refName}`) + stagesChart(changed, `Changed: ${changedName}`);
  $("chart-capacity").innerHTML = state.figures.capacity.map(({ measure, title, unit, count }) => {
    const lines = pair(measure, count ? "count" : true);
    const note = lines.every((l) => l.band) ? "" : " (mean; no band)";
    return `<div data-measure="${measure}">${lineChart({ lines, yLabel: unit, title: title + note, width: 420, height: 230, count })}</div>`;
  }).join("");
  table($("headline"), result, state.figures.headline.filter((f) => f.main));
  table($("headline-all"), result, state.figures.headline);
  $("placeholder").hidden = true;
  $("output").hidden = false;
}

// ---- start -----------------------------------------------------------------------------------
async function start() {
  $("large-text").addEventListener("change", (e) => document.documentElement.classList.toggle("large", e.target.checked));
  if (params.get("large") === "1") { $("large-text").checked = true; document.documentElement.classList.add("large"); }
  const [names, keys, figures] = await Promise.all([api("/api/scenarios"), api("/api/keys"), api("/api/figures")]);
  state.keys = keys;
  state.figures = figures;
  state.byKey = Object.fromEntries(keys.map((k) => [k.key, k]));
  buildLevers();
  const select = $("scenario");
  select.innerHTML = `<option value="" disabled>(opened file)</option>` + names.map((n) => `<option value="${escapeHtml(n)}">${escapeHtml(n)}</option>`).join("");
  const first = params.get("scenario") || (names.includes("deep-end-baseline") ? "deep-end-baseline" : names[0]);
  select.value = first;
  select.addEventListener("change", () => { if (select.value) useSource({ kind: "name", name: select.value }).catch(showError); });
  $("file").addEventListener("change", (e) => { if (e.target.files[0]) openFile(e.target.files[0]); });
  $("controls").addEventListener("submit", (e) => { e.preventDefault(); run(); });
  $("reset").addEventListener("click", resetLevers);
  $("download").addEventListener("click", download);
  for (const id of ["replicates", "seed"]) $(id).addEventListener("input", showCommand);
  if (first) await useSource({ kind: "name", name: first });
  document.body.dataset.state = "ready";
  await autorun();
}

// For tests and demonstrations: ?set=KEY=VALUE (repeatable), ?replicates=N, ?run=1 change the
// levers through the page's own controls and press Run; ?large=1 starts with large text.
async function autorun() {
  if (params.has("replicates")) $("replicates").value = params.get("replicates");
  for (const set of params.getAll("set")) {
    const [key, value] = set.split("=");
    const el = leverFor(key);
    if (!el) { console.error(`no lever ${key}`); continue; }
    const input = el.querySelector('input[type="number"]');
    input.value = value;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
  showCommand();
  if (params.get("run") === "1") $("run").click();
}

// Errors the page did not expect are shown in the page too (and the browser test looks for them).
window.addEventListener("error", (e) => { const p = $("console-errors"); p.hidden = false; p.textContent += `${e.message}\n`; });
window.addEventListener("unhandledrejection", (e) => { const p = $("console-errors"); p.hidden = false; p.textContent += `${e.reason}\n`; });
start().catch(showError);
