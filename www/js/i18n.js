// Translations and locale formatting. Strings live in /i18n/<lang>.json as
// flat "dotted.key": "text" maps; "{name}" in a text is replaced by a
// parameter, and a key whose value is an object holds plural forms chosen
// by Intl.PluralRules ({"one": "...", "other": "..."}) on params.count.

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'nl', name: 'Nederlands' },
  { code: 'sv', name: 'Svenska' },
];
const CODES = LANGUAGES.map((l) => l.code);
const STORE_KEY = 'deskd.lang';

let current = 'en';
let strings = {};
let fallback = {};
const cache = new Map();
const listeners = new Set();

// One fetch per language, shared by everyone who asks meanwhile.
function load(code) {
  if (!cache.has(code)) {
    const p = fetch(`i18n/${code}.json`, { credentials: 'same-origin' }).then((res) => {
      if (!res.ok) throw new Error(`translations ${code}: ${res.status}`);
      return res.json();
    });
    cache.set(code, p);
    p.catch(() => cache.delete(code));
  }
  return cache.get(code);
}

// The supported language a tag such as "sv-SE" or "nl" stands for, or null.
export function supported(tag) {
  if (!tag || typeof tag !== 'string') return null;
  const primary = tag.toLowerCase().split(/[-_]/)[0];
  return CODES.includes(primary) ? primary : null;
}

// The profile's language when it has one we speak, else the language last
// chosen on this device, else the first of the browser's languages we speak
// (navigator.languages mirrors the Accept-Language header the browser
// sends), else English.
export function detect(profileLanguage) {
  const fromProfile = supported(profileLanguage);
  if (fromProfile) return fromProfile;
  let stored = null;
  try {
    stored = supported(localStorage.getItem(STORE_KEY));
  } catch (e) {
    stored = null;
  }
  const browser = (navigator.languages && navigator.languages.length
    ? navigator.languages : [navigator.language]).map(supported).find(Boolean);
  return stored || browser || 'en';
}

export async function setLanguage(code, { remember = false } = {}) {
  const lang = supported(code) || 'en';
  const [data, en] = await Promise.all([load(lang), load('en')]);
  current = lang;
  strings = data;
  fallback = en;
  document.documentElement.lang = lang;
  if (remember) {
    try {
      localStorage.setItem(STORE_KEY, lang);
    } catch (e) { /* private mode: the choice lasts for this page only */ }
  }
  for (const fn of listeners) fn(lang);
  return lang;
}

// Forgets the language chosen on this device (the profile says "automatic").
export function forgetLanguage() {
  try {
    localStorage.removeItem(STORE_KEY);
  } catch (e) { /* nothing stored */ }
}

export function onLanguageChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function lang() {
  return current;
}

function pick(value, params) {
  if (value && typeof value === 'object') {
    const n = params && typeof params.count === 'number' ? params.count : 0;
    const form = new Intl.PluralRules(current).select(n);
    return value[form] ?? value.other ?? '';
  }
  return value;
}

// The text for key in the current language (English when a translation is
// missing, the key itself when both are).
export function t(key, params) {
  let s = pick(strings[key], params);
  if (s === undefined || s === null) s = pick(fallback[key], params);
  if (s === undefined || s === null) return key;
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  }
  return s;
}

// Whether the current language (or English) has a text for key.
export function has(key) {
  return key in strings || key in fallback;
}

// The BCP 47 locale for dates and numbers: the browser's own tag when it is
// a variant of the interface language (en-GB, sv-FI), else the language.
export function locale() {
  const tags = navigator.languages && navigator.languages.length
    ? navigator.languages : [navigator.language];
  const match = tags.find((tag) => supported(tag) === current && tag.includes('-'));
  return match || current;
}

function toDate(value) {
  if (!value) return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDateTime(value) {
  const d = toDate(value);
  if (!d) return '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

export function formatDate(value) {
  const d = toDate(value);
  if (!d) return '';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(d);
}

export function formatNumber(n) {
  return new Intl.NumberFormat(locale()).format(n);
}

// A <time> element with the machine-readable value and a localised text.
export function timeElement(value, withTime = true) {
  const el = document.createElement('time');
  const d = toDate(value);
  if (d) {
    el.dateTime = d.toISOString();
    el.textContent = withTime ? formatDateTime(d) : formatDate(d);
    el.title = formatDateTime(d);
  }
  return el;
}
