// Plots of a scenario run over virtual time, drawn as SVG from its trace records: what was sent
// and delivered, round-trip times, and the handshake events of each host.
const SVG = 'http://www.w3.org/2000/svg';
const W = 420;
const H = 150;
const PAD = { l: 44, r: 8, t: 8, b: 22 };

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function figure(caption, testid) {
  const f = document.createElement('figure');
  f.dataset.testid = testid;
  const c = document.createElement('figcaption');
  c.textContent = caption;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': caption });
  f.append(c, root);
  return { f, root };
}

function axes(root, end, yMax, yLabel) {
  const x = (t) => PAD.l + (t / end) * (W - PAD.l - PAD.r);
  const y = (v) => H - PAD.b - (yMax === 0 ? 0 : (v / yMax) * (H - PAD.t - PAD.b));
  root.append(svg('line', { x1: PAD.l, y1: H - PAD.b, x2: W - PAD.r, y2: H - PAD.b, stroke: '#8a93a6' }));
  root.append(svg('line', { x1: PAD.l, y1: PAD.t, x2: PAD.l, y2: H - PAD.b, stroke: '#8a93a6' }));
  root.append(svg('text', { x: PAD.l, y: H - 6 }, '0 s'));
  root.append(svg('text', { x: W - PAD.r, y: H - 6, 'text-anchor': 'end' }, `${(end / 1e9).toFixed(1)} s`));
  root.append(svg('text', { x: PAD.l - 4, y: PAD.t + 8, 'text-anchor': 'end' }, String(Math.round(yMax * 10) / 10)));
  root.append(svg('text', { x: PAD.l - 4, y: H - PAD.b, 'text-anchor': 'end' }, '0'));
  root.append(svg('text', { x: PAD.l + 4, y: PAD.t + 8 }, yLabel));
  return { x, y };
}

function steps(points, x, y, colour) {
  if (!points.length) return svg('g');
  let d = `M${x(0)},${y(0)}`;
  let n = 0;
  for (const t of points) { d += ` L${x(t)},${y(n)} L${x(t)},${y(++n)}`; }
  return svg('path', { d, fill: 'none', stroke: colour, 'stroke-width': 1.5 });
}

const SENT = new Set(['ping.request', 'flow.send']);
const DELIVERED = new Set(['ping.reply', 'flow.recv']);
const HANDSHAKE = { 'wg.initiation-sent': '#2f5bd3', 'wg.session': '#127a3a', 'wg.cookie-sent': '#c26a00', 'wg.gave-up': '#b42318' };

export function drawPlots(container, records) {
  const end = Math.max(1, ...records.map((r) => r.t || 0));
  const sent = records.filter((r) => SENT.has(r.kind)).map((r) => r.t);
  const delivered = records.filter((r) => DELIVERED.has(r.kind)).map((r) => r.t);
  const a = figure(`Delivery: ${delivered.length} of ${sent.length} sent (pings answered, flow datagrams received)`, 'plot-delivery');
  const ax = axes(a.root, end, Math.max(sent.length, delivered.length), 'count');
  a.root.append(steps(sent, ax.x, ax.y, '#8a93a6'), steps(delivered, ax.x, ax.y, '#127a3a'));

  const rtts = records.filter((r) => r.rttNanos !== undefined && (r.kind === 'ping.reply' || r.kind === 'flow.response'));
  const maxMs = Math.max(0, ...rtts.map((r) => r.rttNanos / 1e6));
  const b = figure(`Round-trip time: ${rtts.length} replies, up to ${maxMs.toFixed(1)} ms`, 'plot-rtt');
  const bx = axes(b.root, end, maxMs, 'ms');
  for (const r of rtts) b.root.append(svg('circle', { cx: bx.x(r.t), cy: bx.y(r.rttNanos / 1e6), r: 2.2, fill: '#2f5bd3' }));

  const events = records.filter((r) => HANDSHAKE[r.kind]);
  const hosts = [...new Set(events.map((r) => r.at))];
  const c = figure(`Handshake events: ${events.length} (initiation sent, session, cookie sent, gave up)`, 'plot-handshakes');
  const cx = axes(c.root, end, hosts.length, '');
  hosts.forEach((h, i) => c.root.append(svg('text', { x: PAD.l + 4, y: cx.y(i + 0.5) - 4 }, h)));
  for (const r of events) {
    const i = hosts.indexOf(r.at);
    c.root.append(svg('line', { x1: cx.x(r.t), x2: cx.x(r.t), y1: cx.y(i + 0.1), y2: cx.y(i + 0.9), stroke: HANDSHAKE[r.kind], 'stroke-width': 2 },
    ));
  }
  container.replaceChildren(a.f, b.f, c.f);
}
