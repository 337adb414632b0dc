// Application reviews the cross-checks could not settle and that wait for a person.
import { h, section } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { dataTable } from '../lib/table.js';
import { columnsOf, itemsOf, notAvailable, optional } from './generic.js';

export async function applicationsPage(root) {
  const body = await optional('/v1/reviews?status=waiting');
  if (body === null) return root.append(notAvailable());
  const rows = itemsOf(body);
  root.append(section(t('applications'), dataTable(columnsOf(rows.slice(0, 50)), { name: 'applications-waiting', rows, id: 'applications' }), h('p')));
}
