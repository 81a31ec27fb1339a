// Download buttons: the list on screen as CSV and Excel (with the filters
// of the queue), and the dashboard's monthly report, saved as files.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  launchBrowser, openPage, settled, signIn, startDeskd, USERS,
} from './lib/harness.mjs';

let deskd;
let browser;

before(async () => {
  deskd = await startDeskd();
  browser = await launchBrowser();
  await deskd.ticketFor(USERS.bob.email, 'Printer, second floor', { priority: 'P2' });
  await deskd.ticketFor(USERS.bob.email, '=SUM(A1) looks like a formula');
  await deskd.ticketFor(USERS.bob.email, 'Överföring "quoted"', { priority: 'P2' });
});

after(async () => {
  if (browser) await browser.close();
  if (deskd) await deskd.close();
});

// Clicks selector and returns the saved download: its name and bytes.
async function download(page, selector) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = await d.path();
  return { name: d.suggestedFilename(), data: readFileSync(file) };
}

test('the customer downloads the list on screen as CSV and Excel', async () => {
  const s = await openPage(browser, deskd, { acceptDownloads: true });
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.bob);
    await page.waitForSelector('table.tickets');
    const csv = await download(page, 'a[data-download="csv"]');
    assert.match(csv.name, /^tickets-\d{4}-\d{2}-\d{2}\.csv$/);
    assert.deepEqual([...csv.data.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a byte order mark');
    const text = csv.data.subarray(3).toString('utf8');
    const lines = text.split('\r\n').filter(Boolean);
    assert.equal(lines[0].split(',')[0], 'Reference');
    assert.equal(lines.length, 4, text);
    assert.ok(text.includes('"Printer, second floor"'), text);
    assert.ok(text.includes("'=SUM(A1) looks like a formula"), text);
    assert.ok(text.includes('"Överföring ""quoted"""'), text);
    const xlsx = await download(page, 'a[data-download="xlsx"]');
    assert.match(xlsx.name, /^tickets-\d{4}-\d{2}-\d{2}\.xlsx$/);
    assert.equal(xlsx.data.subarray(0, 2).toString('latin1'), 'PK', 'a zip file');
    s.check();
  } finally {
    await s.close();
  }
});

test("support's queue exports with its filters, and the dashboard its report", async () => {
  const s = await openPage(browser, deskd, { acceptDownloads: true, locale: 'nl-NL' });
  const { page } = s;
  try {
    await s.go('#/queue?priority=P2');
    await signIn(page, USERS.sam);
    await page.waitForSelector('table.tickets');
    const href = await page.locator('a[data-download="csv"]').getAttribute('href');
    assert.match(href, /priority=P2/);
    const csv = await download(page, 'a[data-download="csv"]');
    const lines = csv.data.subarray(3).toString('utf8').split('\r\n').filter(Boolean);
    assert.equal(lines[0].split(',')[0], 'Referentie', 'headings in Dutch');
    assert.equal(lines.length, 3, 'the two P2 tickets');

    await s.go('#/dashboard');
    await settled(page);
    await page.waitForSelector('form.report-form');
    const report = await download(page, 'button[data-report="csv"]');
    assert.match(report.name, /^report-\d+-\d{4}-\d{2}\.csv$/);
    const text = report.data.subarray(3).toString('utf8');
    assert.match(text, /^Organisatie,/);
    const xlsx = await download(page, 'button[data-report="xlsx"]');
    assert.equal(xlsx.data.subarray(0, 2).toString('latin1'), 'PK');
    s.check();
  } finally {
    await s.close();
  }
});
