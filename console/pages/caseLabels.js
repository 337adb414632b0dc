// How cases and their rules are named on the page: a rule is a file, so a rule the console has
// no label for is shown by its id.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

export function statusLabel(status) {
  return t(`case_${status}`);
}

export function caseStatusBadge(status) {
  return h('span', { class: `state state-case-${status}`, text: statusLabel(status) });
}

export function ruleLabel(rule) {
  const key = `rule_${rule}`;
  const label = t(key);
  return label === key ? rule : label;
}
