// Element builders. Text only ever goes in through textContent or text
// nodes, never through innerHTML, so whatever a user typed (a title such as
// "<img src=x onerror=...>") is shown as the characters it is.

const SAFE_URL = /^(#|\/(?!\/)|mailto:|tel:|https?:\/\/)/i;

// h('a', {href: '#/', class: 'x', on: {click: fn}}, 'text', child, [more])
// Attributes: class, id, any aria-* / data-* / role / plain attribute;
// boolean true sets an empty attribute, false/null/undefined leave it out.
// Event handlers go in `on`; "on..." attributes and style are refused so
// that nothing here can carry script or inline style past the CSP.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'on') {
        for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
        continue;
      }
      const lower = name.toLowerCase();
      if (lower.startsWith('on') || lower === 'style' || lower === 'srcdoc') {
        throw new Error(`h(): attribute ${name} is not allowed`);
      }
      if ((lower === 'href' || lower === 'src' || lower === 'action') && !SAFE_URL.test(String(value))) {
        throw new Error(`h(): unsafe URL in ${name}`);
      }
      if (name === 'value' && (tag === 'input' || tag === 'textarea' || tag === 'select')) {
        el.value = String(value);
        continue;
      }
      if (name === 'checked' || name === 'selected') {
        el[name] = Boolean(value);
        continue;
      }
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

// Appends children: strings and numbers become text nodes, arrays are
// flattened, null/undefined/false are skipped.
export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

// Replaces all children of el.
export function replace(el, ...children) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return append(el, children);
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function text(s) {
  return document.createTextNode(s === null || s === undefined ? '' : String(s));
}

// A visually hidden span for screen readers.
export function srOnly(s) {
  return h('span', { class: 'sr-only' }, s);
}

let idCounter = 0;
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

export function show(el, on) {
  if (on) el.removeAttribute('hidden');
  else el.setAttribute('hidden', '');
}

// An icon drawn as inline SVG (created through the DOM, no markup string).
const ICONS = {
  plus: 'M12 5v14M5 12h14',
  back: 'M15 18l-6-6 6-6',
  next: 'M9 18l6-6-6-6',
  check: 'M5 13l4 4L19 7',
  alert: 'M12 8v5M12 16.5v.5M10.3 3.9L2.4 17.6A2 2 0 004.1 20.6h15.8a2 2 0 001.7-3L13.7 3.9a2 2 0 00-3.4 0z',
  info: 'M12 11v6M12 7.5v.5M12 21a9 9 0 110-18 9 9 0 010 18z',
  user: 'M20 21a8 8 0 10-16 0M12 13a4 4 0 100-8 4 4 0 000 8z',
  star: 'M12 3l2.7 5.6 6.1.9-4.4 4.3 1 6.1L12 17l-5.4 2.9 1-6.1-4.4-4.3 6.1-.9z',
  lock: 'M6 11h12v10H6zM8 11V7a4 4 0 018 0v4',
  bell: 'M18 16V11a6 6 0 10-12 0v5l-2 2h16zM10 21h4',
  x: 'M6 6l12 12M18 6L6 18',
};
const SVGNS = 'http://www.w3.org/2000/svg';
export function icon(name, cls = '') {
  const svg = document.createElementNS(SVGNS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', `icon ${cls}`.trim());
  const path = document.createElementNS(SVGNS, 'path');
  path.setAttribute('d', ICONS[name] || ICONS.info);
  svg.appendChild(path);
  return svg;
}
