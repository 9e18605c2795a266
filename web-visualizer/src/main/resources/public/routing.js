import { getJson, postJson, el } from './api.js';

// The editable peer table; every lookup goes to the server, which asks the engine's AllowedIPs trie.
export function routingSection() {
  const body = document.querySelector('#route-table tbody');
  const result = document.getElementById('route-result');
  const from = document.getElementById('route-from');
  const address = document.getElementById('route-address');

  function addRow(peer) {
    const tr = el('tr', {},
      el('td', {}, el('input', { 'aria-label': 'peer name', class: 'name', value: peer.name })),
      el('td', {}, el('input', { 'aria-label': 'endpoint', class: 'endpoint', value: peer.endpoint })),
      el('td', {}, el('input', { 'aria-label': 'AllowedIPs', class: 'ips', value: peer.allowedIps.join(', ') }), el('div', { class: 'matches' })),
      el('td', {}, el('button', { type: 'button', 'aria-label': 'remove peer', onclick: () => { tr.remove(); fillFrom(); } }, '✕')));
    tr.querySelector('.name').addEventListener('change', fillFrom);
    body.append(tr);
  }

  function table() {
    return [...body.rows].map((tr) => ({
      name: tr.querySelector('.name').value.trim(),
      endpoint: tr.querySelector('.endpoint').value.trim(),
      allowedIps: tr.querySelector('.ips').value.split(',').map((s) => s.trim()).filter((s) => s),
    }));
  }

  function fillFrom() {
    const keep = from.value;
    from.replaceChildren(el('option', { value: '' }, '— outbound only —'), ...table().map((p) => el('option', { value: p.name }, p.name)));
    from.value = keep;
  }

  async function route() {
    const peers = table();
    try {
      const a = await postJson('/api/routing', { peers, address: address.value, from: from.value || null });
      [...body.rows].forEach((tr, i) => {
        const mine = a.entries.filter((e) => e.peer === peers[i].name);
        const won = mine.some((e) => e.winner);
        tr.classList.toggle('winner', won);
        tr.querySelector('.matches').replaceChildren(...mine.map((e) =>
          el('span', { class: `prefix${e.contains ? ' contains' : ''}${e.winner ? ' win' : ''}` }, `${e.prefix}${e.contains ? ' ✓' : ''}`)));
      });
      let text = a.peer
        ? `${a.address} → ${a.peer} (longest match ${a.prefix}): encrypted with ${a.peer}'s session key.`
        : `${a.address} → no AllowedIPs entry holds it: no route, the packet is dropped.`;
      if (a.inbound) {
        text += a.inbound.accepted
          ? ` Inbound: a packet from ${a.inbound.from} with source ${a.address} is accepted.`
          : ` Inbound: a packet from ${a.inbound.from} with source ${a.address} is dropped (the address belongs to ${a.inbound.owner ?? 'no peer'}).`;
      }
      result.textContent = text;
      result.classList.remove('error');
    } catch (e) {
      result.textContent = e.message;
      result.classList.add('error');
      body.querySelectorAll('tr').forEach((tr) => tr.classList.remove('winner'));
    }
  }

  document.getElementById('add-peer').addEventListener('click', () => { addRow({ name: `peer ${body.rows.length + 1}`, endpoint: '', allowedIps: [] }); fillFrom(); });
  document.getElementById('route-form').addEventListener('submit', (e) => { e.preventDefault(); route(); });
  document.querySelectorAll('[data-pick]').forEach((b) => b.addEventListener('click', () => { address.value = b.dataset.pick; route(); }));

  return {
    async load() {
      (await getJson('/api/routing/table')).forEach(addRow);
      fillFrom();
    },
  };
}
