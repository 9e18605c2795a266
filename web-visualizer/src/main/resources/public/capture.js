import { postJson, el } from './api.js';
import { renderBytes } from './bytes.js';
import { stepper, linkedStep } from './stepper.js';

const TYPES = { 0: 'not WireGuard', 1: 'initiation', 2: 'response', 3: 'cookie reply', 4: 'transport data' };

function seconds(nanos, first) { return `${((nanos - first) / 1e9).toFixed(6)} s`; }

// Reads a chosen file as base64 (the pcap) or text (the key log), for the JSON upload.
function readFile(file, asText) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onerror = () => reject(new Error(`could not read ${file.name}`));
    r.onload = () => resolve(asText ? r.result : r.result.slice(r.result.indexOf(',') + 1));
    if (asText) r.readAsText(file); else r.readAsDataURL(file);
  });
}

// Section 7: a real capture and its key log, decrypted by the server with the engine, stepped
// through frame by frame like the lab: the message's bytes, its handshake's C and H, the inner packet.
export function captureSection() {
  const section = document.getElementById('capture');
  const $ = (id) => document.getElementById(id);
  let data = null;
  const s = stepper(section, () => (data ? data.rows.length : 0), render);

  function render(n) {
    section.querySelectorAll('#capture-list tr.sel').forEach((tr) => tr.classList.remove('sel'));
    if (!data || n === 0) {
      $('capture-step-title').textContent = data ? 'Pick a frame, or press Next' : 'No capture loaded';
      for (const id of ['capture-text']) $(id).textContent = '';
      $('capture-values').replaceChildren();
      $('capture-noise').replaceChildren();
      $('capture-bytes-title').textContent = '';
      $('capture-inner-title').textContent = '';
      renderBytes($('capture-bytes'), $('capture-explain'), null);
      renderBytes($('capture-inner'), $('capture-inner-explain'), null);
      return;
    }
    const row = data.rows[n - 1];
    const tr = $('capture-list').querySelector(`tr[data-frame="${row.frame}"]`);
    if (tr) { tr.classList.add('sel'); tr.scrollIntoView({ block: 'nearest' }); }
    $('capture-step-title').textContent = `Frame ${row.frame} · ${row.summary}`;
    $('capture-text').replaceChildren(
      row.from ? `${row.from} → ${row.to} at ${seconds(row.epochNanos, data.rows[0].epochNanos)}. ` : '',
      row.decrypted ? el('b', { class: 'pass' }, 'decrypted') : el('b', { class: 'error' }, `not decrypted: ${row.reason}`));
    $('capture-values').replaceChildren(...row.values.map((v) => el('tr', {}, el('th', {}, v.name), el('td', {}, el('code', {}, v.text)))));
    const head = el('tr', {}, el('th', {}, 'step'), el('th', {}, 'formula'), el('th', {}, 'C after'), el('th', {}, 'H after'));
    $('capture-noise').replaceChildren(...(row.noise.length ? [head] : []), ...row.noise.map((st) => el('tr', {},
      el('td', {}, `${st.number} ${st.token}`), el('td', {}, el('code', {}, st.formula)),
      el('td', {}, el('code', { 'data-testid': 'capture-c' }, st.chainingKeyAfter)), el('td', {}, el('code', {}, st.hashAfter)))));
    $('capture-bytes-title').textContent = row.bytes ? `${row.bytes.name} (${row.bytes.hex.length / 2} bytes)` : '';
    renderBytes($('capture-bytes'), $('capture-explain'), row.bytes);
    $('capture-inner-title').textContent = row.inner ? `decrypted inner packet (${row.inner.hex.length / 2} bytes)` : '';
    renderBytes($('capture-inner'), $('capture-inner-explain'), row.inner);
  }

  function show(loaded) {
    data = loaded;
    const first = loaded.rows.length ? loaded.rows[0].epochNanos : 0;
    $('capture-summary').replaceChildren(`${loaded.pcapName}: ${loaded.linkType}, ${loaded.frames} frames, `
      + `${loaded.wireguardMessages} WireGuard messages, ${loaded.decrypted} decrypted with ${loaded.keys}.`,
      ...(loaded.problem ? [el('br'), el('span', { class: 'error' }, loaded.problem)] : []));
    const body = el('tbody');
    loaded.rows.forEach((r, i) => {
      const tr = el('tr', { tabindex: 0, 'data-frame': r.frame, class: r.decrypted ? 'ok' : 'no',
        'aria-label': `frame ${r.frame}, ${r.summary}${r.decrypted ? ', decrypted' : ', not decrypted'}` },
      el('td', {}, String(r.frame)), el('td', {}, seconds(r.epochNanos, first)), el('td', {}, r.from ? `${r.from} → ${r.to}` : ''),
      el('td', {}, TYPES[r.type]), el('td', {}, r.decrypted ? r.summary : `not decrypted: ${r.reason}`));
      const open = () => s.go(i + 1);
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
      body.append(tr);
    });
    $('capture-list').replaceChildren(el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, 'time'),
      el('th', {}, 'outer UDP'), el('th', {}, 'message'), el('th', {}, 'what it holds'))), body);
    section.dataset.loaded = 'true';
    s.go(linkedStep('capture') ?? 1, { link: false });
  }

  async function upload(request) {
    $('capture-summary').textContent = 'decrypting…';
    try {
      show(await postJson('/api/capture', request));
    } catch (e) {
      data = null;
      $('capture-list').replaceChildren();
      s.go(0, { link: false });
      $('capture-summary').replaceChildren(el('span', { class: 'error', 'data-testid': 'capture-error' }, e.message));
    }
  }

  $('capture-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const pcap = $('capture-pcap').files[0];
    const keys = $('capture-keylog').files[0];
    if (!pcap) { $('capture-summary').replaceChildren(el('span', { class: 'error' }, 'Choose a capture file first.')); return; }
    await upload({ pcapName: pcap.name, pcap: await readFile(pcap, false),
      keylogName: keys ? keys.name : null, keylog: keys ? await readFile(keys, true) : null });
  });
  return { upload, go: s.go };
}
