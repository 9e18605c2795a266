import { getJson, streamJson, el, answer } from './api.js';
import { renderBytes } from './bytes.js';
import { drawPlots } from './plots.js';

const SVG = 'http://www.w3.org/2000/svg';
const TYPES = { 1: 'initiation', 2: 'response', 3: 'cookie reply', 4: 'data' };
/** Rows drawn per run: a long scenario shows its beginning; the verdicts cover all of it. */
const ROWS_MAX = 400;
const ROW = 22;
const EVENT_KINDS = new Set(['wg.drop', 'wg.timer', 'wg.session', 'wg.endpoint', 'host.move', 'host.down', 'host.up', 'nat.rebind', 'wg.gave-up']);

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function seconds(t) { return `${(t / 1e9).toFixed(3)} s`; }

function describe(r) {
  const rest = Object.entries(r).filter(([k]) => !['t', 'at', 'kind'].includes(k)).map(([k, v]) => `${k}=${v}`).join(' ');
  return `${r.kind.replace(/^wg\./, '')} ${rest}`;
}

// The scenario lab: run a built-in scenario, or the user's own file, in the simulator with a seed
// and faults; draw its trace as a sequence diagram to scrub through, with plots and the run's files.
// `capture` is section 7, which can open the run's pcap.
export function labSection(capture) {
  const $ = (id) => document.getElementById(id);
  const select = $('lab-scenario');
  let list = [];
  let edited = false;
  let lastRequest = null;
  let rowEls = [];
  let rowRecords = [];

  function draw(run) {
    const records = run.records.filter((r) => r.kind);
    const lanes = [];
    for (const r of records) {
      if ((r.kind === 'config.host' || r.kind === 'udp.send' || r.kind === 'udp.recv') && !lanes.includes(r.at)) lanes.push(r.at);
    }
    const received = new Map();
    const lost = new Map();
    for (const r of records) {
      if (r.kind === 'udp.recv' && !received.has(r.id)) received.set(r.id, r);
      if (r.kind === 'link.lost' || r.kind === 'nat.drop') lost.set(r.id, r);
    }
    const rows = [];
    for (const r of records) {
      if (r.kind === 'udp.send' || (EVENT_KINDS.has(r.kind) && lanes.includes(r.at))) rows.push(r);
      if (rows.length >= ROWS_MAX) break;
    }
    const width = 900;
    const left = 90;
    const laneX = (name) => left + (lanes.indexOf(name) + 0.5) * ((width - left) / lanes.length);
    const height = 40 + rows.length * ROW + 10;
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `sequence diagram of ${run.name}` });
    const marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
    marker.append(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#2f5bd3' }));
    const defs = svg('defs');
    defs.append(marker);
    root.append(defs, svg('text', { x: 4, y: 16 }, 'virtual time'));
    lanes.forEach((name) => {
      root.append(svg('text', { x: laneX(name), y: 16, 'text-anchor': 'middle', 'font-weight': 'bold' }, name));
      root.append(svg('line', { x1: laneX(name), y1: 24, x2: laneX(name), y2: height, stroke: '#d7dbe3', 'stroke-width': 2 }));
    });
    rowEls = [];
    rowRecords = rows;
    rows.forEach((r, i) => {
      const y = 40 + i * ROW;
      root.append(svg('text', { x: 4, y: y + 4 }, seconds(r.t)));
      if (r.kind !== 'udp.send') {
        const x = laneX(r.at);
        const colour = r.kind === 'wg.drop' ? '#b42318' : '#5b6475';
        const ev = svg('g', { class: 'event' });
        ev.append(svg('circle', { cx: x, cy: y, r: 4, fill: colour }));
        // Right-hand lanes write their notes leftwards, so they stay inside the diagram.
        const right = x > width / 2;
        ev.append(svg('text', { x: right ? x - 8 : x + 8, y: y + 4, fill: colour, 'text-anchor': right ? 'end' : 'start' }, describe(r)));
        root.append(ev);
        rowEls.push(ev);
        return;
      }
      const recv = received.get(r.id);
      const x1 = laneX(r.at);
      const x2 = recv ? laneX(recv.at) : x1 + (lanes.length > 1 ? 60 : 40);
      const g = svg('g', { class: 'msg', tabindex: 0, role: 'button', 'data-id': r.id,
        'aria-label': `${TYPES[r.type] || 'type ' + r.type} from ${r.at}${recv ? ' to ' + recv.at : ', lost'} at ${seconds(r.t)}` });
      const colour = recv ? (r.type === 4 ? '#127a3a' : '#2f5bd3') : '#b42318';
      g.append(svg('line', { x1, y1: y, x2, y2: y + (recv ? 8 : 0), stroke: colour, 'stroke-width': 2, 'marker-end': recv ? 'url(#arrow)' : '',
        'stroke-dasharray': recv ? '' : '4 3' }));
      const label = `${TYPES[r.type] || r.type} · ${r.len} B${recv ? '' : ' · lost' + (lost.get(r.id) ? ' (' + (lost.get(r.id).cause || lost.get(r.id).kind) + ')' : '')}`;
      g.append(svg('text', { x: (x1 + x2) / 2, y: y - 3, 'text-anchor': 'middle', fill: colour }, label));
      const open = async () => {
        root.querySelectorAll('.msg.sel').forEach((m) => m.classList.remove('sel'));
        g.classList.add('sel');
        const hex = run.datagrams[r.id];
        if (!hex) { $('lab-bytes-title').textContent = 'bytes not kept for this datagram (only the first ones of a run are)'; return; }
        const annotated = await getJson(`/api/annotate?hex=${hex}`);
        $('lab-bytes-title').textContent = `datagram ${r.id}: ${TYPES[r.type] || 'type ' + r.type} from ${r.at} at ${seconds(r.t)}, ${hex.length / 2} bytes`;
        renderBytes($('lab-bytes'), $('lab-explain'), annotated);
      };
      g.addEventListener('click', open);
      g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
      g.open = open;
      root.append(g);
      rowEls.push(g);
    });
    $('lab-diagram').replaceChildren(root);
    const range = $('lab-scrub-range');
    range.max = String(rows.length);
    $('lab-scrub').hidden = rows.length === 0;
    scrub(rows.length);
  }

  // Scrubbing: rows up to `n` are drawn, the n-th is the current one (0: before the first), later
  // ones are faded. A datagram reached this way opens its bytes, as a click does.
  function scrub(n, { open = false } = {}) {
    const range = $('lab-scrub-range');
    n = Math.max(0, Math.min(rowEls.length, n));
    range.value = String(n);
    rowEls.forEach((g, i) => { g.classList.toggle('future', i >= n); g.classList.toggle('now', i === n - 1); });
    const r = rowRecords[n - 1];
    $('lab-scrub-text').textContent = n === 0 ? `before the first event (${rowEls.length} drawn)`
      : `${n} / ${rowEls.length} · ${seconds(r.t)} · ${r.kind === 'udp.send' ? `${TYPES[r.type] || 'type ' + r.type} from ${r.at}, ${r.len} B` : `${r.at}: ${describe(r)}`}`;
    if (n > 0) rowEls[n - 1].scrollIntoView({ block: 'nearest' });
    if (open && r && r.kind === 'udp.send') rowEls[n - 1].open();
  }

  function request() {
    const seed = $('lab-seed').value.trim();
    const delay = $('lab-reorder-delay').value.trim();
    return { name: select.value, seed: seed === '' ? null : Number(seed), yaml: edited ? $('lab-yaml').value : null,
      faults: { loss: $('lab-loss').value, duplicate: $('lab-duplicate').value, reorder: $('lab-reorder').value,
        reorderDelayMs: delay === '' ? null : Number(delay) } };
  }

  // Points the editor at the line an error names (pasted.yaml:LINE:COLUMN: ...).
  function showErrorLine(message) {
    const m = message.match(/^pasted\.yaml:(\d+):/);
    if (!m) return;
    const area = $('lab-yaml');
    const lines = area.value.split('\n');
    const line = Math.min(Number(m[1]), lines.length) - 1;
    const start = lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0);
    $('lab-yaml-box').open = true;
    area.focus();
    area.setSelectionRange(start, start + lines[line].length);
  }

  async function file(what) {
    const r = await fetch(`/api/scenarios/files/${what}`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(lastRequest) });
    if (!r.ok) await answer(r); // throws the server's reason
    const name = (r.headers.get('Content-Disposition') || '').match(/filename="([^"]+)"/);
    return { name: name ? name[1] : what, blob: await r.blob() };
  }

  async function download(what) {
    const f = await file(what);
    const a = el('a', { href: URL.createObjectURL(f.blob), download: f.name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  async function toCapture() {
    const [pcap, keys] = await Promise.all([file('pcap'), file('keylog')]);
    const bytes = new Uint8Array(await pcap.blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    document.getElementById('capture').scrollIntoView();
    await capture.upload({ pcapName: pcap.name, pcap: btoa(binary), keylogName: keys.name, keylog: await keys.blob.text() });
  }

  // The run in progress, streamed: starting another closes it, and the server stops simulating it.
  let running = null;

  async function run() {
    if (running) running.close();
    $('lab-result').textContent = 'running…';
    const body = request();
    const stream = streamJson('/api/scenarios/stream', body, (p) => {
      $('lab-result').replaceChildren(el('p', { 'data-testid': 'lab-progress' },
        `simulating… ${p.progress.toLocaleString('en-US')} trace records, t = ${(p.t / 1e9).toFixed(1)} s virtual`));
    });
    running = stream;
    try {
      const r = await stream.result;
      lastRequest = { ...body, seed: r.seed };
      $('lab-downloads').hidden = false;
      const ul = el('ul', { class: 'verdicts' }, ...r.verdicts.map((v) => el('li', { class: v.passed ? 'pass' : 'fail' },
        `${v.passed ? 'PASS' : 'FAIL'} ${v.expectation} — ${v.detail}`)));
      const summary = r.cut
        ? el('p', { class: 'error', 'data-testid': 'lab-cut' }, `${r.name}, seed ${r.seed}: cut short — ${r.cut}. `
          + `Below is what it did until then (${r.traceRecords} trace records); no expectation was judged. `
          + 'Shorten its duration, thin its traffic or give it fewer hosts, or ask whoever runs this server for a bigger '
          + 'budget (wirelab serve --run-records-max, --run-seconds-max).')
        : el('p', { 'data-testid': 'lab-summary' },
          `${r.name}, seed ${r.seed}: ${r.passed ? 'every expectation holds' : 'an expectation failed'} · ${r.traceRecords} trace records`
          + `${r.truncated ? ' (diagram shows the first ones)' : ''} · trace sha256 ${r.traceSha256.slice(0, 16)}…`);
      $('lab-result').replaceChildren(summary, ul);
      draw(r);
      drawPlots($('lab-plots'), r.records);
    } catch (e) {
      if (running !== stream) return;
      $('lab-result').replaceChildren(el('p', { class: 'error', 'data-testid': 'lab-error' }, e.message));
      showErrorLine(e.message);
    } finally {
      if (running === stream) running = null;
    }
  }

  async function loadYaml() {
    edited = false;
    const r = await fetch(`/api/scenarios/${encodeURIComponent(select.value)}`);
    $('lab-yaml').value = await r.text();
    edited = false;
  }

  select.addEventListener('change', () => {
    $('lab-description').textContent = (list.find((s) => s.name === select.value) || {}).description || '';
    loadYaml();
  });
  $('lab-yaml').addEventListener('input', () => { edited = true; });
  $('lab-yaml-reset').addEventListener('click', loadYaml);
  const range = $('lab-scrub-range');
  range.addEventListener('input', () => scrub(Number(range.value), { open: true }));
  $('lab-scrub-back').addEventListener('click', () => scrub(Number(range.value) - 1, { open: true }));
  $('lab-scrub-next').addEventListener('click', () => scrub(Number(range.value) + 1, { open: true }));
  const failed = (e) => $('lab-result').append(el('p', { class: 'error' }, e.message));
  document.querySelectorAll('#lab-downloads [data-file]').forEach((b) => b.addEventListener('click', () => download(b.dataset.file).catch(failed)));
  $('lab-to-capture').addEventListener('click', () => toCapture().catch(failed));
  $('lab-form').addEventListener('submit', (e) => { e.preventDefault(); run(); });
  // Section 5's cards: pick their scenario in the lab, run it with the file's seed, show the lab.
  document.querySelectorAll('[data-play]').forEach((b) => b.addEventListener('click', () => {
    select.value = b.dataset.play;
    select.dispatchEvent(new Event('change'));
    $('lab-seed').value = '';
    document.getElementById('lab').scrollIntoView();
    run();
  }));
  return {
    async load() {
      list = await getJson('/api/scenarios');
      select.replaceChildren(...list.map((s) => el('option', { value: s.name }, s.name)));
      select.value = list.some((s) => s.name === 'basic-handshake') ? 'basic-handshake' : list[0].name;
      select.dispatchEvent(new Event('change'));
    },
  };
}
