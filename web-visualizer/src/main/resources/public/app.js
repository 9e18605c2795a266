import { getJson, labQuery } from './api.js';
import { handshakeSection } from './handshake.js';
import { routingSection } from './routing.js';
import { journeySection } from './journey.js';
import { labSection } from './lab.js';
import { captureSection } from './capture.js';

// One lab for the whole page: seed, preshared key and wall time from the URL, or a fresh seed
// from the server, written back to the URL so that the page can be linked and reloaded as it is.
const state = { lab: null };
const handshake = handshakeSection(state);
const journey = journeySection(state);
const routing = routingSection();
const capture = captureSection();
const lab = labSection(capture);
const $ = (id) => document.getElementById(id);

async function newLab(seed, psk) {
  const params = new URLSearchParams();
  if (seed !== null && seed !== '') params.set('seed', seed);
  params.set('psk', psk);
  const pair = await getJson(`/api/pair?${params}`);
  state.lab = { seed: pair.seed, psk: pair.psk, wallNanos: pair.wallNanos };
  history.replaceState(null, '', `?${labQuery(state.lab)}${location.hash}`);
  showPair(pair);
  await Promise.all([handshake.load(), journey.load()]);
}

function showPair(pair) {
  for (const side of ['initiator', 'responder']) {
    const p = pair[side];
    $(`${side}-public`).textContent = p.publicKey;
    document.querySelector(`[data-testid=${side}-tunnel]`).textContent = p.tunnel;
    document.querySelector(`[data-testid=${side}-endpoint]`).textContent = p.endpoint;
  }
  $('seed-shown').textContent = String(pair.seed);
  $('seed-input').value = String(pair.seed);
  $('psk-input').checked = pair.psk;
}

// The API answers the same pair for the same seed and time, so the URL is the whole state.
async function start() {
  const q = new URLSearchParams(location.search);
  const seed = q.get('seed');
  const psk = q.get('psk') === 'true';
  if (seed !== null && q.get('time') !== null) {
    state.lab = { seed, psk, wallNanos: q.get('time') };
    showPair(await getJson(`/api/pair?${labQuery(state.lab)}`));
    await Promise.all([handshake.load(), journey.load()]);
  } else {
    await newLab(seed, psk);
  }
  await Promise.all([routing.load(), lab.load()]);
  document.body.dataset.ready = 'true';
  const target = location.hash.match(/^#(\w+)/);
  if (target) document.getElementById(target[1])?.scrollIntoView();
}

$('regenerate').addEventListener('click', () => newLab(null, $('psk-input').checked));
$('keys-form').addEventListener('submit', (e) => { e.preventDefault(); newLab($('seed-input').value.trim(), $('psk-input').checked); });
window.addEventListener('hashchange', () => {
  const m = location.hash.match(/^#(handshake|journey|capture)\/(\d+)$/);
  if (m) ({ handshake, journey, capture })[m[1]].go(Number(m[2]), { link: false });
});
start().catch((e) => { document.body.dataset.ready = 'error'; document.querySelector('header').append(`Could not reach the engine: ${e.message}`); });
