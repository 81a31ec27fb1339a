// Languages: from the browser (Accept-Language / navigator.languages),
// changeable in the profile; every label follows, dates too. And the rest
// of the profile: name, phone, contact channels, password.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  follow, createRequest, launchBrowser, openPage, PASSWORD, screenshot, signIn, startDeskd, USERS,
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

async function chooseLanguage(page, name) {
  await follow(page, 'a[data-nav="profile"]');
  await page.waitForSelector('form[data-form="profile"]');
  await page.locator('form[data-form="profile"] [data-field="language"]').selectOption({ label: name });
  await page.click('form[data-form="profile"] button[type="submit"]');
  await page.waitForSelector('[data-note="profile"] .message-success');
}

test('the profile switches the portal to Dutch, then to Swedish', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/');
    await signIn(page, USERS.bob);
    await createRequest(page, { title: 'Screen flickers', service: 'workplace', sub: 'laptop' });
    assert.equal(await page.locator('a[data-nav="home"]').textContent(), 'My requests');

    await chooseLanguage(page, 'Nederlands');
    assert.equal(await page.locator('html').getAttribute('lang'), 'nl');
    assert.equal(await page.locator('main h1').textContent(), 'Profiel');
    assert.equal(await page.locator('[data-note="profile"] .message-success').textContent(), 'Uw profiel is opgeslagen.');
    assert.equal(await page.locator('a[data-nav="home"]').textContent(), 'Mijn meldingen');
    assert.equal(await page.locator('button[data-action="sign-out"]').textContent(), 'Afmelden');
    assert.equal(await page.getByLabel('Taal', { exact: true }).inputValue(), 'nl');

    await follow(page, 'a[data-nav="home"]');
    await page.waitForSelector('table.tickets');
    assert.equal(await page.locator('a.view-tab[aria-current="page"]').textContent(), 'Mijn openstaande meldingen');
    assert.equal(await page.locator('table.tickets thead th').first().textContent(), 'Referentie');
    // labels that come from deskd follow the profile too
    assert.equal(await page.locator('table.tickets .badge.status').first().textContent(), 'Nieuw');
    await follow(page, 'a[data-nav="new"]');
    await page.waitForSelector('a.card-link[data-id="report_incident"]');
    assert.equal(await page.locator('a.card-link[data-id="report_incident"] .card-title').textContent(), 'Een incident melden');

    await chooseLanguage(page, 'Svenska');
    assert.equal(await page.locator('html').getAttribute('lang'), 'sv');
    assert.equal(await page.locator('main h1').textContent(), 'Profil');
    assert.equal(await page.locator('a[data-nav="home"]').textContent(), 'Mina ärenden');
    await follow(page, 'a[data-nav="home"]');
    await page.waitForSelector('table.tickets');
    assert.equal(await page.locator('a.view-tab[aria-current="page"]').textContent(), 'Mina öppna ärenden');
    assert.equal(await page.locator('table.tickets .badge.status').first().textContent(), 'Ny');
    // dates in the Swedish way
    const time = page.locator('table.tickets time').first();
    const iso = await time.getAttribute('datetime');
    const expected = await page.evaluate((v) => new Intl.DateTimeFormat('sv', { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(v)), iso);
    assert.equal(await time.textContent(), expected);
    await follow(page, 'a[data-nav="new"]');
    await page.waitForSelector('a.card-link[data-id="report_incident"]');
    assert.equal(await page.locator('a.card-link[data-id="report_incident"] .card-title').textContent(), 'Rapportera en incident');
    await screenshot(page, 'new-request-sv');

    // signed out, the sign-in page stays in the chosen language
    await follow(page, 'button[data-action="sign-out"]');
    // the sign-in form, not the page that was there before signing out
    await page.waitForSelector('main form input[name="password"][autocomplete="current-password"]');
    assert.equal(await page.locator('main h1').textContent(), 'Logga in');

    // and back to automatic (the browser's English) for the next tests
    await signIn(page, USERS.bob);
    await chooseLanguage(page, 'Automatiskt (från din webbläsare)');
    assert.equal(await page.locator('main h1').textContent(), 'Profile');
    s.check();
  } finally {
    await s.close();
  }
});

test('a browser asking for Dutch gets the sign-in page in Dutch', async () => {
  const s = await openPage(browser, deskd, { locale: 'nl-NL', extraHTTPHeaders: { 'Accept-Language': 'nl-NL,nl;q=0.9' } });
  const { page } = s;
  try {
    await s.go('#/');
    await page.waitForSelector('main h1');
    assert.equal(await page.locator('main h1').textContent(), 'Aanmelden');
    assert.equal(await page.locator('html').getAttribute('lang'), 'nl');
    assert.equal(await page.locator('label[for]:has-text("E-mailadres")').count(), 1);
    assert.equal(await page.locator('form button[type="submit"]').textContent(), 'Aanmelden');
    await screenshot(page, 'sign-in-nl');
    // wrong password, in Dutch
    await page.fill('input[name="email"]', USERS.alice.email);
    await page.fill('input[name="password"]', 'wrong-password');
    await page.click('form button[type="submit"]');
    await page.waitForSelector('.field-error:not([hidden])');
    assert.match(await page.locator('.field-error:not([hidden])').textContent(), /wachtwoord klopt niet/);
    // signed in without a language in the profile: still Dutch, server labels too
    await signIn(page, USERS.alice);
    assert.equal(await page.locator('main h1').textContent(), 'Mijn meldingen');
    await follow(page, 'a[data-nav="new"]');
    await page.waitForSelector('a.card-link[data-id="ask_question"]');
    assert.equal(await page.locator('a.card-link[data-id="ask_question"] .card-title').textContent(), 'Een vraag stellen');
    s.check();
  } finally {
    await s.close();
  }
});

test('the language can be chosen on the sign-in page', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/sign-in');
    await page.waitForSelector('main h1');
    assert.equal(await page.locator('main h1').textContent(), 'Sign in');
    await page.locator('#footer-language').selectOption('sv');
    await page.waitForSelector('main h1:text("Logga in")');
    assert.equal(await page.getByLabel('E-postadress').count(), 1);
    await page.reload();
    await page.waitForSelector('main h1:text("Logga in")');
    s.check();
  } finally {
    await s.close();
  }
});

test('the profile keeps name, phone and contact channels; a bad phone number is shown at the field', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  try {
    await s.go('#/profile');
    await signIn(page, USERS.olga);
    await page.waitForSelector('form[data-form="profile"]');
    assert.equal(await page.getByLabel('E-mail address').inputValue(), USERS.olga.email);
    assert.equal(await page.getByLabel('E-mail address').getAttribute('readonly'), '');
    await page.getByLabel(/^Name/).fill('Olga Olsson');
    await page.getByRole('textbox', { name: 'Phone' }).fill('call me maybe');
    await page.click('form[data-form="profile"] button[type="submit"]');
    await page.waitForSelector('[data-field="phone"][aria-invalid="true"]');
    const phone = page.getByRole('textbox', { name: 'Phone' });
    const errId = (await phone.getAttribute('aria-describedby')).split(' ').find((x) => x.endsWith('-error'));
    assert.match(await page.locator(`[id="${errId}"]`).textContent(), /not valid/);

    await phone.fill('+46 8 123 456');
    await page.locator('fieldset[data-field="contact"]').getByLabel('Phone', { exact: true }).check();
    await page.locator('fieldset[data-field="contact"]').getByLabel('Mail', { exact: true }).check();
    await page.click('form[data-form="profile"] button[type="submit"]');
    await page.waitForSelector('[data-note="profile"] .message-success');
    assert.match(await page.locator('.account-name').textContent(), /Olga Olsson/);
    await screenshot(page, 'profile');
    await page.reload();
    await page.waitForSelector('form[data-form="profile"]');
    assert.equal(await page.getByLabel(/^Name/).inputValue(), 'Olga Olsson');
    assert.equal(await page.getByRole('textbox', { name: 'Phone' }).inputValue(), '+46 8 123 456');
    const contact = page.locator('fieldset[data-field="contact"]');
    assert.equal(await contact.getByLabel('E-mail', { exact: true }).isChecked(), true);
    assert.equal(await contact.getByLabel('Phone', { exact: true }).isChecked(), true);
    assert.equal(await contact.getByLabel('Fax', { exact: true }).isChecked(), false);
    assert.equal(await contact.getByLabel('Mail', { exact: true }).isChecked(), true);
    s.check();
  } finally {
    await s.close();
  }
});

test('changing the password asks for the current one', async () => {
  const s = await openPage(browser, deskd);
  const { page } = s;
  const form = page.locator('form[data-form="password"]');
  const fresh = 'a-new-password-42';
  try {
    await s.go('#/profile');
    await signIn(page, USERS.olga);
    await form.waitFor();
    await form.getByLabel(/^Current password/).fill('not-my-password');
    await form.getByLabel(/^New password(?! again)/).fill(fresh);
    await form.getByLabel(/^New password again/).fill('something-else');
    await form.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-field="new_password_again"][aria-invalid="true"]');
    await form.getByLabel(/^New password again/).fill(fresh);
    await form.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-field="old_password"][aria-invalid="true"]');
    assert.match(await form.locator('.field-error:not([hidden])').textContent(), /not your current password/);

    await form.getByLabel(/^Current password/).fill(PASSWORD);
    await form.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-note="password"] .message-success');
    assert.equal(await form.getByLabel(/^Current password/).inputValue(), '');

    await follow(page, 'button[data-action="sign-out"]');
    await page.waitForSelector('input[name="email"]');
    await page.fill('input[name="email"]', USERS.olga.email);
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('form button[type="submit"]');
    await page.waitForSelector('.field-error:not([hidden])');
    await signIn(page, USERS.olga, { password: fresh });
    assert.equal(await page.locator('main h1').textContent(), 'My requests');
    s.check();
  } finally {
    await s.close();
  }
});
