import { el } from './api.js';

// A byte grid: every byte of an annotated message as a cell, coloured by its field's layer. Hovering
// a byte, or focusing the field's legend button, highlights the whole field and explains it.
// `filled` (a Set of field names) shows a message being built: other fields stay empty.
export function renderBytes(grid, explain, annotated, { filled = null, fresh = new Set() } = {}) {
  grid.replaceChildren();
  explain.textContent = '';
  if (!annotated) {
    // No bytes: the legend of the bytes shown before goes too.
    if (grid.nextElementSibling && grid.nextElementSibling.classList.contains('legend')) grid.nextElementSibling.remove();
    return;
  }
  const cells = [];
  const legend = el('div', { class: 'legend', role: 'list' });
  const show = (i) => {
    const f = annotated.fields[i];
    cells.forEach((c) => c.classList.toggle('hi', Number(c.dataset.field) === i));
    legend.querySelectorAll('button').forEach((b) => b.classList.toggle('hi', Number(b.dataset.field) === i));
    explain.replaceChildren(el('b', {}, `${f.name}`), ` · bytes ${f.offset}–${f.offset + f.length - 1} (${f.length}) · `,
      f.meaning, el('br'), el('code', {}, f.hex));
    explain.dataset.field = f.name;
  };
  annotated.fields.forEach((f, i) => {
    const empty = filled && !filled.has(f.name);
    for (let k = 0; k < f.length; k++) {
      const o = f.offset + k;
      const c = el('span', {
        class: `b ${f.layer}${i % 2 ? ' alt' : ''}${empty ? ' empty' : ''}${fresh.has(f.name) ? ' new' : ''}`,
        'data-field': String(i), 'data-offset': String(o), title: `${f.name} · byte ${o}`,
      }, empty ? '··' : annotated.hex.substr(2 * o, 2));
      c.addEventListener('mouseenter', () => show(i));
      cells.push(c);
    }
    legend.append(el('button', { type: 'button', role: 'listitem', 'data-field': String(i), onfocus: () => show(i),
      onmouseenter: () => show(i) }, `${f.offset}: ${f.name}${empty ? ' (not yet)' : ''}`));
  });
  grid.append(...cells);
  grid.after(legend);
  // A grid re-rendered keeps one legend: drop the one from before.
  while (legend.nextElementSibling && legend.nextElementSibling.classList.contains('legend')) legend.nextElementSibling.remove();
}
