// Support's side of the portal: the queue with its filters, the tools on
// the ticket page (assignment, internal notes, status changes, resolving
// with a code and a cause, time, links, redaction) and what the customer
// sees of it afterwards.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  follow, createRequest, launchBrowser, openPage, screenshot, settled, signIn, startDeskd, USERS,
} from './lib/harness.mjs';

let deskd;
let browser;
let samId;

before(async () => {
  deskd = await startDeskd();
  browser = await launchBrowser();
  const { agents } = await deskd.api('GET', '/api/v1/agents');
  samId = agents.find((a) => a.email === USERS.sam.email).id;
});

after(async () => {
  if (browser) await browser.close();
  if (deskd) await deskd.close();
});

// The current value of a queue filter.
function filterValue(page, name) {
  return page.locator(`select[data-filter="${name}"]`).inputValue();
}

async function rowRefs(page) {
  return page.locator('table.tickets tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.ref));
}

test('the agent journey: queue, filters, assignment, internal note, status, resolution; the customer never sees the note', async () => {
  // a customer opens a request through the portal
  const customer = await openPage(browser, deskd);
  let ref;
  try {
    await customer.go('#/');
    await signIn(customer.page, USERS.alice);
    ref = await createRequest(customer.page, { title: 'Printer on the third floor jams', description: 'Every second page jams.' });
    customer.check();
  } finally {
    await customer.close();
  }
  const mine = (await deskd.api('GET', `/api/v1/tickets/${ref}`)).ticket;
  const prio = mine.priority;
  const otherPrio = prio === 'P1' ? 'P2' : 'P1';
  // others in the queue: a different priority, and one of the same
  // priority already assigned to the agent
  const urgent = await deskd.ticketFor(USERS.bob.email, 'Mail server down', { priority: otherPrio });
  const taken = await deskd.ticketFor(USERS.bob.email, 'Laptop is slow', { priority: prio });
  await deskd.api('PATCH', `/api/v1/tickets/${taken}`, { assignee_id: samId });

  const s = await openPage(browser, deskd);
  const { page } = s;
  const note = 'Internal: the customer has an old driver, check with the vendor';
  const reply = 'We are looking into the printer now.';
  try {
    await s.go('#/');
    await signIn(page, USERS.sam);
    assert.equal(await page.locator('a[data-nav="queue"]').count(), 1);
    assert.equal(await page.locator('a[data-nav="dashboard"]').count(), 1);
    await follow(page, 'a[data-nav="queue"]');
    await page.waitForSelector(`tr[data-ref="${ref}"]`);
    assert.deepEqual(new Set(await rowRefs(page)), new Set([ref, urgent, taken]));
    const row = page.locator(`tr[data-ref="${ref}"]`);
    assert.equal(await row.locator('.title-link').textContent(), 'Printer on the third floor jams');
    assert.match(await row.textContent(), /Alice Andersson/);
    assert.match(await row.textContent(), /Acme/);
    assert.match(await row.textContent(), /Unassigned/);
    assert.match(await page.locator(`tr[data-ref="${taken}"]`).textContent(), /You/);
    assert.equal(await page.locator('[data-total]').getAttribute('data-total'), '3');
    await screenshot(page, 'queue');

    // by priority: the other priority's ticket goes
    await page.selectOption('select[data-filter="priority"]', prio);
    await page.waitForFunction((p) => location.hash.includes(`priority=${p}`), prio);
    await settled(page);
    await page.waitForSelector(`tr[data-ref="${urgent}"]`, { state: 'detached' });
    assert.deepEqual(new Set(await rowRefs(page)), new Set([ref, taken]));
    assert.match(await page.locator('.queue-matched').textContent(), /2 tickets match/);

    // and unassigned: the one taken by the agent goes too
    await page.selectOption('select[data-filter="assignee"]', 'none');
    await page.waitForFunction(() => location.hash.includes('assignee=none'));
    await settled(page);
    await page.waitForSelector(`tr[data-ref="${taken}"]`, { state: 'detached' });
    assert.deepEqual(await rowRefs(page), [ref]);

    // a reload keeps the filters
    await page.reload();
    await settled(page);
    await page.waitForSelector(`tr[data-ref="${ref}"]`);
    assert.equal(await filterValue(page, 'priority'), prio);
    assert.equal(await filterValue(page, 'assignee'), 'none');
    assert.deepEqual(await rowRefs(page), [ref]);

    // "mine" shows the taken one only
    await page.selectOption('select[data-filter="assignee"]', 'me');
    await page.waitForSelector(`tr[data-ref="${taken}"]`);
    assert.deepEqual(await rowRefs(page), [taken]);
    await page.click('a[data-action="clear-filters"]');
    await page.waitForSelector(`tr[data-ref="${urgent}"]`);
    assert.equal(await filterValue(page, 'assignee'), '');

    // due soonest: deskd's order, with the due time of each running target
    await page.selectOption('select[data-filter="sort"]', 'due');
    await page.waitForFunction(() => location.hash.includes('sort=due'));
    await settled(page);
    await page.waitForSelector('table.tickets [data-due]');
    const dueOrder = (await deskd.api('GET', '/api/v1/tickets?sort=due')).tickets.map((x) => x.ref);
    assert.deepEqual(new Set(dueOrder), new Set([ref, urgent, taken]));
    assert.deepEqual(await rowRefs(page), dueOrder);
    const dues = await page.locator('table.tickets tbody [data-due]').evaluateAll((els) => els.map((e) => e.dataset.due));
    assert.equal(dues.length, 3);
    assert.deepEqual([...dues].sort(), dues);
    assert.equal(await page.locator('.notices .message').count(), 0);
    await screenshot(page, 'queue-due');
    // resolved tickets have no running clock: that view offers no due order
    await follow(page, 'a.view-tab[data-view="resolved"]');
    assert.equal(await filterValue(page, 'sort'), 'newest');
    assert.equal(await page.locator('select[data-filter="sort"] option[value="due"]').count(), 0);
    await follow(page, 'a.view-tab[data-view="open"]');
    await page.waitForSelector(`tr[data-ref="${urgent}"]`);

    // open the customer's ticket and assign it to oneself
    await follow(page, page.locator(`tr[data-ref="${ref}"] a.ref-link`));
    await page.waitForSelector('h1.ticket-title');
    assert.match(await page.locator('.assignee-now').textContent(), /Not assigned yet/);
    await page.click('button[data-action="assign-me"]');
    await page.waitForSelector('[data-panel="agent-assign"] .message-success');
    assert.match(await page.locator('.assignee-now').textContent(), /Assigned to you/);
    assert.equal((await deskd.api('GET', `/api/v1/tickets/${ref}`)).ticket.assignee_id, samId);

    // an internal note, marked as such
    await page.getByLabel('Your comment').fill(note);
    await page.getByLabel(/Internal note/).check();
    await page.click('form[data-form="comment"] button[type="submit"]');
    await page.waitForSelector('[data-panel="comment"] .message-success');
    const noteEvent = page.locator('ol.timeline > li.internal', { hasText: note });
    await noteEvent.waitFor();
    assert.equal(await noteEvent.locator('.badge-internal').count(), 1);

    // a public comment
    await page.getByLabel('Your comment').fill(reply);
    await page.click('form[data-form="comment"] button[type="submit"]');
    await page.waitForSelector('[data-panel="comment"] .message-success');
    const replyEvent = page.locator('ol.timeline > li', { hasText: reply });
    assert.equal(await replyEvent.evaluate((li) => li.classList.contains('internal')), false);

    // waiting for the customer
    await page.click('button[data-action="set_status"]');
    await page.locator('form[data-action-form="set_status"] select').selectOption('waiting_for_customer');
    await page.click('form[data-action-form="set_status"] button[type="submit"]');
    await page.waitForSelector('[data-panel="actions"] .message-success');
    assert.match(await page.locator('[data-fact="status"] dd').textContent(), /Waiting for customer/i);

    // resolve with a resolution code and the underlying cause
    await page.click('button[data-action="resolve"]');
    const form = page.locator('form[data-action-form="resolve"]');
    await form.getByLabel('Resolution').selectOption('fixed');
    await form.getByLabel('Underlying cause').selectOption('configuration_error');
    await form.getByLabel(/Solution for the customer/).fill('The printer driver has been updated.');
    await form.locator('button[type="submit"]').click();
    // the message of the status change before is still there until the page is redrawn
    await page.locator('[data-panel="actions"] .message-success', { hasText: 'has been resolved' }).waitFor();
    assert.match(await page.locator('[data-fact="status"] dd').textContent(), /Resolved/);
    // the customer's hint (accept or reopen) is not shown to support
    assert.doesNotMatch(await page.locator('main').textContent(), /Accept the solution/);
    assert.equal(await page.locator('[data-panel="agent-resolution"] [data-fact="resolution_code"] dd').textContent(), 'Fixed');
    assert.equal(await page.locator('[data-panel="agent-resolution"] [data-fact="cause"] dd').textContent(), 'Configuration error');
    const stored = (await deskd.api('GET', `/api/v1/tickets/${ref}`)).ticket;
    assert.equal(stored.resolution_code, 'fixed');
    assert.equal(stored.cause, 'configuration_error');
    assert.equal(stored.status_category, 'resolved');
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'agent-ticket');
    s.check();
  } finally {
    await s.close();
  }

  // the customer, in a browser of their own
  const c = await openPage(browser, deskd);
  try {
    await c.go(`#/tickets/${ref}`);
    await signIn(c.page, USERS.alice);
    await c.page.waitForSelector('h1.ticket-title');
    const text = await c.page.locator('body').textContent();
    assert.ok(!text.includes(note), 'the internal note is not on the customer page');
    assert.ok(!text.includes('old driver'));
    assert.ok(text.includes(reply), 'the public comment is');
    assert.ok(text.includes('The printer driver has been updated.'));
    const html = await c.page.content();
    assert.ok(!html.includes('old driver'));
    assert.equal(await c.page.locator('.panel-support').count(), 0, 'no support tools');
    assert.equal(await c.page.locator('li.internal').count(), 0);
    assert.equal(await c.page.getByLabel(/Internal note/).count(), 0);
    assert.equal(await c.page.locator('button[data-action="accept"]').count(), 1);
    c.check();
  } finally {
    await c.close();
  }
});

test('an agent registers a phone ticket for a customer, who then sees it in their list', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  let ref;
  try {
    await s.go('#/');
    await signIn(page, USERS.sam);
    await follow(page, 'a[data-nav="register"]');
    const form = page.locator('form[data-form="register"]');
    await screenshot(page, 'register');

    // nothing filled in: the errors stand next to their fields
    await form.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-field="requester"][aria-invalid="true"]');
    assert.equal(await page.locator('[data-field="title"]').getAttribute('aria-invalid'), 'true');

    // an address that is no customer: the server's answer, at the field
    await form.locator('[data-field="requester"]').fill('nobody@nowhere.test');
    await form.locator('[data-field="title"]').fill('Cannot print from the laptop');
    await form.locator('[data-field="description"]').fill('Called at 9:10; the printer queue stays empty.');
    await form.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-field="requester"][aria-invalid="true"]');

    await form.locator('[data-field="requester"]').fill(USERS.alice.email);
    await form.locator('[data-field="channel"]').selectOption('phone');
    await form.locator('[data-field="type"]').selectOption('problem');
    await form.locator('[data-field="priority"]').selectOption('P2');
    await form.locator('[data-field="service"]').selectOption('network');
    await form.locator('[data-field="subcategory"]').selectOption('vpn');
    // the caller mailed a log beforehand: it goes on the ticket's creation
    await page.setInputFiles('input[data-files="register"]',
      { name: 'print-queue.log', mimeType: 'text/plain', buffer: Buffer.from('queue empty\n') });
    await page.waitForSelector('[data-file-list="register"] li');
    await form.locator('button[type="submit"]').click();
    await page.waitForFunction(() => location.hash.startsWith('#/tickets/'));
    await settled(page);
    assert.equal(await page.locator('h1.ticket-title').textContent(), 'Cannot print from the laptop');
    ref = decodeURIComponent(new URL(page.url()).hash.slice('#/tickets/'.length));
    // support's wording: the breadcrumb leads back to the queue
    const crumb = page.locator('.breadcrumb a');
    assert.equal(await crumb.textContent(), 'Queue');
    assert.equal(await crumb.getAttribute('href'), '#/queue');
    s.check();
  } finally {
    await s.close();
  }
  const stored = (await deskd.api('GET', `/api/v1/tickets/${ref}`)).ticket;
  assert.equal(stored.channel, 'phone');
  assert.equal(stored.type, 'problem');
  assert.equal(stored.priority, 'P2');
  assert.equal(stored.requester.name, USERS.alice.name);
  const files = stored.timeline[0].attachments || [];
  assert.deepEqual(files.map((f) => [f.name, f.size]), [['print-queue.log', 12]]);

  const c = await openPage(browser, deskd);
  try {
    await c.go('#/');
    await signIn(c.page, USERS.alice);
    await c.page.waitForSelector(`tr[data-ref="${ref}"]`);
    assert.equal(await c.page.locator(`tr[data-ref="${ref}"] .title-link`).textContent(), 'Cannot print from the laptop');
    c.check();
  } finally {
    await c.close();
  }
});

test('customers have no queue, no dashboard and no support tools', async () => {
  const ref = await deskd.ticketFor(USERS.alice.email, 'Screen flickers');
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.alice);
    assert.equal(await page.locator('a[data-nav="queue"]').count(), 0);
    assert.equal(await page.locator('a[data-nav="dashboard"]').count(), 0);
    assert.equal(await page.locator('a[data-nav="register"]').count(), 0);
    for (const hash of ['#/queue', '#/dashboard', '#/register']) {
      await s.go(hash);
      await settled(page);
      assert.equal(await page.locator('h1').textContent(), 'Page not found');
    }
    await s.go(`#/tickets/${ref}`);
    await page.waitForSelector('h1.ticket-title');
    assert.equal(await page.locator('.panel-support').count(), 0);
    assert.equal(await page.locator('button[data-action="resolve"], button[data-action="set_status"]').count(), 0);
    s.check();
  } finally {
    await s.close();
  }
});

test('time, a related ticket and removing sensitive text', async () => {
  const ref = await deskd.ticketFor(USERS.bob.email, 'VPN certificate expired');
  const other = await deskd.ticketFor(USERS.bob.email, 'VPN problem for the whole team');
  await deskd.api('POST', `/api/v1/tickets/${ref}/comments`, { body: 'My password is hunter2', confirm_sensitive: true });
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go(`#/tickets/${ref}`);
    await signIn(page, USERS.sam);
    await page.waitForSelector('h1.ticket-title');

    // time: a bad value is refused next to the field, then 25 billable minutes
    const time = page.locator('form[data-form="time"]');
    await time.getByLabel(/Minutes/).fill('0');
    await time.locator('button[type="submit"]').click();
    assert.match(await time.locator('.field-error:not([hidden])').textContent(), /1 to 1440/);
    await time.getByLabel(/Minutes/).fill('25');
    await time.getByLabel('Billable').check();
    await time.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-panel="agent-time"] .message-success');
    assert.equal(await page.locator('.time-totals').getAttribute('data-minutes'), '25');
    assert.equal(await page.locator('.time-totals').getAttribute('data-billable'), '25');
    // time entries carry their own badge, not the internal note's
    const timeEvent = page.locator('ol.timeline li[data-kind="time"]').last();
    assert.equal(await timeEvent.locator('.badge-time').textContent(), 'Time logged');
    assert.equal(await timeEvent.locator('.badge-internal').count(), 0);

    // link the other ticket
    const link = page.locator('form[data-form="link"]');
    await link.getByLabel(/Reference of the other ticket/).fill(other.toLowerCase());
    await link.locator('button[type="submit"]').click();
    await page.waitForSelector(`[data-panel="agent-links"] li[data-related="${other}"]`);

    // redact the comment holding the password
    const redact = page.locator('form[data-form="redact"]');
    const option = redact.locator('option', { hasText: 'hunter2' });
    await redact.locator('select').selectOption(await option.getAttribute('value'));
    await redact.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-panel="agent-redact"] .message-success');
    assert.ok(!(await page.locator('ol.timeline').textContent()).includes('hunter2'));
    assert.match(await page.locator('ol.timeline').textContent(), /removed by support/);
    s.check();
  } finally {
    await s.close();
  }
});
