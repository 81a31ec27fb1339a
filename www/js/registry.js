// Where pages plug into the portal: routes, navigation entries and the
// parts of the shared ticket page. routes.js registers the built-in pages;
// further pages (agent-*.js) call the same functions from there.

export const CUSTOMER_ROLES = ['customer', 'org-customer'];
export const STAFF_ROLES = ['agent', 'admin'];
export const ALL_ROLES = [...CUSTOMER_ROLES, ...STAFF_ROLES];

export function isStaff(user) {
  return Boolean(user && STAFF_ROLES.includes(user.role));
}

// ---- routes ----------------------------------------------------------------

const routes = [];

// addRoute({path: '/tickets/:ref', load: () => import('./pages/ticket.js'),
//           roles: ALL_ROLES, public: false})
// path segments starting with ':' capture one segment (URI-decoded) into
// params. A public route needs no session (sign-in); any other route needs
// one, and roles (default: every role) limits who may open it. The module
// exports render(ctx) (see app.js).
export function addRoute(def) {
  const parts = def.path.split('/').filter(Boolean);
  routes.push({ roles: ALL_ROLES, public: false, ...def, parts });
}

export function matchRoute(path) {
  const segs = path.split('/').filter(Boolean);
  for (const route of routes) {
    if (route.parts.length !== segs.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < segs.length && ok; i++) {
      const p = route.parts[i];
      if (p.startsWith(':')) {
        try {
          params[p.slice(1)] = decodeURIComponent(segs[i]);
        } catch (e) {
          ok = false;
        }
      } else if (p !== segs[i]) {
        ok = false;
      }
    }
    if (ok) return { route, params };
  }
  return null;
}

// ---- navigation --------------------------------------------------------------

const nav = [];

// addNavItem({id, href: '#/queue', label: 'nav.queue' or (user) => key,
//             roles: STAFF_ROLES, order: 30, match: (path) => bool})
// Entries show in order for users whose role is listed; match tells when
// the entry is the current page (default: the path equals the href's).
export function addNavItem(def) {
  nav.push({ roles: ALL_ROLES, order: 50, ...def });
  nav.sort((a, b) => a.order - b.order);
}

export function navItemsFor(user) {
  if (!user) return [];
  return nav.filter((item) => item.roles.includes(user.role));
}

// ---- the shared ticket page ----------------------------------------------------

const ticketPanels = [];
const timelineRenderers = new Map();
const actionRenderers = new Map();

// addTicketPanel({id, roles, order, place: 'main' | 'aside',
//                 render(ticketCtx) -> Node | null})
// ticketCtx: {ticket, user, lookups, reload(ticketJson?), api, announce}.
// Built-in panels use orders 10..90 in steps of 10, so others fit between.
export function addTicketPanel(def) {
  const i = ticketPanels.findIndex((p) => p.id === def.id);
  const panel = { roles: ALL_ROLES, order: 50, place: 'main', ...def };
  if (i >= 0) ticketPanels[i] = panel;
  else ticketPanels.push(panel);
  ticketPanels.sort((a, b) => a.order - b.order);
}

export function ticketPanelsFor(user, place) {
  return ticketPanels.filter((p) => p.place === place && user && p.roles.includes(user.role));
}

// addTimelineRenderer('time', (event, ticketCtx) => Node): how one kind of
// timeline event is shown; replaces the built-in renderer of that kind.
export function addTimelineRenderer(kind, fn) {
  timelineRenderers.set(kind, fn);
}

export function timelineRenderer(kind) {
  return timelineRenderers.get(kind);
}

// addActionRenderer('resolve', (action, ticketCtx, done) => Node): the form
// for one workflow action; the built-in forms cover the customer actions
// and a generic form covers the rest.
export function addActionRenderer(action, fn) {
  actionRenderers.set(action, fn);
}

export function actionRenderer(action) {
  return actionRenderers.get(action);
}
