// The page's only way to the engine: the visualizer's JSON API. Errors come back as {error}.
export async function getJson(path) {
  const r = await fetch(path);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

export async function postJson(path, data) {
  const r = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data) });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

// The lab every section shares: one seed, one wall-clock time, with or without a preshared key.
// They live in the URL's query so that a link (and a reload) shows the same keys and bytes.
export function labQuery(lab) {
  return `seed=${encodeURIComponent(lab.seed)}&time=${encodeURIComponent(lab.wallNanos)}&psk=${lab.psk}`;
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}
