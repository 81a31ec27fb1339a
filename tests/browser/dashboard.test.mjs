// Support's dashboard: tickets opened and closed per day and the open
// tickets by priority and by status, drawn as SVG charts with the numbers
// also as tables for screen readers.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  launchBrowser, openPage, screenshot, settled, signIn, startDeskd, USERS,
} from './lib/harness.mjs';

let deskd;
let browser;
let stats;

const SEED = [
  { priority: 'P1', status: 'in_progress' },
  { priority: 'P1' },
  { priority: 'P2', status: 'waiting_for_customer' },
  { priority: 'P3', status: 'in_progress' },
  { priority: 'P3' },
  { priority: 'P3', status: 'closed' },
  { priority: 'P4', status: 'cancelled' },
  { priority: 'P4', status: 'in_progress' },
];

before(async () => {
  deskd = await startDeskd();
  browser = await launchBrowser();
  let i = 0;
  for (const seed of SEED) {
    i += 1;
    const ref = await deskd.ticketFor(USERS.bob.email, `Seeded ticket ${i}`, { priority: seed.priority });
    if (seed.status) {
      await deskd.api('POST', `/api/v1/tickets/${ref}/actions`, { action: 'set_status', status: seed.status });
    }
  }
  stats = await deskd.api('GET', '/api/v1/stats?days=30');
});

after(async () => {
  if (browser) await browser.close();
  if (deskd) await deskd.close();
});

function bars(page, chart, extra = '') {
  return page.locator(`[data-chart="${chart}"] svg rect.chart-bar${extra}`);
}

test('the dashboard draws the seeded numbers as SVG bar charts', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.sam);
    await page.click('a[data-nav="dashboard"]');
    await settled(page);
    await page.waitForSelector('[data-chart="daily"] svg');
    assert.equal(await page.locator('h1').textContent(), 'Dashboard');
    assert.equal(await page.locator('a[data-nav="dashboard"]').getAttribute('aria-current'), 'page');

    // per day: 30 days, an opened and a closed bar each; today holds the seed
    assert.equal(stats.days.length, 30);
    assert.equal(await bars(page, 'daily').count(), 60);
    assert.equal(await bars(page, 'daily', '[data-series="opened"]').count(), 30);
    const today = stats.days[stats.days.length - 1].day;
    assert.equal(await bars(page, 'daily', `[data-series="opened"][data-day="${today}"]`).getAttribute('data-value'), String(SEED.length));
    assert.equal(await bars(page, 'daily', `[data-series="closed"][data-day="${today}"]`).getAttribute('data-value'), '2');
    const opened = await bars(page, 'daily', '[data-series="opened"]').evaluateAll((els) => els.reduce((a, e) => a + Number(e.dataset.value), 0));
    assert.equal(opened, SEED.length);

    // by priority: four bars, the open tickets only
    assert.equal(await bars(page, 'priority').count(), 4);
    const prio = await bars(page, 'priority').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.key, Number(e.dataset.value)])));
    assert.deepEqual(prio, {
      P1: 2, P2: 1, P3: 2, P4: 1,
    });
    assert.deepEqual(prio, stats.open_by_priority);
    const [p1, p2] = await Promise.all(['P1', 'P2'].map((k) => bars(page, 'priority', `[data-key="${k}"]`).getAttribute('height').then(Number)));
    assert.ok(p1 > p2 && p2 > 0, 'bar heights follow the values');

    // by status: one bar per status with open tickets
    const byStatus = await bars(page, 'status').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.key, Number(e.dataset.value)])));
    assert.deepEqual(byStatus, { new: 2, in_progress: 3, waiting_for_customer: 1 });
    assert.deepEqual(byStatus, stats.open_by_status);

    // accessible: role img with a title and a description, a table of the numbers
    for (const chart of ['daily', 'priority', 'status']) {
      const svg = page.locator(`[data-chart="${chart}"] svg`);
      assert.equal(await svg.getAttribute('role'), 'img');
      const ids = (await svg.getAttribute('aria-labelledby')).split(' ');
      assert.equal(ids.length, 2);
      for (const id of ids) assert.ok((await page.locator(`[id="${id}"]`).textContent()).length > 0);
      assert.equal(await page.locator(`[data-chart="${chart}"] table.chart-table`).count(), 1);
    }
    assert.equal(await page.locator('[data-chart="priority"] table tbody tr').count(), 4);
    assert.equal(await page.locator('[data-chart="daily"] table tbody tr').count(), 30);
    assert.equal(await page.locator('[data-stat="open"] .stat-value').textContent(), '6');
    assert.match(await page.getByRole('img', { name: /Open tickets by priority/ }).getAttribute('class'), /chart-svg/);

    await screenshot(page, 'dashboard');

    // at phone width nothing sticks out
    await page.setViewportSize({ width: 390, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px too wide`);
    s.check();
  } finally {
    await s.close();
  }
});

test('the dashboard in Swedish', async () => {
  const s = await openPage(browser, deskd, { locale: 'sv-SE' });
  const { page } = s;
  try {
    await s.go('#/dashboard');
    await signIn(page, USERS.sam);
    await page.waitForSelector('[data-chart="daily"] svg');
    assert.equal(await page.locator('h1').textContent(), 'Översikt');
    assert.match(await page.locator('[data-chart="priority"] figcaption').textContent(), /Öppna ärenden per prioritet/);
    assert.match(await page.locator('[data-chart="daily"] .chart-legend').textContent(), /Öppnade.*Stängda/);
    s.check();
  } finally {
    await s.close();
  }
});
