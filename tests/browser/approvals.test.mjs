// Requests that need approval: they wait until an approver of the
// organisation approves (work starts) or rejects them (cancelled).

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  follow, createRequest, launchBrowser, openPage, PASSWORD, signIn, startDeskd, USERS,
} from './lib/harness.mjs';

let deskd;
let browser;
const anna = { email: 'anna@acme.test', name: 'Anna Approver' };

before(async () => {
  deskd = await startDeskd();
  // "Ask us to perform a task" needs approval from now on
  const cat = JSON.parse(deskd.ctl(['catalogue', 'export']));
  cat.request_types.find((rt) => rt.id === 'perform_task').needs_approval = true;
  const file = path.join(deskd.dir, 'catalogue.json');
  writeFileSync(file, JSON.stringify(cat));
  deskd.ctl(['catalogue', 'import', file]);
  deskd.ctl(['user', 'add', '--email', anna.email, '--name', anna.name, '--role', 'customer', '--org', 'Acme',
    '--approver', '--password-stdin'], `${PASSWORD}\n`);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (deskd) await deskd.close();
});

test('an approver approves one request and rejects another, with a reason', async () => {
  const c = await openPage(browser, deskd);
  let approveRef;
  let rejectRef;
  try {
    await c.go('#/');
    await signIn(c.page, USERS.alice);
    approveRef = await createRequest(c.page, { title: 'Install the new plotter driver', type: 'perform_task', service: 'workplace', sub: 'printer' });
    rejectRef = await createRequest(c.page, { title: 'Give everyone admin rights', type: 'perform_task', service: 'workplace', sub: 'laptop' });
    assert.match(await c.page.locator(`tr[data-ref="${approveRef}"] .badge.status`).textContent(), /Waiting for approval/);
    await follow(c.page, c.page.locator(`tr[data-ref="${approveRef}"] a.ref-link`));
    await c.page.waitForSelector('h1.ticket-title');
    assert.match(await c.page.locator('.panel-actions').textContent(), /waits for approval/);
    assert.equal(await c.page.locator('button[data-action="approve"]').count(), 0, 'nobody approves their own request');
    c.check();
  } finally {
    await c.close();
  }

  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/?view=approvals');
    await signIn(page, anna);
    await page.waitForSelector('table.tickets');
    assert.equal(await page.locator('a.view-tab[aria-current="page"]').textContent(), 'Awaiting my approval');
    await page.waitForSelector(`tr[data-ref="${approveRef}"]`);
    await follow(page, page.locator(`tr[data-ref="${approveRef}"] a.ref-link`));
    await page.click('button[data-action="approve"]');
    await page.click('form[data-action-form="approve"] button[type="submit"]');
    await page.waitForSelector('[data-panel="actions"] .message-success, .notices .message-success');
    assert.match(await page.locator('[data-fact="status"] dd').textContent(), /New/);
    assert.match(await page.locator('ol.timeline').textContent(), /approved this request/);

    await s.go(`#/tickets/${rejectRef}`);
    await page.waitForSelector('button[data-action="reject"]');
    await page.click('button[data-action="reject"]');
    const form = page.locator('form[data-action-form="reject"]');
    await form.locator('button[type="submit"]').click();
    await form.locator('[aria-invalid="true"]').waitFor();
    await form.locator('textarea').fill('Not in line with our security policy.');
    await form.locator('button[type="submit"]').click();
    await page.waitForSelector('.message-success:has-text("rejected")');
    assert.match(await page.locator('[data-fact="status"] dd').textContent(), /Cancelled/);
    assert.match(await page.locator('ol.timeline').textContent(), /Not in line with our security policy\./);
    s.check();
  } finally {
    await s.close();
  }
});
