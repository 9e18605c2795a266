import { el } from './api.js';

// Next/back for a section of numbered steps (0 = before the first), with the arrow keys while the
// section has focus, and a deep link per step: #<section id>/<step>.
// The section's <div class="step-head" data-counter=TESTID> gets its back and next buttons and its
// counter here, the same for every section.
export function stepper(section, total, render) {
  let step = 0;
  const head = section.querySelector('.step-head');
  const counter = el('span', { class: 'counter', 'data-testid': head.dataset.counter, 'aria-live': 'polite' }, `step 0 / ${total()}`);
  head.append(el('button', { type: 'button', 'data-back': '' }, '◀ Back'), counter, el('button', { type: 'button', 'data-next': '' }, 'Next ▶'));
  const go = (n, { link = true } = {}) => {
    step = Math.max(0, Math.min(total(), n));
    counter.textContent = `step ${step} / ${total()}`;
    render(step);
    if (link) history.replaceState(null, '', `${location.search}#${section.id}/${step}`);
  };
  section.querySelector('[data-next]').addEventListener('click', () => go(step + 1));
  section.querySelector('[data-back]').addEventListener('click', () => go(step - 1));
  section.addEventListener('keydown', (e) => {
    if (e.target.matches('input, select, textarea')) return;
    if (e.key === 'ArrowRight') { go(step + 1); e.preventDefault(); }
    if (e.key === 'ArrowLeft') { go(step - 1); e.preventDefault(); }
  });
  return { go, get step() { return step; } };
}

// The step a deep link asks of `sectionId`, or null.
export function linkedStep(sectionId) {
  const m = location.hash.match(new RegExp(`^#${sectionId}/(\\d+)$`));
  return m ? Number(m[1]) : null;
}
