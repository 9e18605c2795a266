import { getJson, labQuery, el } from './api.js';
import { renderBytes } from './bytes.js';
import { stepper, linkedStep } from './stepper.js';

// What each of the whitepaper's eleven steps does, in words; formulas and values come from the engine.
const TEXT = {
  1: ['Initiator: ephemeral key (e)', 'The laptop makes a fresh ephemeral keypair and mixes its public half into C and H. It goes into the message in the clear.'],
  2: ['Initiator: es', 'Diffie–Hellman of the laptop\'s ephemeral private key with the server\'s static public key. The result feeds C and yields a key k.'],
  3: ['Initiator: encrypt its static key (s)', 'With k, the laptop encrypts its own static public key, authenticated against H: only the server can see who is calling.'],
  4: ['Initiator: ss', 'Diffie–Hellman of the two static keys, precomputed once per peer. It proves the laptop holds its private key.'],
  5: ['Initiator: encrypted timestamp {t}', 'A TAI64N timestamp, encrypted: the server refuses any initiation not newer than the last, so recordings cannot be replayed.'],
  6: ['Initiator: mac1 and mac2 — message 1 sent', 'mac1 proves the sender knows the server\'s public key, so the server can drop junk before doing any Diffie–Hellman. mac2 carries a cookie only under load. C and H do not change.'],
  7: ['Responder: ephemeral key (e)', 'The server has repeated steps 1–5 on receipt and reached the same C and H. It now makes its own ephemeral keypair.'],
  8: ['Responder: ee', 'Diffie–Hellman of the two ephemeral keys: forward secrecy. Once these are forgotten, recorded traffic stays sealed.'],
  9: ['Responder: se', 'Diffie–Hellman of the server\'s ephemeral key with the laptop\'s static key: only the real laptop can follow.'],
  10: ['Responder: preshared key (psk)', 'An optional preshared key Q (32 zero bytes when none) is mixed in: a hedge against a future quantum computer.'],
  11: ['Responder: encrypted nothing {} — message 2 sent', 'An empty plaintext, encrypted: just a tag that verifies only if both sides hold the same C and H. Both then split C into the two transport keys.'],
};

export function handshakeSection(state) {
  const section = document.getElementById('handshake');
  const $ = (id) => document.getElementById(id);
  let data = null;
  const s = stepper(section, () => 11, render);

  function render(n) {
    const arrow = $('hs-arrow');
    arrow.setAttribute('class', n === 0 ? '' : n <= 6 ? 'to-r' : 'to-i');
    if (!data || n === 0) {
      $('hs-title').textContent = 'Ready';
      $('hs-text').textContent = 'Both peers already hold each other\'s static public key. Step through the two-message handshake.';
      for (const id of ['hs-formula', 'hs-c-before', 'hs-c-after', 'hs-h-before', 'hs-h-after', 'hs-agree']) $(id).textContent = '';
      $('hs-values').replaceChildren();
      $('hs-message-title').textContent = '— no message yet —';
      renderBytes($('hs-bytes'), $('hs-explain'), null);
      return;
    }
    const step = data.steps[n - 1];
    const [title, text] = TEXT[n];
    $('hs-title').textContent = `Step ${n} · ${title}`;
    $('hs-text').textContent = text;
    $('hs-formula').textContent = step.formula;
    $('hs-c-before').textContent = step.chainingKeyBefore;
    $('hs-c-after').textContent = step.chainingKeyAfter;
    $('hs-h-before').textContent = step.hashBefore;
    $('hs-h-after').textContent = step.hashAfter;
    const rows = step.values.map((v) => el('tr', {}, el('th', {}, v.name), el('td', {}, el('code', {}, v.hex))));
    if (n === 11) {
      for (const v of data.split.values) rows.push(el('tr', {}, el('th', {}, `${v.name} (split)`), el('td', {}, el('code', {}, v.hex))));
      rows.push(el('tr', {}, el('th', {}, 'split'), el('td', {}, el('code', {}, data.split.formula))));
    }
    $('hs-values').replaceChildren(...rows);
    $('hs-agree').textContent = step.otherSideAgrees
      ? `The ${step.actor === 'initiator' ? 'responder' : 'initiator'} repeats this step on receipt and gets the same C and H.`
      : 'The other side computed a different C or H!';
    // The message being built: fields written by this step or earlier ones of the same message.
    const message = data.messages[step.message - 1];
    const filled = new Set();
    for (const st of data.steps) if (st.message === step.message && st.number <= n) st.fills.forEach((f) => filled.add(f));
    $('hs-message-title').textContent = `Message ${step.message}: ${message.name} (${message.hex.length / 2} bytes), as of step ${n}`;
    renderBytes($('hs-bytes'), $('hs-explain'), message, { filled, fresh: new Set(step.fills) });
  }

  return {
    async load() {
      data = await getJson(`/api/handshake?${labQuery(state.lab)}`);
      section.dataset.loaded = 'true';
      s.go(linkedStep('handshake') ?? s.step, { link: false });
    },
    go: s.go,
  };
}
