// A decision a person makes in the console: every action needs a reason and a second click on
// a confirmation that says what will happen (and when it takes effect). The API checks again.
import { ApiError, errorText } from './api.js';
import { h, message } from './dom.js';
import { t } from './i18n.js';

/**
 * actions: [{ id, label, class? }]; confirmText(actionId, reason) -> string;
 * onDecide(actionId, reason) -> Promise (throws ApiError on refusal).
 */
export function decideForm({ actions, confirmText, onDecide, id, placeholder }) {
  const reason = h('input', { type: 'text', name: 'reason', placeholder: placeholder ?? t('reasonPlaceholder'), class: 'reason', maxlength: '2000', 'aria-label': t('reasonPlaceholder') });
  const feedback = h('div', { class: 'feedback' });
  const buttons = actions.map((a) => h('button', {
    type: 'button', class: a.class ?? a.id, dataset: { action: a.id }, text: a.label,
    onclick: () => ask(a),
  }));
  const ask = (action) => {
    const why = reason.value.trim();
    if (!why) return feedback.replaceChildren(message(t('reasonRequired'), 'error'));
    const confirm = h('button', {
      type: 'button', class: 'primary confirm-yes', text: t('confirmDo', { action: action.label }),
      onclick: async () => {
        confirm.disabled = true;
        try {
          await onDecide(action.id, why);
          feedback.replaceChildren();
        } catch (error) {
          feedback.replaceChildren(message(errorText(error), 'error'));
          if (error instanceof ApiError) feedback.firstChild.title = error.message;
        }
      },
    });
    feedback.replaceChildren(h('div', { class: 'confirm', role: 'alertdialog' },
      h('span', { text: confirmText(action.id, why) }), confirm,
      h('button', { type: 'button', class: 'confirm-no', text: t('cancel'), onclick: () => feedback.replaceChildren() })));
  };
  return h('div', { class: 'decide', id }, reason, buttons, feedback);
}
