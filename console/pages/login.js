// Login with an API key: checked against /v1/me, then kept in this tab's sessionStorage only.
import { api, storeKey } from '../lib/api.js';
import { h, message } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

export function loginPage(main, { onLogin }) {
  const input = h('input', { type: 'password', name: 'apiKey', id: 'api-key', autocomplete: 'off', spellcheck: 'false', required: true });
  const feedback = h('div', { class: 'feedback' });
  const form = h('form', {
    class: 'card login', id: 'login-form',
    onsubmit: async (event) => {
      event.preventDefault();
      feedback.replaceChildren();
      const key = input.value.trim();
      try {
        const who = await api('/v1/me', { key });
        storeKey(key);
        input.value = '';
        await onLogin(who);
      } catch {
        feedback.append(message(t('loginFailed'), 'error'));
      }
    },
  },
  h('h1', { text: t('login') }),
  h('p', { text: t('loginHint') }),
  h('label', { class: 'field', for: 'api-key' }, h('span', { text: t('apiKey') }), input),
  h('button', { type: 'submit', class: 'primary', text: t('login') }),
  feedback);
  main.append(form);
}
