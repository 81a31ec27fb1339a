// Support's dashboard: tickets opened and closed per day over the last 30
// days, and the open tickets by priority and by status, as SVG charts
// (charts.js) with the numbers as tables for screen readers.

import { get } from '../api.js';
import { dailyChart, barChart } from '../charts.js';
import { h } from '../dom.js';
import { formatNumber, locale, t } from '../i18n.js';
import { workflow } from '../lookups.js';
import { errorPanel } from '../ui.js';
import { orgs as loadOrgs } from './agent-data.js';

const DAYS = 30;
const PRIORITY_TONES = {
  P1: 'p1', P2: 'p2', P3: 'p3', P4: 'p4',
};

function dayDate(day) {
  return new Date(`${day}T12:00:00Z`);
}

function tile(key, label, value) {
  return h('div', { class: 'stat-tile', 'data-stat': key },
    h('p', { class: 'stat-label' }, label),
    h('p', { class: 'stat-value' }, formatNumber(value)));
}

export async function render(ctx) {
  ctx.setTitle(t('dashboard.title'));
  const [result, wf, orgList] = await Promise.all([
    get('/stats', { query: { days: DAYS } }).catch((err) => ({ err })),
    workflow().catch(() => null),
    loadOrgs().catch(() => []),
  ]);
  if (!ctx.isCurrent() || (result.err && result.err.handled)) return;
  const header = h('div', { class: 'page-header' }, h('div', {},
    h('h1', {}, t('dashboard.title')),
    h('p', { class: 'lead' }, t('dashboard.lead', { days: DAYS }))),
  h('a', { href: '#/queue', class: 'button button-secondary' }, t('dashboard.to_queue')));
  if (result.err) {
    ctx.main.append(header, errorPanel(result.err, () => ctx.navigate(location.hash)));
    return;
  }
  const stats = result;
  const long = new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'long', timeZone: 'UTC' });
  const short = new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', timeZone: 'UTC' });
  const days = (stats.days || []).map((d) => ({
    day: d.day,
    label: long.format(dayDate(d.day)),
    short: short.format(dayDate(d.day)),
    values: [d.opened, d.closed],
  }));
  const opened = days.reduce((a, d) => a + d.values[0], 0);
  const closed = days.reduce((a, d) => a + d.values[1], 0);
  const prio = stats.open_by_priority || {};
  const openTotal = ['P1', 'P2', 'P3', 'P4'].reduce((a, p) => a + (prio[p] || 0), 0);

  const byStatus = stats.open_by_status || {};
  const known = wf ? wf.statuses : [];
  const order = (name) => {
    const i = known.findIndex((x) => x.name === name);
    return i < 0 ? 1000 : i;
  };
  const statusItems = Object.keys(byStatus).sort((a, b) => order(a) - order(b)).map((name) => {
    const st = wf && wf.byName.get(name);
    return {
      key: name, label: st ? st.label : name, value: byStatus[name], tone: st ? st.category : 'open',
    };
  });

  const tiles = h('div', { class: 'stat-tiles' },
    tile('open', t('dashboard.open_now'), openTotal),
    tile('p1', t('dashboard.urgent_now'), prio.P1 || 0),
    tile('opened', t('dashboard.opened_n', { days: DAYS }), opened),
    tile('closed', t('dashboard.closed_n', { days: DAYS }), closed));

  const daily = dailyChart({
    id: 'daily',
    title: t('dashboard.daily_title', { days: DAYS }),
    desc: t('dashboard.daily_desc', { opened: formatNumber(opened), closed: formatNumber(closed), days: DAYS }),
    dayLabel: t('dashboard.day'),
    days,
    series: [
      { key: 'opened', label: t('dashboard.opened'), tone: 'opened' },
      { key: 'closed', label: t('dashboard.closed'), tone: 'closed' },
    ],
  });
  const priority = barChart({
    id: 'priority',
    title: t('dashboard.priority_title'),
    desc: t('dashboard.priority_desc', {
      p1: prio.P1 || 0, p2: prio.P2 || 0, p3: prio.P3 || 0, p4: prio.P4 || 0,
    }),
    valueLabel: t('dashboard.open_tickets'),
    items: ['P1', 'P2', 'P3', 'P4'].map((p) => ({
      key: p, label: `${p} – ${t(`priority.${p}`)}`, short: p, value: prio[p] || 0, tone: PRIORITY_TONES[p],
    })),
  });
  const status = statusItems.length ? barChart({
    id: 'status',
    title: t('dashboard.status_title'),
    desc: statusItems.map((i) => `${i.label}: ${formatNumber(i.value)}`).join(', '),
    valueLabel: t('dashboard.open_tickets'),
    items: statusItems,
  }) : h('figure', { class: 'chart chart-status', 'data-chart': 'status' },
    h('figcaption', { class: 'chart-caption' }, t('dashboard.status_title')),
    h('p', { class: 'muted empty' }, t('dashboard.no_open')));

  ctx.main.append(header, tiles,
    h('section', { class: 'card panel chart-card', 'aria-label': t('dashboard.daily_title', { days: DAYS }) }, daily),
    h('div', { class: 'chart-grid-2' },
      h('section', { class: 'card panel chart-card', 'aria-label': t('dashboard.priority_title') }, priority),
      h('section', { class: 'card panel chart-card', 'aria-label': t('dashboard.status_title') }, status)),
    reportForm(orgList));
}

// An organisation's monthly report as a download: a plain GET form, so the
// browser saves the attachment and the page stays.
function reportForm(orgList) {
  const month = new Date().toISOString().slice(0, 7);
  const submit = (format, label) => h('button', {
    type: 'submit', name: 'format', value: format, class: 'button button-secondary', 'data-report': format,
  }, label);
  return h('section', { class: 'card panel report-card', 'aria-labelledby': 'report-title' },
    h('h2', { id: 'report-title' }, t('dashboard.report.title')),
    h('p', { class: 'muted' }, t('dashboard.report.lead')),
    orgList.length ? h('form', {
      method: 'get', action: '/api/v1/reports/monthly', class: 'report-form toolbar',
    },
    h('div', { class: 'toolbar-item' }, h('label', { for: 'report-org' }, t('dashboard.report.org')),
      h('select', { id: 'report-org', name: 'org', required: true },
        orgList.map((o) => h('option', { value: String(o.id) }, o.name)))),
    h('div', { class: 'toolbar-item' }, h('label', { for: 'report-month' }, t('dashboard.report.month')),
      h('input', {
        id: 'report-month', name: 'month', type: 'month', value: month, required: true, pattern: '[0-9]{4}-[0-9]{2}',
      })),
    h('div', { class: 'toolbar-item' },
      submit('csv', t('dashboard.report.csv')), submit('xlsx', t('dashboard.report.xlsx'))))
      : h('p', { class: 'muted' }, t('dashboard.report.no_orgs')));
}
