// The console's shell: login, the pages the caller's roles may see, hash routing
// (#/page?name=value), the language switch. Each page renders into <main> and marks it ready.
import { api, ApiError, errorText, forgetKey, storedKey } from './lib/api.js';
import { clear, h, message } from './lib/dom.js';
import { language, setLanguage, t } from './lib/i18n.js';
import { loginPage } from './pages/login.js';
import { cyclePage } from './pages/cycle.js';
import { qualityPage } from './pages/quality.js';
import { drilldownPage } from './pages/drilldown.js';
import { reconciliationPage } from './pages/reconciliation.js';
import { casesPage } from './pages/cases.js';
import { applicationsPage } from './pages/applications.js';
import { auditPage } from './pages/audit.js';
import { sharingPage } from './pages/sharing.js';
import { lineagePage } from './pages/lineage.js';
import { deliveriesPage } from './pages/deliveries.js';

/** Which roles see which page; the API checks again on every call. */
export const PAGES = [
  { id: 'cycle', roles: ['steward', 'analyst', 'auditor'], render: cyclePage },
  { id: 'quality', roles: ['steward', 'analyst', 'auditor', 'provider'], render: qualityPage },
  { id: 'drilldown', roles: ['steward', 'analyst', 'auditor', 'provider'], render: drilldownPage },
  { id: 'deliveries', roles: ['steward', 'analyst', 'auditor', 'provider'], render: deliveriesPage },
  { id: 'lineage', roles: ['steward', 'analyst', 'auditor'], render: lineagePage },
  { id: 'reconciliation', roles: ['steward', 'analyst', 'auditor'], render: reconciliationPage },
  { id: 'cases', roles: ['steward', 'analyst'], render: casesPage },
  { id: 'applications', roles: ['steward', 'auditor'], render: applicationsPage },
  { id: 'audit', roles: ['auditor', 'steward'], render: auditPage },
  { id: 'sharing', roles: ['steward', 'auditor', 'provider', 'department'], render: sharingPage },
];

const main = document.getElementById('main');
let me = null;
let renderCount = 0;

function pagesFor(roles) {
  return PAGES.filter((p) => p.roles.some((r) => roles.includes(r)));
}

function parseHash() {
  const [path, search = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return { page: path || '', params: Object.fromEntries(new URLSearchParams(search)) };
}

export function navigate(page, params = {}) {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString();
  const hash = `#/${page}${search ? `?${search}` : ''}`;
  if (location.hash === hash) void render();
  else location.hash = hash;
}

function renderChrome() {
  document.title = t('title');
  document.getElementById('brand').textContent = t('title');
  document.getElementById('lang').textContent = t('switchLang');
  const logout = document.getElementById('logout');
  logout.textContent = t('logout');
  logout.hidden = !me;
  const menu = document.getElementById('menu');
  menu.textContent = t('menu');
  menu.hidden = !me;
  const who = document.getElementById('who');
  who.textContent = me ? `${me.name} · ${me.department} · ${me.roles.map((r) => t(`role_${r}`)).join('、')}` : '';
  who.translate = false;
  const nav = clear(document.getElementById('nav'));
  nav.setAttribute('aria-label', t('pagesNav'));
  if (!me) return;
  const current = parseHash().page;
  for (const page of pagesFor(me.roles)) {
    nav.append(h('a', { href: `#/${page.id}`, class: page.id === current ? 'active' : '', dataset: { page: page.id }, text: t(page.id) }));
  }
}

async function render() {
  const count = ++renderCount;
  renderChrome();
  main.dataset.state = 'loading';
  clear(main);
  if (!me) {
    main.dataset.page = 'login';
    loginPage(main, { onLogin: async (who) => { me = who; navigate(pagesFor(me.roles)[0]?.id ?? ''); } });
    main.dataset.state = 'ready';
    return;
  }
  const allowed = pagesFor(me.roles);
  const { page: id, params } = parseHash();
  const page = allowed.find((p) => p.id === id);
  if (!page) {
    if (allowed[0]) return navigate(allowed[0].id);
    main.append(message(t('noPages'), 'warn'));
    main.dataset.page = 'none';
    main.dataset.state = 'ready';
    return;
  }
  main.dataset.page = page.id;
  main.append(h('h1', { text: t(page.id) }));
  const body = h('div', { class: 'page-body' }, h('p', { class: 'loading', text: t('loading') }));
  main.append(body);
  try {
    const content = h('div', { class: 'page-content' });
    await page.render(content, { me, params, navigate: (p, q) => navigate(p, q), go: (q) => navigate(page.id, q) });
    if (count !== renderCount) return; // a newer render took over
    body.replaceWith(content);
    main.dataset.state = 'ready';
  } catch (error) {
    if (count !== renderCount) return;
    if (error instanceof ApiError && error.status === 401) return logout();
    clear(body).append(message(error instanceof ApiError && error.status === 403 ? t('forbidden') : `${t('error')}: ${errorText(error)}`, 'error'));
    main.dataset.state = 'error';
  }
}

function closeMenu() {
  document.querySelector('header.top').classList.remove('nav-open');
  document.getElementById('menu').setAttribute('aria-expanded', 'false');
}

function logout() {
  forgetKey();
  me = null;
  history.replaceState(null, '', location.pathname);
  void render();
}

async function start() {
  setLanguage(language());
  document.getElementById('lang').addEventListener('click', () => { setLanguage(language() === 'en' ? 'zh' : 'en'); void render(); });
  document.getElementById('logout').addEventListener('click', logout);
  window.addEventListener('hashchange', () => { closeMenu(); void render(); });
  document.getElementById('menu').addEventListener('click', () => {
    const top = document.querySelector('header.top');
    const open = top.classList.toggle('nav-open');
    document.getElementById('menu').setAttribute('aria-expanded', String(open));
  });
  if (storedKey()) {
    try {
      me = await api('/v1/me');
    } catch {
      forgetKey();
    }
  }
  await render();
}

void start();
