// The public log of a ticket: comments, status changes with the comment
// that came with them, field changes, people added or removed. Each kind
// of event has a renderer; support's pages may replace or add renderers
// through registry.addTimelineRenderer.

import { attachmentList } from './attachments.js';
import { h, icon } from './dom.js';
import { has, t, timeElement } from './i18n.js';
import { timelineRenderer } from './registry.js';
import { ticketHref } from './ticket-list.js';
import { priorityLabel } from './ui.js';

function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  const s = (parts[0] ? parts[0][0] : '?') + (parts.length > 1 ? parts[parts.length - 1][0] : '');
  return s.toUpperCase();
}

function actorName(e, ctx) {
  if (e.actor && e.actor.id === ctx.user.id) return t('timeline.you');
  return (e.actor && e.actor.name) || t('timeline.someone');
}

// Time spent is kept from customers like a note, but is no note.
function badge(e) {
  if (e.kind === 'time') return h('span', { class: 'badge badge-time' }, t('timeline.time_logged'));
  if (e.internal) return h('span', { class: 'badge badge-internal' }, t('timeline.internal'));
  return null;
}

function head(e, ctx, what) {
  const support = e.from_support || (e.actor && e.actor.support);
  return h('div', { class: 'event-head' },
    h('span', { class: `avatar ${support ? 'avatar-support' : ''}`.trim(), 'aria-hidden': 'true' }, initials(e.actor && e.actor.name)),
    h('span', { class: 'event-line' },
      h('strong', { class: 'event-actor' }, actorName(e, ctx)),
      support ? h('span', { class: 'badge badge-support' }, t('timeline.support')) : null,
      badge(e),
      ' ', h('span', { class: 'event-what' }, what), ' ',
      timeElement(e.time)));
}

function body(text) {
  return h('div', { class: 'event-body' }, text);
}

function removedBody(e) {
  return h('div', { class: 'event-body event-removed' }, icon('lock'),
    t('timeline.removed'), e.redacted && e.redacted.at ? [' ', timeElement(e.redacted.at)] : null);
}

function commentBody(e) {
  if (e.redacted) return removedBody(e);
  if (e.body === null || e.body === undefined || e.body === '') return null;
  return body(e.body);
}

function valueText(field, value, ctx) {
  if (value === null || value === undefined || value === '') return t('timeline.none');
  if (field === 'priority') return `${value} (${priorityLabel(value)})`;
  if (field === 'type') return ctx.labels.type(value);
  if (field === 'status') return ctx.labels.status(value);
  return String(value);
}

function fieldName(field) {
  return has(`field.${field}`) ? t(`field.${field}`) : field;
}

function stars(rating) {
  return h('span', { class: 'rating', 'aria-label': t('timeline.rating', { rating }) },
    [1, 2, 3, 4, 5].map((i) => icon('star', i <= rating ? 'star on' : 'star')),
    h('span', { class: 'rating-text', 'aria-hidden': 'true' }, ` ${rating}/5`));
}

const builtIn = {
  created(e, ctx) {
    const channel = e.new || (ctx.ticket && ctx.ticket.channel);
    const how = channel && channel !== 'portal' && has(`channel.by_${channel}`) ? t(`channel.by_${channel}`) : null;
    return [head(e, ctx, how ? t('timeline.created_via', { how }) : t('timeline.created')), commentBody(e)];
  },
  comment(e, ctx) {
    return [head(e, ctx, t('timeline.commented')), commentBody(e)];
  },
  status(e, ctx, comment) {
    const what = t('timeline.status', { from: valueText('status', e.old, ctx), to: valueText('status', e.new, ctx) });
    return [
      head(e, ctx, what),
      comment ? commentBody(comment) : null,
      e.rating ? h('div', { class: 'event-extra' }, t('timeline.satisfaction'), ' ', stars(e.rating)) : null,
    ];
  },
  field(e, ctx) {
    return [head(e, ctx, t('timeline.field', {
      field: fieldName(e.field), from: valueText(e.field, e.old, ctx), to: valueText(e.field, e.new, ctx),
    }))];
  },
  participant(e, ctx) {
    return [head(e, ctx, t(e.field === 'removed' ? 'timeline.person_removed' : 'timeline.person_added', { who: e.new || '' }))];
  },
  follow(e, ctx) {
    return [head(e, ctx, t('timeline.follow'))];
  },
  unfollow(e, ctx) {
    return [head(e, ctx, t('timeline.unfollow'))];
  },
  redaction(e, ctx) {
    const what = e.field && e.field.startsWith('comment:') ? t('timeline.redacted_comment') : t('timeline.redacted_field', { field: fieldName(e.field) });
    return [head(e, ctx, what)];
  },
  link(e, ctx) {
    return [head(e, ctx, t('timeline.link')), e.new ? body(h('a', { href: ticketHref(e.new) }, e.new)) : null];
  },
  approval(e, ctx) {
    return [head(e, ctx, t(e.new === 'rejected' ? 'timeline.rejected' : 'timeline.approved')), commentBody(e)];
  },
  time(e, ctx) {
    return [head(e, ctx, t(e.billable ? 'timeline.time_billable' : 'timeline.time', { minutes: e.minutes })), commentBody(e)];
  },
};

// Pairs a comment with the status change it came with (same person, same
// moment): "Reopened: the printer still jams" reads as one entry.
function group(events) {
  const out = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const n = events[i + 1];
    if (e.kind === 'comment' && !e.internal && n && n.kind === 'status' && n.actor_id === e.actor_id && n.time === e.time) {
      out.push({ event: n, comment: e });
      i++;
    } else {
      out.push({ event: e, comment: null });
    }
  }
  return out;
}

export function timeline(ticket, ctx) {
  const events = ticket.timeline || [];
  if (!events.length) return h('p', { class: 'muted' }, t('timeline.empty'));
  return h('ol', { class: 'timeline' }, group(events).map(({ event, comment }) => {
    const custom = timelineRenderer(event.kind);
    const fn = custom || builtIn[event.kind];
    const content = fn ? fn(event, ctx, comment) : [head(event, ctx, event.kind)];
    const classes = ['event', `event-${event.kind}`];
    if (event.from_support) classes.push('from-support');
    if (event.internal) classes.push('internal');
    if (comment || event.kind === 'comment') classes.push('has-text');
    const files = [attachmentList(comment), attachmentList(event)];
    return h('li', { class: classes.join(' '), 'data-seq': String(event.seq), 'data-kind': event.kind }, content, files);
  }));
}
