// Labels the server keeps: workflow statuses and the catalogue, fetched once
// per language and session, with the portal's own translations as fallback.

import { get } from './api.js';
import { has, lang, onLanguageChange, t } from './i18n.js';

let workflowPromise = null;
let cataloguePromise = null;

export function forget() {
  workflowPromise = null;
  cataloguePromise = null;
}

onLanguageChange(forget);

export function workflow() {
  if (!workflowPromise) {
    const p = get('/workflow').then((d) => {
      const byName = new Map();
      d.statuses.forEach((s, i) => byName.set(s.name, { ...s, order: i }));
      return { statuses: d.statuses, byName };
    });
    workflowPromise = p;
    p.catch(() => { if (workflowPromise === p) workflowPromise = null; });
  }
  return workflowPromise;
}

export function catalogue() {
  if (!cataloguePromise) {
    const p = get('/catalogue').then((d) => d.catalogue);
    cataloguePromise = p;
    p.catch(() => { if (cataloguePromise === p) cataloguePromise = null; });
  }
  return cataloguePromise;
}

// Both, without failing the page when one of them cannot be had: labels
// then fall back to the portal's translations and the raw names.
export async function labels() {
  const [wf, cat] = await Promise.all([
    workflow().catch(() => null),
    catalogue().catch(() => null),
  ]);
  return new Labels(wf, cat);
}

export class Labels {
  constructor(wf, cat) {
    this.wf = wf;
    this.catalogue = cat;
    this.lang = lang();
  }

  status(name) {
    const s = this.wf && this.wf.byName.get(name);
    if (s) return s.label;
    return has(`status.${name}`) ? t(`status.${name}`) : name || '';
  }

  statusOrder(name) {
    const s = this.wf && this.wf.byName.get(name);
    return s ? s.order : 1000;
  }

  statusCategory(name) {
    const s = this.wf && this.wf.byName.get(name);
    return s ? s.category : null;
  }

  type(id) {
    if (has(`type.${id}`)) return t(`type.${id}`);
    const tt = this.catalogue && (this.catalogue.ticket_types || []).find((x) => x.id === id);
    return tt ? tt.label : id || '';
  }

  requestType(id) {
    const rt = this.catalogue && this.catalogue.request_types.find((x) => x.id === id);
    return rt ? rt.label : id || '';
  }

  service(id) {
    const s = this.catalogue && (this.catalogue.services || []).find((x) => x.id === id);
    return s ? s.label : id || '';
  }

  subcategory(serviceId, id) {
    const s = this.catalogue && (this.catalogue.services || []).find((x) => x.id === serviceId);
    const sub = s && (s.subcategories || []).find((x) => x.id === id);
    return sub ? sub.label : id || '';
  }

  // The definition of a form field (standard or custom) by id, from any
  // request type that has it.
  fieldDef(id, requestTypeId) {
    if (!this.catalogue) return null;
    const types = this.catalogue.request_types;
    const own = types.find((x) => x.id === requestTypeId);
    const pickFrom = own ? [own, ...types] : types;
    for (const rt of pickFrom) {
      const f = (rt.fields || []).find((x) => x.id === id);
      if (f) return f;
    }
    return null;
  }

  // A form value as the user reads it: the choice's label, yes/no, text.
  fieldValue(id, value, requestTypeId) {
    const def = this.fieldDef(id, requestTypeId);
    if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
    if (def && def.choices) {
      const c = def.choices.find((x) => String(x.id) === String(value));
      if (c) return c.label;
    }
    if (id === 'impact' && has(`impact.${value}`)) return t(`impact.${value}`);
    if (id === 'urgency' && has(`urgency.${value}`)) return t(`urgency.${value}`);
    return value === null || value === undefined ? '' : String(value);
  }

  fieldLabel(id, requestTypeId) {
    const def = this.fieldDef(id, requestTypeId);
    if (def) return def.label;
    return has(`field.${id}`) ? t(`field.${id}`) : id;
  }
}
