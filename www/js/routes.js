// Every page of the portal and the navigation that leads to them. A page
// is loaded when it is first opened. Support pages (agent-*.js) register
// here the same way, with roles: STAFF_ROLES.

import { addNavItem, addRoute, ALL_ROLES, STAFF_ROLES } from './registry.js';

addRoute({ path: '/sign-in', public: true, load: () => import('./pages/sign-in.js') });
addRoute({ path: '/sign-up', public: true, load: () => import('./pages/sign-up.js') });
addRoute({ path: '/forgot', public: true, load: () => import('./pages/forgot.js') });
addRoute({ path: '/activate/:token', public: true, load: () => import('./pages/account-link.js') });
addRoute({ path: '/reset/:token', public: true, load: () => import('./pages/account-link.js') });
addRoute({
  path: '/access-requests', roles: ['org-customer', ...STAFF_ROLES], load: () => import('./pages/access-requests.js'),
});
addRoute({ path: '/unsubscribe/:token', public: true, load: () => import('./pages/unsubscribe.js') });
addRoute({ path: '/', load: () => import('./pages/home.js') });
addRoute({ path: '/new', load: () => import('./pages/new-request.js') });
addRoute({
  path: '/tickets/:ref',
  // support's panels and forms (staff roles only) register with the page
  load: () => Promise.all([import('./pages/ticket.js'), import('./pages/agent-ticket.js')]).then(([page]) => page),
});
addRoute({ path: '/profile', load: () => import('./pages/profile.js') });
addRoute({ path: '/queue', roles: STAFF_ROLES, load: () => import('./pages/agent-queue.js') });
addRoute({ path: '/register', roles: STAFF_ROLES, load: () => import('./pages/agent-register.js') });
addRoute({ path: '/dashboard', roles: STAFF_ROLES, load: () => import('./pages/dashboard.js') });

addNavItem({
  id: 'home',
  href: '#/',
  order: 10,
  roles: ALL_ROLES,
  label: (user) => (STAFF_ROLES.includes(user.role) ? 'nav.home_staff' : 'nav.home'),
  match: (path) => path === '/' || path.startsWith('/tickets/'),
});
addNavItem({ id: 'new', href: '#/new', order: 20, roles: ALL_ROLES, label: 'nav.new', icon: 'plus' });
addNavItem({ id: 'queue', href: '#/queue', order: 30, roles: STAFF_ROLES, label: 'nav.queue' });
addNavItem({ id: 'register', href: '#/register', order: 35, roles: STAFF_ROLES, label: 'nav.register' });
addNavItem({ id: 'dashboard', href: '#/dashboard', order: 40, roles: STAFF_ROLES, label: 'nav.dashboard' });
addNavItem({
  id: 'access', href: '#/access-requests', order: 45, roles: ['org-customer', ...STAFF_ROLES],
  label: (user) => (STAFF_ROLES.includes(user.role) ? 'nav.access_staff' : 'nav.access'),
});
