// The page's only way to the engine: the visualizer's JSON API. Errors come back as {error}.
export async function getJson(path) {
  return answer(await fetch(path));
}

export async function postJson(path, data) {
  return answer(await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(data) }));
}

// The body of an answer, or an Error saying why there is none: the server's {error} (a 400, a busy
// 503), or for an answer that is not JSON (a body too large, refused before it was read) its status.
export async function answer(r) {
  const text = await r.text();
  let body = null;
  try { body = JSON.parse(text); } catch { /* not JSON: said below */ }
  if (!r.ok) {
    if (body && body.error) throw new Error(body.error);
    if (r.status === 413) throw new Error('the request is larger than the server takes: a smaller capture or scenario, please');
    throw new Error(`the server answered ${r.status} ${r.statusText}${text ? ': ' + text.slice(0, 200) : ''}`);
  }
  if (body === null) throw new Error(`the server's answer is not JSON: ${text.slice(0, 200)}`);
  return body;
}

// A request over a WebSocket, for answers that take a while: `data` is its first message; the
// server sends {progress, ...} messages, given to `onProgress`, while it works, then the answer
// (or {error}) and closes. close() gives up: the server stops working on it, `result` rejects.
export function streamJson(path, data, onProgress) {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`);
  let settle = null;
  const result = new Promise((resolve, reject) => {
    settle = (error, answer) => { settle = null; if (error) reject(error); else resolve(answer); };
  });
  ws.onopen = () => ws.send(JSON.stringify(data));
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.progress !== undefined) onProgress(m);
    else if (settle) settle(m.error !== undefined ? new Error(m.error) : null, m);
  };
  ws.onclose = (e) => {
    if (settle) settle(new Error(`the connection closed before the answer came (code ${e.code}${e.reason ? ': ' + e.reason : ''})`));
  };
  return { result, close() { if (settle) settle(new Error('given up')); ws.close(); } };
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
