// Browser test harness: a real deskd on a free loopback port with a
// temporary data directory serving the portal from www/, and Debian's
// Chromium driven headless through playwright-core.
//
// Environment: DESKD and DESKCTL name the binaries (set by meson; default
// build/...), SCREENSHOT_DIR where screenshots go (default
// tests/browser/screenshots), CHROMIUM the browser (default
// /usr/bin/chromium).

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..', '..');
export const WWW = path.join(ROOT, 'www');
const DESKD = process.env.DESKD || path.join(ROOT, 'build', 'daemon', 'deskd');
const DESKCTL = process.env.DESKCTL || path.join(ROOT, 'build', 'tools', 'deskctl');
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || path.join(ROOT, 'tests', 'browser', 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Real scrypt at a low cost so sign-ins stay quick.
const CONFIG = '[security]\nscrypt_n = 1024\n';
export const PASSWORD = 'secret-password';

export const USERS = {
  alice: { email: 'alice@acme.test', name: 'Alice Andersson', role: 'customer', org: 'Acme' },
  bob: { email: 'bob@acme.test', name: 'Bob de Vries', role: 'customer', org: 'Acme' },
  olga: { email: 'olga@acme.test', name: 'Olga Organisation', role: 'org-customer', org: 'Acme' },
  sam: { email: 'sam@desk.test', name: 'Sam Support', role: 'agent' },
  // Bright: a contract that lets customers choose the priority, no services
  dirk: { email: 'dirk@bright.test', name: 'Dirk Direct', role: 'customer', org: 'Bright' },
};

export class Deskd {
  constructor() {
    this.dir = mkdtempSync(path.join(tmpdir(), 'deskd-browser-'));
    this.data = path.join(this.dir, 'data');
    this.config = path.join(this.dir, 'deskd.conf');
    writeFileSync(this.config, CONFIG);
    this.proc = null;
    this.log = [];
    this.url = null;
    this.token = null;
  }

  ctl(args, input) {
    const p = spawnSync(DESKCTL, ['--data', this.data, '--config', this.config, ...args], {
      input, encoding: 'utf8', timeout: 60000,
    });
    if (p.status !== 0) {
      throw new Error(`deskctl ${args.join(' ')} failed (${p.status}): ${p.stderr}${p.error || ''}`);
    }
    return p.stdout;
  }

  // The standard cast: organisation Acme (priority from impact and
  // urgency, two services) with two customers and an org-customer;
  // organisation Bright (customers choose the priority, no services) with
  // one customer; an agent with an API token.
  setup() {
    this.ctl(['init']);
    this.ctl(['org', 'add', 'Acme', '--priority-mode', 'matrix', '--services', 'workplace,network']);
    this.ctl(['org', 'add', 'Bright', '--priority-mode', 'direct']);
    for (const u of Object.values(USERS)) {
      const args = ['user', 'add', '--email', u.email, '--name', u.name, '--role', u.role, '--password-stdin'];
      if (u.org) args.push('--org', u.org);
      this.ctl(args, `${PASSWORD}\n`);
    }
    this.token = this.ctl(['token', 'add', '--email', USERS.sam.email]).trim().split(/\s+/).pop();
    return this;
  }

  start() {
    return new Promise((resolve, reject) => {
      const proc = spawn(DESKD, ['--data', this.data, '--listen', '127.0.0.1:0', '--config', this.config, '--www', WWW], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      this.proc = proc;
      let buf = '';
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        reject(new Error(`deskd did not start:\n${this.log.join('\n')}`));
      }, 30000);
      proc.stderr.setEncoding('utf8');
      proc.stderr.on('data', (chunk) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          this.log.push(line);
          const m = /msg=listening addr=127\.0\.0\.1:(\d+)/.exec(line);
          if (m && !this.url) {
            clearTimeout(timer);
            this.url = `http://127.0.0.1:${m[1]}`;
            resolve(this);
          }
        }
      });
      proc.on('exit', (code) => {
        if (!this.url) {
          clearTimeout(timer);
          reject(new Error(`deskd exited with ${code}:\n${this.log.join('\n')}`));
        }
      });
      proc.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  // Stops deskd; rejects unless it exits 0 (under the sanitizers a leak
  // makes the exit status non-zero).
  stop() {
    const proc = this.proc;
    if (!proc) return Promise.resolve(0);
    this.proc = null;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), 30000);
      proc.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(0);
        else reject(new Error(`deskd exited with ${code ?? signal}:\n${this.log.slice(-40).join('\n')}`));
      });
      proc.kill('SIGTERM');
    });
  }

  async close() {
    try {
      await this.stop();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }

  // The API as the agent (Bearer token: no CSRF token needed).
  async api(method, urlPath, body) {
    const res = await fetch(this.url + urlPath, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`${method} ${urlPath}: ${res.status} ${text}`);
    return json;
  }

  // A ticket registered by support for a customer.
  async ticketFor(email, title, extra = {}) {
    const data = await this.api('POST', '/api/v1/tickets', {
      requester: email, channel: 'phone', type: 'incident', title, description: `About: ${title}`, ...extra,
    });
    return data.ticket.ref;
  }

  async resolve(ref, comment) {
    return this.api('POST', `/api/v1/tickets/${ref}/actions`, { action: 'resolve', comment });
  }
}

export async function startDeskd() {
  const d = new Deskd().setup();
  await d.start();
  return d;
}

// A started deskd and a browser for the tests of one file: started before
// them, closed after them. The returned object holds both (env.deskd,
// env.browser) once the tests run.
export function useDeskdAndBrowser() {
  const env = { deskd: null, browser: null };
  before(async () => {
    env.deskd = await startDeskd();
    env.browser = await launchBrowser();
  });
  after(async () => {
    if (env.browser) await env.browser.close();
    if (env.deskd) await env.deskd.close();
  });
  return env;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// A fresh browser context and page that records what must not happen:
// script errors, Content-Security-Policy violations and dialogs (alert,
// confirm, prompt). check() throws when any happened.
export async function openPage(browser, deskd, options = {}) {
  const { locale = 'en-GB', viewport = { width: 1280, height: 900 }, ...rest } = options;
  const context = await browser.newContext({ locale, viewport, ...rest });
  const page = await context.newPage();
  const problems = [];
  const dialogs = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy|Refused to/i.test(text)) problems.push(`CSP: ${text}`);
  });
  page.on('dialog', async (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });
  page.setDefaultTimeout(10000);
  const base = deskd.url;
  return {
    page,
    context,
    dialogs,
    problems,
    go: async (hash = '#/') => {
      await page.goto(`${base}/${hash}`);
      await settled(page);
    },
    check() {
      if (problems.length) throw new Error(`the page reported problems:\n${problems.join('\n')}`);
      if (dialogs.length) throw new Error(`a dialog opened:\n${dialogs.join('\n')}`);
    },
    close: () => context.close(),
  };
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

// Signs in through the form and waits for the page that follows.
export async function signIn(page, user, { password = PASSWORD, remember = false } = {}) {
  await page.waitForSelector('form input[name="email"]');
  await page.fill('input[name="email"]', user.email);
  await page.fill('input[name="password"]', password);
  if (remember) await page.check('input[name="remember"]');
  await page.click('form button[type="submit"]');
  await page.waitForFunction(() => !location.hash.startsWith('#/sign-in'));
  await settled(page);
}

// Waits until the portal has drawn the page the address names: the router
// marks <main> aria-busy while it loads one and data-rendered with the
// address it shows once done.
export async function settled(page) {
  await page.waitForFunction(() => {
    const main = document.querySelector('main');
    return main && !main.hasAttribute('aria-busy') && main.dataset.rendered === location.hash
      && main.querySelector('h1');
  });
}

// Clicks something that leads to another page and waits until it is drawn.
export async function follow(page, target) {
  const locator = typeof target === 'string' ? page.locator(target) : target;
  await locator.click();
  await settled(page);
}

// Opens a request through the wizard: the request type card, the service
// and sub-category cards, then the form. Returns the new reference.
export async function createRequest(page, { title, description = 'It does not work.', type = 'report_incident', service = 'network', sub = 'vpn', fill } = {}) {
  await follow(page, 'a[data-nav="new"]');
  await follow(page, `a.card-link[data-id="${type}"]`);
  if (service) {
    await follow(page, `a.card-link[data-id="${service}"]`);
    if (sub) await follow(page, `a.card-link[data-id="${sub}"]`);
  }
  await page.waitForSelector('form.request-form');
  await page.getByLabel(/^Title/).fill(title);
  await page.getByLabel(/^Description/).fill(description);
  if (fill) await fill(page);
  await page.click('form.request-form button[type="submit"]');
  const msg = page.locator('.notices .message-success');
  await msg.waitFor();
  await settled(page);
  const text = await msg.textContent();
  const m = /HD-\d+/.exec(text);
  if (!m) throw new Error(`no reference in the success message: ${text}`);
  return m[0];
}

// Whether the document is wider than the window (a horizontal scrollbar).
export function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
