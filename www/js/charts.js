// Charts as inline SVG, built element by element through the DOM (no
// markup strings, no inline style: colours come from classes in
// portal.css). Each chart is a <figure> with a visible caption, an SVG
// with role="img" and its own <title> and <desc>, and the same numbers as
// a table for screen readers.

import { h, uid } from './dom.js';
import { formatNumber } from './i18n.js';

const SVGNS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== null && v !== undefined && v !== false) el.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// A round upper bound and the step between grid lines for values up to max.
function scale(max, lines = 4) {
  if (max <= 0) return { top: lines, step: 1 };
  const raw = max / lines;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((x) => x >= raw && Number.isInteger(x)) || Math.ceil(raw);
  return { top: Math.ceil(max / step) * step, step };
}

function dataTable(caption, columns, rows) {
  // wrapped: a table box itself does not clip, so the hiding goes on a div
  return h('div', { class: 'sr-only' }, h('table', { class: 'chart-table' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {},
      h('th', { scope: 'row' }, r[0]),
      r.slice(1).map((v) => h('td', {}, formatNumber(v))))))));
}

function frame({ title, desc, width, height }) {
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const svg = s('svg', {
    viewBox: `0 0 ${width} ${height}`,
    class: 'chart-svg',
    role: 'img',
    'aria-labelledby': `${titleId} ${descId}`,
    preserveAspectRatio: 'xMidYMid meet',
  }, s('title', { id: titleId }, title), s('desc', { id: descId }, desc));
  return svg;
}

function grid(svg, { left, right, top, bottom, width, height }, sc) {
  const plotH = height - top - bottom;
  const g = s('g', { class: 'chart-grid', 'aria-hidden': 'true' });
  for (let v = 0; v <= sc.top; v += sc.step) {
    const y = top + plotH - (v / sc.top) * plotH;
    g.append(
      s('line', {
        x1: left, x2: width - right, y1: y, y2: y, class: v === 0 ? 'chart-axis' : 'chart-gridline',
      }),
      s('text', {
        x: left - 8, y: y + 4, 'text-anchor': 'end', class: 'chart-tick',
      }, formatNumber(v)),
    );
  }
  svg.append(g);
}

function figure(kind, caption, svg, legend, table) {
  return h('figure', { class: `chart chart-${kind}`, 'data-chart': kind },
    h('figcaption', { class: 'chart-caption' }, caption),
    legend,
    h('div', { class: 'chart-box' }, svg),
    table);
}

// Bars for categories: items [{key, label, value, tone}] where tone names a
// colour class (chart-tone-<tone>). Returns a <figure>.
export function barChart({
  id, title, desc, items, valueLabel,
}) {
  const width = 520;
  const height = 260;
  const pad = {
    left: 44, right: 12, top: 22, bottom: 46, width, height,
  };
  const max = Math.max(0, ...items.map((i) => i.value));
  const sc = scale(max);
  const svg = frame({
    title, desc, width, height,
  });
  grid(svg, pad, sc);
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const slot = plotW / Math.max(1, items.length);
  const barW = Math.min(64, slot * 0.62);
  const bars = s('g', { class: 'chart-bars' });
  items.forEach((item, i) => {
    const x = pad.left + slot * i + (slot - barW) / 2;
    const hgt = sc.top ? (item.value / sc.top) * plotH : 0;
    const y = pad.top + plotH - hgt;
    bars.append(
      s('rect', {
        x: x.toFixed(1),
        y: y.toFixed(1),
        width: barW.toFixed(1),
        height: Math.max(hgt, item.value ? 1 : 0).toFixed(1),
        rx: 3,
        class: `chart-bar chart-tone-${item.tone || 'primary'}`,
        'data-key': item.key,
        'data-value': item.value,
      }, s('title', {}, `${item.label}: ${formatNumber(item.value)}`)),
      s('text', {
        x: (x + barW / 2).toFixed(1), y: (y - 6).toFixed(1), 'text-anchor': 'middle', class: 'chart-value', 'aria-hidden': 'true',
      }, formatNumber(item.value)),
      s('text', {
        x: (x + barW / 2).toFixed(1), y: height - pad.bottom + 18, 'text-anchor': 'middle', class: 'chart-label', 'aria-hidden': 'true',
      }, item.short || item.label),
    );
  });
  svg.append(bars);
  const table = dataTable(title, ['', valueLabel], items.map((i) => [i.label, i.value]));
  return figure(id, title, svg, null, table);
}

// Two series per day side by side: days [{day, label, short, values: [a, b]}],
// series [{key, label, tone}]. Returns a <figure> with a legend.
export function dailyChart({
  id, title, desc, days, series, dayLabel,
}) {
  const width = 960;
  const height = 280;
  const pad = {
    left: 44, right: 12, top: 16, bottom: 40, width, height,
  };
  const max = Math.max(0, ...days.flatMap((d) => d.values));
  const sc = scale(max);
  const svg = frame({
    title, desc, width, height,
  });
  grid(svg, pad, sc);
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const slot = plotW / Math.max(1, days.length);
  const barW = Math.max(2, (slot * 0.8) / series.length);
  const every = Math.max(1, Math.ceil(days.length / 10));
  const bars = s('g', { class: 'chart-bars' });
  days.forEach((d, i) => {
    const x0 = pad.left + slot * i + (slot - barW * series.length) / 2;
    series.forEach((ser, j) => {
      const v = d.values[j];
      const hgt = sc.top ? (v / sc.top) * plotH : 0;
      bars.append(s('rect', {
        x: (x0 + barW * j).toFixed(1),
        y: (pad.top + plotH - hgt).toFixed(1),
        width: (barW - 1).toFixed(1),
        height: Math.max(hgt, v ? 1 : 0).toFixed(1),
        rx: 1.5,
        class: `chart-bar chart-tone-${ser.tone}`,
        'data-series': ser.key,
        'data-day': d.day,
        'data-value': v,
      }, s('title', {}, `${d.label} · ${ser.label}: ${formatNumber(v)}`)));
    });
    if ((days.length - 1 - i) % every === 0) {
      bars.append(s('text', {
        x: (pad.left + slot * i + slot / 2).toFixed(1), y: height - pad.bottom + 18, 'text-anchor': 'middle', class: 'chart-label', 'aria-hidden': 'true',
      }, d.short));
    }
  });
  svg.append(bars);
  const legend = h('ul', { class: 'chart-legend' }, series.map((ser) => h('li', {},
    h('span', { class: `chart-swatch chart-tone-${ser.tone}`, 'aria-hidden': 'true' }), ser.label)));
  const table = dataTable(title, [dayLabel, ...series.map((x) => x.label)], days.map((d) => [d.label, ...d.values]));
  return figure(id, title, svg, legend, table);
}
