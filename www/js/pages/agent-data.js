// What support's pages look up besides tickets: the agents one can assign
// to, the organisations to filter by, and the codes for groups,
// resolutions and causes. Fetched once per page load and shared.

import { get } from '../api.js';
import { has, t } from '../i18n.js';

let agentsPromise = null;
let orgsPromise = null;

function once(load, set) {
  const p = load();
  set(p);
  p.catch(() => set(null));
  return p;
}

// [{id, name, email, role}], by name.
export function agents() {
  return agentsPromise || once(() => get('/agents').then((d) => d.agents || []), (p) => { agentsPromise = p; });
}

// [{id, name}], by name.
export function orgs() {
  return orgsPromise || once(() => get('/orgs').then((d) => d.orgs || []), (p) => { orgsPromise = p; });
}

export const GROUPS = ['first_line', 'second_line', 'third_line', 'network', 'workplace'];
export const RESOLUTION_CODES = ['fixed', 'workaround', 'answered', 'duplicate', 'not_reproducible', 'no_action_needed'];
export const CAUSES = ['product_error', 'configuration_error', 'usage_error', 'third_party', 'other'];

// The words for a code (group, resolution, cause); an unknown code as it is.
export function codeLabel(kind, code) {
  if (code === null || code === undefined || code === '') return t('agent.none');
  const key = `agent.${kind}.${code}`;
  return has(key) ? t(key) : String(code);
}
