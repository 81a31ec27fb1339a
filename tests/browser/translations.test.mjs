// Every string of the portal exists in English, Dutch and Swedish, with
// the same placeholders, and every key the code asks for exists.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { WWW } from './lib/harness.mjs';

const LANGS = ['en', 'nl', 'sv'];
const strings = Object.fromEntries(LANGS.map((l) => [l, JSON.parse(readFileSync(path.join(WWW, 'i18n', `${l}.json`), 'utf8'))]));

function placeholders(value) {
  const text = typeof value === 'string' ? value : Object.values(value).join(' ');
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.js') ? [p] : [];
  });
}

test('Dutch and Swedish have exactly the English keys, with the same placeholders', () => {
  const en = Object.keys(strings.en).sort();
  for (const l of ['nl', 'sv']) {
    assert.deepEqual(Object.keys(strings[l]).sort(), en, `${l}.json keys`);
    for (const key of en) {
      assert.deepEqual(placeholders(strings[l][key]), placeholders(strings.en[key]), `${l}: placeholders of ${key}`);
      const v = strings[l][key];
      assert.ok(typeof v === 'string' ? v.trim() : Object.values(v).every((x) => x.trim()), `${l}: ${key} is empty`);
    }
  }
});

test('every key the portal code names exists in the English strings', () => {
  const namespaces = new Set(Object.keys(strings.en).map((k) => k.split('.')[0]));
  const missing = [];
  for (const file of sources(path.join(WWW, 'js'))) {
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/'([a-z_]+(?:\.[a-z0-9_-]+)+)'/g)) {
      const key = m[1];
      if (!namespaces.has(key.split('.')[0])) continue; // not a translation key (a storage name, a file)
      if (key.endsWith('.')) continue;
      if (!(key in strings.en)) missing.push(`${path.relative(WWW, file)}: ${key}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('the keys built at run time exist for every value they take', () => {
  const families = {
    priority: ['P1', 'P2', 'P3', 'P4'],
    'list.empty': ['open', 'resolved', 'closed', 'all', 'approvals'],
    view: ['open', 'resolved', 'closed', 'all', 'approvals'],
    'new.step': ['type', 'service', 'details'],
    action: ['cancel', 'close', 'accept', 'reopen', 'approve', 'reject', 'resolve', 'set_status'],
    'action.done': ['cancel', 'close', 'accept', 'reopen', 'approve', 'reject', 'resolve', 'set_status'],
    rating: ['1', '2', '3', '4', '5'],
    'sensitive.kind': ['personal_id_se', 'bsn_nl', 'iban', 'payment_card'],
    contact: ['email', 'phone', 'fax', 'mail'],
    role: ['customer', 'org-customer', 'agent', 'admin'],
    type: ['incident', 'security_incident', 'question', 'service_request', 'task', 'problem', 'change_request'],
    channel: ['portal', 'email', 'phone', 'by_email', 'by_phone'],
    impact: ['1', '2', '3'],
    urgency: ['1', '2', '3', '4'],
  };
  const missing = [];
  for (const [prefix, values] of Object.entries(families)) {
    for (const v of values) if (!(`${prefix}.${v}` in strings.en)) missing.push(`${prefix}.${v}`);
  }
  assert.deepEqual(missing, []);
});
