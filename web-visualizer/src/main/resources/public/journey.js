import { getJson, labQuery, el } from './api.js';
import { renderBytes } from './bytes.js';
import { stepper, linkedStep } from './stepper.js';

// A packet's eight steps over the session the handshake made, every byte from the engine.
export function journeySection(state) {
  const section = document.getElementById('journey');
  const $ = (id) => document.getElementById(id);
  let data = null;
  const s = stepper(section, () => (data ? data.steps.length : 8), render);

  function render(n) {
    if (!data || n === 0) {
      $('journey-title-step').textContent = 'Ready';
      $('journey-text').textContent = 'A plaintext IP packet is sitting on the laptop, waiting to be sent into the tunnel.';
      $('journey-values').replaceChildren();
      $('journey-bytes-title').textContent = '';
      renderBytes($('journey-bytes'), $('journey-explain'), null);
      return;
    }
    const step = data.steps[n - 1];
    $('journey-title-step').textContent = `Step ${n} · ${step.title} (${step.actor})`;
    $('journey-text').textContent = step.summary;
    $('journey-values').replaceChildren(...step.values.map((v) => el('tr', {}, el('th', {}, v.name), el('td', {}, el('code', {}, v.text)))));
    // Steps without bytes of their own (a lookup) keep showing the last bytes the packet had.
    let shown = null;
    for (let k = n - 1; k >= 0 && !shown; k--) shown = data.steps[k].bytes;
    $('journey-bytes-title').textContent = shown ? `${shown.name} (${shown.hex.length / 2} bytes)` : '';
    renderBytes($('journey-bytes'), $('journey-explain'), shown);
  }

  async function load() {
    const q = `${labQuery(state.lab)}&dst=${encodeURIComponent($('journey-dst').value)}&payload=${encodeURIComponent($('journey-payload').value)}`;
    try {
      data = await getJson(`/api/journey?${q}`);
      section.dataset.loaded = 'true';
      s.go(linkedStep('journey') ?? s.step, { link: false });
    } catch (e) {
      data = null;
      s.go(0, { link: false });
      $('journey-text').textContent = e.message;
    }
  }
  $('journey-form').addEventListener('submit', (e) => { e.preventDefault(); load().then(() => s.go(1)); });
  return { load, go: s.go };
}
