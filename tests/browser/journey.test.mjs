// The customer's journey: sign in, open a request through the cards and
// the form, comment, have it resolved by support, accept it with a rating;
// reopen and cancel; sharing and following.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  follow, createRequest, launchBrowser, openPage, screenshot, signIn, startDeskd, USERS,
} from './lib/harness.mjs';

let deskd;
let browser;

before(async () => {
  deskd = await startDeskd();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (deskd) await deskd.close();
});

test('a customer signs in and finds an empty list of open cases', async () => {
  const s = await openPage(browser, deskd);
  try {
    await s.go('#/');
    await s.page.waitForSelector('h1:text("Sign in")');
    assert.match(s.page.url(), /#\/sign-in$/, 'a first visit shows no "session ended" notice');
    assert.equal(await s.page.locator('.message-info').count(), 0);
    await screenshot(s.page, 'sign-in');
    await signIn(s.page, USERS.alice);
    await s.page.waitForSelector('.empty');
    assert.equal(await s.page.locator('a.view-tab[aria-current="page"]').textContent(), 'My open cases');
    assert.match(await s.page.locator('.empty').textContent(), /no open requests/);
    s.check();
  } finally {
    await s.close();
  }
});

test('the full journey: request through cards and form, comment, resolved by support, accepted with a rating', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.alice);

    // request type cards, then service, then sub-category
    await follow(page, 'a[data-nav="new"]');
    await page.waitForSelector('ul.cards-types a.card-link');
    const cards = await page.locator('ul.cards-types a.card-link .card-title').allTextContents();
    assert.ok(cards.includes('Report an incident'), cards.join(', '));
    assert.ok(cards.includes('Ask a question'));
    await screenshot(page, 'new-request-types');
    await follow(page, 'a.card-link[data-id="report_incident"]');
    await page.waitForSelector('h2:text("Which service is it about?")');
    await follow(page, 'a.card-link[data-id="network"]');
    await follow(page, 'a.card-link[data-id="vpn"]');
    await page.waitForSelector('form.request-form');

    // required fields are marked, the notice about sensitive data is there
    assert.equal(await page.locator('label:has-text("Title") .required-mark').count(), 1);
    assert.equal(await page.locator('label:has-text("Description") .required-mark').count(), 1);
    assert.match(await page.locator('.request-form .message-warning').textContent(), /No sensitive data/);
    assert.match(await page.locator('.summary').textContent(), /Network › VPN/);

    await page.getByLabel(/^Title/).fill('VPN drops every hour');
    await page.getByLabel(/^Description/).fill('Since Monday the VPN connection drops every hour.');
    await page.getByLabel('Impact').selectOption({ label: 'A department or group' });
    await page.getByLabel('Urgency').selectOption({ label: 'High' });
    // impact 2 x urgency 2 gives P2 in the default matrix
    assert.match(await page.locator('output.priority-preview').textContent(), /P2/);
    await page.getByLabel('System environment').selectOption('production');
    await screenshot(page, 'new-request-form');
    await page.click('form.request-form button[type="submit"]');

    // back on the list, with a success message and the new ticket in it
    const msg = page.locator('.notices .message-success');
    await msg.waitFor();
    const ref = /HD-\d+/.exec(await msg.textContent())[0];
    assert.match(page.url(), /#\/$/);
    const row = page.locator(`tr[data-ref="${ref}"]`);
    await row.waitFor();
    assert.equal(await row.locator('.title-link').textContent(), 'VPN drops every hour');
    assert.equal(await row.locator('.badge.priority').getAttribute('data-priority'), 'P2');
    assert.equal(await page.locator('.counter-p2 .counter-value').textContent(), '1');
    assert.equal(await page.locator('[data-total]').getAttribute('data-total'), '1');
    await screenshot(page, 'home');

    // open it through the reference, add a comment
    await follow(page, row.locator('a.ref-link'));
    await page.waitForSelector('h1.ticket-title');
    assert.equal(await page.locator('h1.ticket-title').textContent(), 'VPN drops every hour');
    assert.equal(await page.locator('[data-fact="service"] dd').textContent(), 'Network');
    assert.equal(await page.locator('[data-fact="subcategory"] dd').textContent(), 'VPN');
    assert.equal(await page.locator('[data-fact="type"] dd').textContent(), 'Incident');
    assert.match(await page.locator('[data-fact="status"] dd').textContent(), /New/);
    await page.getByLabel('Your comment').fill('It happened again at 10:00.');
    await page.click('form[data-form="comment"] button[type="submit"]');
    await page.waitForSelector('[data-panel="comment"] .message-success');
    const last = page.locator('ol.timeline > li').last();
    assert.match(await last.textContent(), /It happened again at 10:00\./);
    assert.match(await last.textContent(), /You/);

    // support resolves it through the API
    await deskd.resolve(ref, 'We replaced the VPN concentrator.');
    await follow(page, 'a[data-nav="home"]');
    await follow(page, 'a.view-tab[data-view="resolved"]');
    await page.waitForSelector(`tr[data-ref="${ref}"]`);
    assert.equal(await page.locator('a.view-tab[aria-current="page"]').textContent(), 'Resolved, awaiting my answer');
    await follow(page, page.locator(`tr[data-ref="${ref}"] a.title-link`));
    await page.waitForSelector('h1.ticket-title');
    assert.match(await page.locator('ol.timeline').textContent(), /We replaced the VPN concentrator\./);
    assert.match(await page.locator('ol.timeline').textContent(), /changed the status from New to Resolved/);
    await screenshot(page, 'ticket');

    // accept with a rating and a comment
    await page.click('button[data-action="accept"]');
    await page.click('form[data-action-form="accept"] button[type="submit"]');
    // no rating chosen: the error is next to the rating
    await page.waitForSelector('[data-field="rating"] .field-error:not([hidden])');
    await page.getByLabel('4 – Satisfied').check();
    await page.getByLabel(/Anything you would like to tell us/).fill('Quick and friendly, thanks.');
    await page.click('form[data-action-form="accept"] button[type="submit"]');
    await page.waitForSelector('.message-success:has-text("Thank you! The request has been closed.")');
    assert.match(await page.locator('[data-fact="status"] dd').textContent(), /Closed/);
    assert.match(await page.locator('[data-fact="rating"] dd').textContent(), /4 out of 5/);
    assert.match(await page.locator('ol.timeline').textContent(), /Quick and friendly, thanks\./);
    assert.equal(await page.locator('form[data-form="comment"]').count(), 0, 'a closed ticket takes no comments');

    // it is on the closed list now, not the open one
    await follow(page, 'a[data-nav="home"]');
    await page.waitForSelector('.empty, table.tickets');
    assert.equal(await page.locator(`tr[data-ref="${ref}"]`).count(), 0);
    await follow(page, 'a.view-tab[data-view="closed"]');
    await page.waitForSelector(`tr[data-ref="${ref}"]`);
    assert.match(await page.locator(`tr[data-ref="${ref}"] .badge.status`).textContent(), /Closed/);
    s.check();
  } finally {
    await s.close();
  }
});

test('a resolved request is reopened with a comment, which is required', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.alice);
    const ref = await createRequest(page, { title: 'Printer jams' , service: 'workplace', sub: 'printer' });
    await deskd.resolve(ref, 'Cleaned the rollers.');
    await s.go(`#/tickets/${ref}`);
    await page.waitForSelector('button[data-action="reopen"]');
    assert.match(await page.locator('.panel-actions').textContent(), /Accept the solution, or reopen/);
    await page.click('button[data-action="reopen"]');
    const form = page.locator('form[data-action-form="reopen"]');
    await form.locator('button[type="submit"]').click();
    const err = form.locator('.field-error:not([hidden])');
    await err.waitFor();
    assert.match(await err.textContent(), /why you reopen/);
    assert.equal(await form.locator('textarea').getAttribute('aria-invalid'), 'true');
    await form.locator('textarea').fill('It still jams on double-sided prints.');
    await form.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-panel="actions"] .message-success');
    assert.match(await page.locator('[data-fact="status"] dd').textContent(), /In progress/);
    assert.match(await page.locator('ol.timeline').textContent(), /It still jams on double-sided prints\./);
    // back in the open list
    await follow(page, 'a[data-nav="home"]');
    await page.waitForSelector(`tr[data-ref="${ref}"]`);
    s.check();
  } finally {
    await s.close();
  }
});

test('a request is cancelled and shows under closed cases', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.alice);
    const ref = await createRequest(page, { title: 'Laptop will not start', service: 'workplace', sub: 'laptop' });
    await follow(page, page.locator(`tr[data-ref="${ref}"] a.ref-link`));
    await page.click('button[data-action="cancel"]');
    await page.getByLabel('Comment (optional)').fill('It started after all.');
    await page.click('form[data-action-form="cancel"] button[type="submit"]');
    await page.waitForSelector('.message-success:has-text("The request has been cancelled.")');
    assert.match(await page.locator('[data-fact="status"] dd').textContent(), /Cancelled/);
    await follow(page, 'a[data-nav="home"]');
    await follow(page, 'a.view-tab[data-view="closed"]');
    await page.waitForSelector(`tr[data-ref="${ref}"]`);
    assert.match(await page.locator(`tr[data-ref="${ref}"] .badge.status`).textContent(), /Cancelled/);
    s.check();
  } finally {
    await s.close();
  }
});

test('people involved: share by e-mail, remove, follow and unfollow', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.alice);
    const ref = await createRequest(page, {
      title: 'Wi-Fi slow in building B',
      service: 'network',
      sub: 'wifi',
      fill: async (p) => {
        await p.getByLabel(/Share with named people/).fill('bob@acme.test');
      },
    });
    await follow(page, page.locator(`tr[data-ref="${ref}"] a.ref-link`));
    await page.waitForSelector('[data-panel="people"]');
    assert.match(await page.locator('ul.people').textContent(), /Bob de Vries/);

    // an outside address: added, then removed
    await page.getByLabel('Share with (e-mail address)').fill('not-an-address');
    await page.click('form[data-form="share"] button[type="submit"]');
    await page.waitForSelector('form[data-form="share"] .field-error:not([hidden])');
    await page.getByLabel('Share with (e-mail address)').fill('consultant@partner.test');
    await page.click('form[data-form="share"] button[type="submit"]');
    await page.waitForSelector('li[data-email="consultant@partner.test"]');
    assert.match(await page.locator('ol.timeline').textContent(), /shared this request with consultant@partner\.test/);
    await page.click('button[data-remove="consultant@partner.test"]');
    await page.waitForSelector('[data-panel="people"] .message-success:has-text("consultant@partner.test has been removed.")');
    assert.equal(await page.locator('li[data-email="consultant@partner.test"]').count(), 0);

    // follow / unfollow
    const followButton = page.locator('button[data-action="follow"]');
    assert.equal(await followButton.getAttribute('aria-pressed'), 'true');
    await followButton.click();
    await page.waitForSelector('button[data-action="follow"][aria-pressed="false"]');
    assert.match(await page.locator('button[data-action="follow"]').textContent(), /^Follow$/);
    await page.click('button[data-action="follow"]');
    await page.waitForSelector('button[data-action="follow"][aria-pressed="true"]');

    // Bob, the colleague it was shared with, sees it
    const b = await openPage(browser, deskd);
    try {
      await b.go('#/');
      await signIn(b.page, USERS.bob);
      await b.page.waitForSelector(`tr[data-ref="${ref}"]`);
      b.check();
    } finally {
      await b.close();
    }

    // and the colleague can be removed again, like an outside address
    const bob = page.locator('ul.people li[data-email="bob@acme.test"]');
    assert.match(await bob.textContent(), /Bob de Vries/);
    await page.click('button[data-remove="bob@acme.test"]');
    await page.waitForSelector('[data-panel="people"] .message-success:has-text("bob@acme.test has been removed.")');
    assert.equal(await page.locator('ul.people li[data-email="bob@acme.test"]').count(), 0);
    assert.doesNotMatch(await page.locator('ul.people').textContent(), /Bob de Vries/);
    s.check();
  } finally {
    await s.close();
  }
});

test('the type of a request can be changed', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.alice);
    const ref = await createRequest(page, { title: 'How do I reset my phone?', type: 'ask_question', service: 'workplace', sub: 'phone' });
    await s.go(`#/tickets/${ref}`);
    await page.waitForSelector('form[data-form="change"]');
    assert.equal(await page.locator('[data-fact="type"] dd').textContent(), 'Question');
    await page.click('form[data-form="change"] button[type="submit"]');
    await page.waitForSelector('form[data-form="change"] .field-error:not([hidden])');
    await page.locator('form[data-form="change"] select').first().selectOption('incident');
    await page.click('form[data-form="change"] button[type="submit"]');
    await page.waitForSelector('[data-panel="change"] .message-success');
    assert.equal(await page.locator('[data-fact="type"] dd').textContent(), 'Incident');
    assert.match(await page.locator('ol.timeline').textContent(), /changed Type from Question to Incident/);
    s.check();
  } finally {
    await s.close();
  }
});

test('under a contract that lets the customer choose, the priority is picked in the form and changed later', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.dirk);
    await follow(page, 'a[data-nav="new"]');
    await follow(page, 'a.card-link[data-id="report_incident"]');
    // no services in this contract: straight to the form
    await page.waitForSelector('form.request-form');
    assert.equal(await page.locator('ol.steps li').count(), 2);
    await page.getByLabel(/^Title/).fill('Production is down');
    await page.getByLabel(/^Description/).fill('Nobody can log in since 09:00.');
    const prio = page.locator('form.request-form [data-field="priority"]');
    assert.equal(await prio.inputValue(), '', 'by default from impact and urgency');
    await prio.selectOption('P1');
    assert.match(await page.locator('output.priority-preview').textContent(), /P1 \(Highest\)/);
    await page.click('form.request-form button[type="submit"]');
    const msg = page.locator('.notices .message-success');
    await msg.waitFor();
    const ref = /HD-\d+/.exec(await msg.textContent())[0];
    assert.equal(await page.locator(`tr[data-ref="${ref}"] .badge.priority`).getAttribute('data-priority'), 'P1');

    await follow(page, page.locator(`tr[data-ref="${ref}"] a.ref-link`));
    assert.equal(await page.locator('[data-fact="service"]').count(), 0);
    await page.locator('form[data-form="change"] [data-field="priority"]').selectOption('P2');
    await page.click('form[data-form="change"] button[type="submit"]');
    await page.waitForSelector('[data-panel="change"] .message-success');
    assert.match(await page.locator('[data-fact="priority"] dd').textContent(), /P2/);
    assert.match(await page.locator('ol.timeline').textContent(), /changed Priority from P1 \(Highest\) to P2 \(High\)/);
    s.check();
  } finally {
    await s.close();
  }
});

test('a comment removed by support shows as removed, without its text', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.alice);
    const ref = await createRequest(page, { title: 'Pasted too much', service: 'workplace', sub: 'laptop' });
    await follow(page, page.locator(`tr[data-ref="${ref}"] a.ref-link`));
    await page.getByLabel('Your comment').fill('My account number is secret-42');
    await page.click('form[data-form="comment"] button[type="submit"]');
    await page.waitForSelector('[data-panel="comment"] .message-success');
    const seq = Number(await page.locator('ol.timeline > li[data-kind="comment"]').last().getAttribute('data-seq'));
    await deskd.api('POST', `/api/v1/tickets/${ref}/redactions`, { seq });
    await page.reload();
    await page.waitForSelector('h1.ticket-title');
    const removed = page.locator(`ol.timeline > li[data-seq="${seq}"]`);
    assert.match(await removed.textContent(), /This comment was removed by support\./);
    assert.doesNotMatch(await page.locator('ol.timeline').textContent(), /secret-42/);
    assert.match(await page.locator('ol.timeline').textContent(), /removed sensitive text from a comment/);
    s.check();
  } finally {
    await s.close();
  }
});
