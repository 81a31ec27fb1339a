// Hostile text in every field a user or an administrator can store, shown
// on every page that shows it, to customers and to support: the portal must
// show it as the characters it is. On each page nothing may run (no dialog,
// no flag set by a payload, no Content-Security-Policy report: an inline
// handler the CSP blocked still means markup got into the page), no element
// of a payload may exist, and the text must be there literally.

import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  Deskd, launchBrowser, openPage, PASSWORD, settled, signIn,
} from './lib/harness.mjs';

// ---- the payloads ---------------------------------------------------------------------

const RTL = '\u202Etxt.exe\u200B';
// Every trick at once, for fields that hold a paragraph.
const FULL = [
  '<img src=x onerror="window.__xss=1">',
  '"><script>window.__xss=1</script>',
  '<svg onload=window.__xss=1>',
  '</textarea><script>window.__xss=1</script>',
  "{{constructor.constructor('window.__xss=1')()}}",
  RTL,
  'javascript:window.__xss=1',
].join(' ');
// The same in under 200 bytes with a word in front, for one-line fields,
// names and labels.
const SHORT = [
  '<img src=x onerror="__xss=1">',
  '"><script>__xss=1</script>',
  '<svg onload=__xss=1>',
  '</textarea><script>__xss=1</script>',
  "{{constructor.constructor('__xss=1')()}}",
  RTL,
  'javascript:__xss=1',
].join(' ');
// Links in the forms a renderer of comment text might turn into <a>.
const LINKS = '[click](javascript:window.__xss=1) <a href="javascript:window.__xss=1">a</a> '
  + '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe> https://example.test/"onmouseover="window.__xss=1';

const short = (word) => `${word} ${SHORT}`;
const long = (word) => `${word}\n${FULL}\n${LINKS}`;

const V = {
  title: short('xtitle'),
  description: long('xdesc'),
  component: short('xcomp'),
  note: long('xnote'),
  comment: long('xpublic'),
  internal: long('xinternal'),
  time: `xtime ${FULL}`,
  solution: long('xsolved'),
  rating: long('xrating'),
  rejection: long('xrejected'),
  rejectedTitle: short('xrejtkt'),
  waitingTitle: short('xwaiting'),
  closedTitle: short('xclosed'),
  orgTitle: short('xorgtkt'),
  external: "x'onmouseover='__xss=1'{{7*7}}&lt@evil.test",
  // names
  eve: short('Eve'),
  mal: short('Mal'),
  agent: short('Agent'),
  oscar: short('Oscar'),
  signup: short('Newbie'),
  renamed: short('Renamed'),
  org: short('Org'),
  // catalogue and workflow labels
  requestType: short('Rtype'),
  requestTypeText: `Rdesc ${FULL}`,
  service: short('Svc'),
  sub: short('Sub'),
  field: short('Fld'),
  pickField: short('Choose'),
  choice: short('Pick'),
  inProgress: 'W<img src=x onerror="__xss=1"><svg onload=__xss=1>', // at most 64 bytes
  resolved: 'R"><script>__xss=1</script>{{7*7}}',
  // access requests
  colleague: short('Colleague'),
  colleagueFunction: short('Role'),
  refused: short('Refused'),
  reason: `xreason ${FULL} ${LINKS}`, // one line
  // attachment names
  files: [
    `<img src=x onerror="__xss=1">${RTL}.png`,
    '"><svg onload=__xss=1>.svg',
    'javascript:__xss=1//{{7*7}}.txt',
  ],
};

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=1"><script>window.__xss=1</script></svg>');

const people = {
  sam: { email: 'sam@desk.test', name: 'Sam Support', role: 'agent' },
  agent: { email: 'hostile-agent@desk.test', name: V.agent, role: 'agent' },
  eve: { email: 'eve@acme.test', name: V.eve, role: 'customer', org: 'Acme' },
  mal: { email: 'mal@acme.test', name: V.mal, role: 'customer', org: 'Acme' },
  olga: {
    email: 'olga@acme.test', name: 'Olga Organisation', role: 'org-customer', org: 'Acme', approver: true,
  },
  oscar: { email: 'oscar@evil.test', name: V.oscar, role: 'org-customer', org: V.org },
};

// ---- deskd with the hostile data -----------------------------------------------------------

let deskd;
let browser;
const tokens = {};
const refs = {};

async function api(who, method, urlPath, body, { raw, type } = {}) {
  const res = await fetch(deskd.url + urlPath, {
    method,
    headers: {
      Authorization: `Bearer ${tokens[who]}`,
      ...(raw ? { 'Content-Type': type } : body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: raw || (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${who} ${method} ${urlPath}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

function importJson(kind, doc) {
  const file = path.join(deskd.dir, `${kind}.json`);
  writeFileSync(file, JSON.stringify(doc));
  deskd.ctl([kind, 'import', file]);
}

const labels = (text) => ({ en: text, nl: text, sv: text });

// A catalogue whose new request type, service, sub-category, custom fields
// and choice are labelled with payloads.
function hostileCatalogue() {
  const cat = JSON.parse(deskd.ctl(['catalogue', 'export']));
  cat.request_types.push({
    id: 'xreq',
    ticket_type: 'incident',
    labels: labels(V.requestType),
    descriptions: labels(V.requestTypeText),
    fields: ['affected_component'],
    required: [],
    custom_fields: ['xnote', 'xpick'],
    needs_approval: false,
  });
  // the same, waiting for an approver of the organisation
  cat.request_types.push({
    ...cat.request_types[cat.request_types.length - 1], id: 'xappr', custom_fields: [], needs_approval: true,
  });
  cat.services.push({ id: 'xsvc', labels: labels(V.service), subcategories: [{ id: 'xsub', labels: labels(V.sub) }] });
  cat.fields = [
    ...(cat.fields || []),
    {
      id: 'xnote', kind: 'text', labels: labels(V.field), required: false, max_length: 2000,
    },
    {
      id: 'xpick', kind: 'choice', labels: labels(V.pickField), required: false, choices: [{ id: 'c1', labels: labels(V.choice) }],
    },
  ];
  return cat;
}

function hostileWorkflow() {
  const wf = JSON.parse(deskd.ctl(['workflow', 'export']));
  wf.statuses.find((s) => s.name === 'in_progress').labels = labels(V.inProgress);
  wf.statuses.find((s) => s.name === 'resolved').labels = labels(V.resolved);
  return wf;
}

// The activation link in the mail deskd wrote to its maildir for rcpt (the
// To: header is folded over lines by the long name, Delivered-To: is not).
function activationLink(rcpt) {
  const dir = path.join(deskd.data, 'maildir', 'new');
  if (!existsSync(dir)) return null;
  for (const f of readdirSync(dir).sort()) {
    const m = readFileSync(path.join(dir, f), 'utf8').replace(/=\r?\n/g, '');
    if (!m.includes(`\nDelivered-To: ${rcpt}`)) continue;
    const link = /#\/activate\/([A-Za-z0-9_-]{43})/.exec(m);
    if (link) return `#/activate/${link[1]}`;
  }
  return null;
}

async function store() {
  // tickets: everything on one open ticket, the solution and rating on a
  // closed one, one of the hostile organisation
  const agentId = (await api('agent', 'GET', '/api/v1/me')).user.id;
  let tk = (await api('agent', 'POST', '/api/v1/tickets', {
    requester: people.eve.email,
    channel: 'phone',
    request_type: 'xreq',
    service: 'xsvc',
    subcategory: 'xsub',
    title: V.title,
    description: V.description,
    affected_component: V.component,
    fields: { xnote: V.note, xpick: 'c1' },
    participants: [people.mal.email, V.external],
  })).ticket;
  refs.open = tk.ref;
  const on = (p) => `/api/v1/tickets/${refs.open}${p}`;
  await api('agent', 'POST', on('/actions'), { action: 'set_status', status: 'in_progress' });
  await api('agent', 'PATCH', on(''), { assignee_id: agentId });
  tk = (await api('agent', 'POST', on('/comments'), { body: V.comment })).ticket;
  const seq = tk.timeline.filter((e) => e.kind === 'comment').pop().seq;
  const bodies = [[PNG, 'image/png'], [SVG, 'image/svg+xml'], [Buffer.from('text'), 'text/plain']];
  for (const [i, name] of V.files.entries()) {
    const q = new URLSearchParams({ filename: name, event: String(seq) });
    await api('agent', 'POST', on(`/attachments?${q}`), undefined, { raw: bodies[i][0], type: bodies[i][1] });
  }
  await api('agent', 'POST', on('/comments'), { body: V.internal, internal: true });
  await api('agent', 'POST', on('/time'), { minutes: 15, billable: true, note: V.time });

  refs.closed = (await api('agent', 'POST', '/api/v1/tickets', {
    requester: people.eve.email, channel: 'email', type: 'question', title: V.closedTitle, description: V.description,
  })).ticket.ref;
  await api('agent', 'POST', `/api/v1/tickets/${refs.closed}/actions`, { action: 'resolve', comment: V.solution });
  await api('eve', 'POST', `/api/v1/tickets/${refs.closed}/actions`, { action: 'accept', rating: 4, comment: V.rating });

  // an approval request: one rejected with a comment, one still waiting
  const ask = async (title) => (await api('eve', 'POST', '/api/v1/tickets', {
    request_type: 'xappr', service: 'xsvc', subcategory: 'xsub', title, description: V.description,
  })).ticket.ref;
  refs.rejected = await ask(V.rejectedTitle);
  await api('olga', 'POST', `/api/v1/tickets/${refs.rejected}/actions`, { action: 'reject', comment: V.rejection });
  refs.waiting = await ask(V.waitingTitle);

  refs.org = (await api('agent', 'POST', '/api/v1/tickets', {
    requester: people.oscar.email, channel: 'phone', type: 'incident', title: V.orgTitle, description: V.description,
  })).ticket.ref;

  // access requests: one waiting, one refused with a reason
  await api('olga', 'POST', '/api/v1/access-requests', {
    name: V.colleague, email: 'colleague@acme.test', function: V.colleagueFunction,
  });
  const refused = (await api('olga', 'POST', '/api/v1/access-requests', {
    name: V.refused, email: "o'brien{{7*7}}@acme.test", function: V.colleagueFunction,
  })).access_request;
  await api('sam', 'POST', `/api/v1/access-requests/${refused.id}/refuse`, { reason: V.reason });

  // a sign-up with a hostile name
  const res = await fetch(`${deskd.url}/api/v1/signup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'newbie@acme.test', name: V.signup, language: 'en' }),
  });
  assert.equal(res.status, 202);
}

before(async () => {
  deskd = new Deskd();
  appendFileSync(deskd.config, '\n[accounts]\nsignup = yes\n');
  deskd.ctl(['init']);
  importJson('catalogue', hostileCatalogue());
  importJson('workflow', hostileWorkflow());
  deskd.ctl(['org', 'add', 'Acme', '--priority-mode', 'matrix', '--services', 'workplace,network,xsvc', '--domains', 'acme.test']);
  deskd.ctl(['org', 'add', V.org, '--priority-mode', 'direct', '--services', 'xsvc']);
  for (const [key, u] of Object.entries(people)) {
    const args = ['user', 'add', '--email', u.email, '--name', u.name, '--role', u.role, '--password-stdin'];
    if (u.org) args.push('--org', u.org);
    if (u.approver) args.push('--approver');
    deskd.ctl(args, `${PASSWORD}\n`);
    if (['sam', 'agent', 'eve', 'olga'].includes(key)) {
      tokens[key] = deskd.ctl(['token', 'add', '--email', u.email]).trim().split(/\s+/).pop();
    }
  }
  await deskd.start();
  await store();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (deskd) await deskd.close();
});

// ---- checks -------------------------------------------------------------------------------

// A page that also reports a request for the payload's image (src=x).
async function open() {
  const s = await openPage(browser, deskd);
  s.page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/x') s.problems.push(`an <img src=x> was loaded: ${r.url()}`);
  });
  return s;
}

// Waits until some element matching selector shows text: its textContent
// (or the attribute / the control's value) equal to it, or holding it.
async function shows(page, selector, text, { exact = true, attr = null } = {}) {
  const deadline = Date.now() + 4000;
  for (;;) {
    const found = await page.locator(selector).evaluateAll((els, a) => els.map((e) => {
      if (a === 'value') return e.value;
      return a ? e.getAttribute(a) : e.textContent;
    }), attr);
    if (found.some((x) => typeof x === 'string' && (exact ? x === text : x.includes(text)))) return;
    if (Date.now() > deadline) {
      assert.fail(`${page.url()}: ${selector} should show ${JSON.stringify(text)}; it shows ${JSON.stringify(found)}`);
    }
    await page.waitForTimeout(100);
  }
}

// Nothing of a payload became an element or ran, and nothing tried to.
async function inert(s, where) {
  const { page } = s;
  await page.waitForTimeout(150); // an <img src=x> would have failed by now
  const found = await page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('*')) {
      for (const a of Array.from(el.attributes)) {
        const n = a.name.toLowerCase();
        if (n.startsWith('on') || n === 'srcdoc') bad.push(`<${el.localName} ${n}="${a.value}">`);
        if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data'].includes(n) && /^\s*(javascript|vbscript|data:text\/html)/i.test(a.value)) {
          bad.push(`<${el.localName} ${n}="${a.value}">`);
        }
      }
    }
    const sel = 'img[src="x"], script:not([src]), iframe, object, embed, svg:not(.icon):not(.chart-svg), a[href^="javascript:" i]';
    for (const el of document.querySelectorAll(sel)) bad.push(`<${el.localName}> ${el.outerHTML.slice(0, 80)}`);
    for (const el of document.querySelectorAll('script[src]')) {
      if (new URL(el.src).pathname !== '/js/app.js') bad.push(`script ${el.src}`);
    }
    return { bad, flag: window.__xss === undefined ? null : String(window.__xss) };
  });
  assert.deepEqual(found.bad, [], `${where}: elements from stored text`);
  assert.equal(found.flag, null, `${where}: a payload ran`);
  assert.deepEqual(s.problems, [], `${where}: the page reported problems (a CSP report means markup got in)`);
  assert.deepEqual(s.dialogs, [], `${where}: a dialog opened`);
}

// Opens hash, checks each [selector, text, options] and that it is inert.
async function visit(s, hash, checks = []) {
  await s.go(hash);
  for (const [selector, text, options] of checks) await shows(s.page, selector, text, options);
  await inert(s, hash);
}

const part = { exact: false };

async function signedIn(who) {
  const s = await open();
  await s.go('#/sign-in');
  await signIn(s.page, people[who]);
  return s;
}

// ---- the pages -------------------------------------------------------------------------------

test('a customer sees stored markup as text on the list, search, ticket, new-request and profile pages', async () => {
  const s = await signedIn('eve');
  const { page } = s;
  try {
    const header = ['header .account-name', V.eve];
    const status = ['.counters .counter-label', V.inProgress];
    await visit(s, '#/', [header, status, [`tr[data-ref="${refs.open}"] a.title-link`, V.title]]);
    await visit(s, '#/?view=all', [
      [`tr[data-ref="${refs.open}"] a.title-link`, V.title],
      [`tr[data-ref="${refs.closed}"] a.title-link`, V.closedTitle],
    ]);
    // search by a word of the payload; the download links carry the search
    await visit(s, '#/?view=all&q=xtitle', [
      [`tr[data-ref="${refs.open}"] a.title-link`, V.title],
      ['#search-q', 'xtitle', { attr: 'value' }],
    ]);
    assert.equal(await page.locator('tbody tr').count(), 1);
    for (const link of await page.locator('a[data-download]').evaluateAll((els) => els.map((e) => e.getAttribute('href')))) {
      assert.match(link, /^\/api\/v1\/tickets\/export\?/);
      const got = await page.evaluate(async (href) => {
        const r = await fetch(href);
        return { status: r.status, type: r.headers.get('content-type'), disposition: r.headers.get('content-disposition') };
      }, link);
      assert.equal(got.status, 200, link);
      assert.doesNotMatch(got.type, /html/, `${link} is no page`);
      assert.match(got.disposition, /^attachment/, `${link} downloads`);
    }
    // markup typed into the search box comes back as the box's text
    const q = '<img src=x onerror="__xss=1"> xtitle';
    await visit(s, `#/?view=all&q=${encodeURIComponent(q)}`, [['#search-q', q, { attr: 'value' }]]);

    await visit(s, `#/tickets/${refs.open}`, [
      ['h1.ticket-title', V.title],
      ['[data-panel="description"] .prose', V.description],
      ['[data-fact="status"] dd', V.inProgress],
      ['.ticket-meta', V.eve, part],
      ['[data-fact="request_type"] dd', V.requestType],
      ['[data-fact="service"] dd', V.service],
      ['[data-fact="subcategory"] dd', V.sub],
      ['[data-fact="field-affected_component"] dd', V.component],
      ['[data-fact="field-xnote"] dt', V.field],
      ['[data-fact="field-xnote"] dd', V.note],
      ['[data-fact="field-xpick"] dt', V.pickField],
      ['[data-fact="field-xpick"] dd', V.choice],
      ['[data-fact="requester"] dd', V.eve],
      ['[data-fact="assignee"] dd', V.agent],
      ['li.person[data-person] > span:first-of-type', V.mal],
      ['li.person-external .person-email', V.external],
      ['li.event .event-actor', V.agent],
      ['li.event .event-body', V.comment],
      ...V.files.map((f) => ['a.attachment-link', f]),
      ...V.files.map((f) => ['a.attachment-link', f, { attr: 'download' }]),
    ]);
    assert.match(await page.title(), /xtitle <img src=x onerror=/);
    for (const href of await page.locator('a.attachment-link').evaluateAll((els) => els.map((e) => e.getAttribute('href')))) {
      assert.match(href, new RegExp(`^/api/v1/tickets/${refs.open}/attachments/\\d+$`));
    }
    // the PNG is shown as a thumbnail, the SVG never
    assert.equal(await page.locator('img.attachment-thumb').count(), 1);
    // support's notes and time stay with support
    assert.doesNotMatch(await page.locator('main').textContent(), /xinternal|xtime/);

    await visit(s, `#/tickets/${refs.closed}`, [
      ['h1.ticket-title', V.closedTitle],
      ['li.event .event-body', V.solution],
      ['li.event .event-body', V.rating],
      ['[data-fact="rating_comment"] dd', V.rating],
    ]);
    // an address that names no ticket is echoed as text
    await visit(s, `#/tickets/${refs.rejected}`, [
      ['h1.ticket-title', V.rejectedTitle], ['li.event[data-kind="approval"] .event-body', V.rejection],
    ]);
    await visit(s, `#/tickets/${encodeURIComponent(V.title)}`, [['main', 'xtitle <img src=x', part]]);

    // the catalogue's labels through the request wizard
    await visit(s, '#/new', [
      ['a.card-link[data-id="xreq"] .card-title', V.requestType],
      ['a.card-link[data-id="xreq"]', V.requestTypeText, part],
    ]);
    await visit(s, '#/new?type=xreq', [['a.card-link[data-id="xsvc"] .card-title', V.service]]);
    await visit(s, '#/new?type=xreq&service=xsvc', [['a.card-link[data-id="xsub"] .card-title', V.sub], ['main', V.service, part]]);
    await visit(s, '#/new?type=xreq&service=xsvc&sub=xsub', [
      ['main', V.requestType, part],
      ['main', V.requestTypeText, part],
      ['form.request-form label', V.field, part],
      ['form.request-form label', V.pickField, part],
      ['form.request-form option', V.choice],
      ['main', V.sub, part],
    ]);

    await visit(s, '#/profile', [header, ['[data-form="profile"] input[autocomplete="name"]', V.eve, { attr: 'value' }]]);
  } finally {
    await s.close();
  }
});

test('support sees stored markup as text in the queue, the ticket tools, the dashboard and access requests', async () => {
  const s = await signedIn('sam');
  const { page } = s;
  try {
    await visit(s, '#/queue?view=all', [
      [`tr[data-ref="${refs.open}"] a.title-link`, V.title],
      [`tr[data-ref="${refs.closed}"] a.title-link`, V.closedTitle],
      [`tr[data-ref="${refs.org}"] a.title-link`, V.orgTitle],
      [`tr[data-ref="${refs.open}"] td`, V.eve],
      [`tr[data-ref="${refs.org}"] td`, V.oscar],
      [`tr[data-ref="${refs.org}"] td`, V.org],
      [`tr[data-ref="${refs.open}"] [data-assignee]`, V.agent],
      ['select[data-filter="status"] option', V.inProgress],
      ['select[data-filter="org"] option', V.org],
      ['select[data-filter="assignee"] option', V.agent],
      ['.counters .counter-label', V.inProgress],
    ]);
    await visit(s, '#/?view=all', [[`tr[data-ref="${refs.open}"] a.title-link`, V.title]]);

    await visit(s, `#/tickets/${refs.open}`, [
      ['h1.ticket-title', V.title],
      ['li.event .event-body', V.comment],
      ['li.event .event-body', V.internal],
      ['li.event .event-body', V.time],
      ['.assignee-now', V.agent, part],
      ['select[data-assign="agent"] option', V.agent],
      ['[data-form="redact"] option', 'xpublic', part],
      ['li.person-external .person-email', V.external],
      ...V.files.map((f) => ['a.attachment-link', f]),
    ]);
    // the resolve form lists the workflow's resolved statuses by label
    await page.click('[data-panel="actions"] button[data-action="resolve"]');
    await shows(page, 'form[data-action-form="resolve"] option', V.resolved);
    await inert(s, 'the resolve form');
    await visit(s, `#/tickets/${refs.closed}`, [
      ['li.event .event-body', V.solution],
      ['[data-fact="rating_comment"] dd', V.rating],
      ['[data-fact="requester"] dd', V.eve],
    ]);
    await visit(s, `#/tickets/${refs.org}`, [['h1.ticket-title', V.orgTitle], ['[data-fact="requester"] dd', V.oscar]]);

    // registering a ticket for a customer: the catalogue's labels
    await visit(s, '#/register', [
      ['main select option', V.service],
    ]);
    await visit(s, '#/dashboard', [
      ['[data-chart="status"] th', V.inProgress],
      ['[data-chart="status"] rect title', V.inProgress, part],
      ['#report-org option', V.org],
    ]);

    await visit(s, '#/access-requests', [
      ['li.access-request strong', V.colleague],
      ['li.access-request p', V.colleagueFunction, part],
    ]);
    await visit(s, '#/access-requests?state=refused', [
      ['li.access-request strong', V.refused],
      ['li.access-request p', V.reason, part],
      ['li.access-request', "<o'brien{{7*7}}@acme.test>", part],
    ]);
  } finally {
    await s.close();
  }
});

test('organisation names and access requests are text for customers with organisation visibility', async () => {
  let s = await signedIn('olga');
  try {
    await visit(s, '#/access-requests', [
      ['li.access-request strong', V.colleague],
      ['li.access-request strong', V.refused],
      ['li.access-request p', V.reason, part],
    ]);
    // the approver's list and the request waiting for them
    await visit(s, '#/?view=approvals', [[`tr[data-ref="${refs.waiting}"] a.title-link`, V.waitingTitle]]);
    await visit(s, `#/tickets/${refs.waiting}`, [['h1.ticket-title', V.waitingTitle], ['[data-fact="requester"] dd', V.eve]]);
  } finally {
    await s.close();
  }
  s = await signedIn('oscar');
  try {
    await visit(s, '#/', [['.page-header .lead', V.org, part], ['header .account-name', V.oscar]]);
    await visit(s, `#/tickets/${refs.org}`, [['h1.ticket-title', V.orgTitle]]);
    await visit(s, '#/profile', [['.page-header .lead', V.org, part]]);
  } finally {
    await s.close();
  }
});

test('names given at sign-up and on the profile page are shown as text', async () => {
  const s = await open();
  const { page } = s;
  try {
    let link = null;
    for (let i = 0; i < 150 && !link; i++) {
      link = activationLink('newbie@acme.test');
      if (!link) await page.waitForTimeout(100);
    }
    assert.ok(link, 'the sign-up mailed an activation link');
    await visit(s, link);
    await page.fill('input[name="name"]', V.signup);
    await page.fill('input[name="password"]', PASSWORD);
    await page.fill('input[name="repeat"]', PASSWORD);
    await page.click('form[data-form="activate"] button[type="submit"]');
    await page.waitForFunction(() => location.hash === '#/');
    await settled(page);
    await shows(page, 'header .account-name', V.signup);
    await inert(s, 'after activation');

    await visit(s, '#/profile', [['[data-form="profile"] input[autocomplete="name"]', V.signup, { attr: 'value' }]]);
    await page.fill('[data-form="profile"] input[autocomplete="name"]', V.renamed);
    await page.click('[data-form="profile"] button[type="submit"]');
    await page.waitForSelector('[data-note="profile"] .message-success');
    await shows(page, 'header .account-name', V.renamed);
    await inert(s, 'after saving the profile');
    await page.reload();
    await settled(page);
    await shows(page, 'header .account-name', V.renamed);
    await inert(s, 'the profile, loaded again');

    // addresses built to carry script: the sign-in page's next and an
    // account link's secret
    await s.context.clearCookies();
    await visit(s, `#/sign-in?next=${encodeURIComponent('javascript:window.__xss=1')}`);
    await visit(s, `#/activate/${encodeURIComponent(V.title)}`);
  } finally {
    await s.close();
  }
});
