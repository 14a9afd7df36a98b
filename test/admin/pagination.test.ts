import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { adminCall, startAdminTestServer } from '../helpers/admin-api.ts';

let server: RunningServer;
let admin: string;
let stop: () => Promise<void>;

test.before(async () => {
  ({ server, token: admin, stop } = await startAdminTestServer());
  await adminCall(server, admin, 'POST', '/resources', { identifier: 'https://pages.example', scopes: ['read'] });
  for (const id of ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']) {
    const created = await adminCall(server, admin, 'POST', '/clients', {
      client_id: id,
      name: `Paged ${id.toUpperCase()}`,
      disabled: id === 'page-c',
      resources: id === 'page-e' ? ['https://pages.example'] : [],
    });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  }
  for (const username of ['pat', 'pam', 'pia']) {
    await adminCall(server, admin, 'POST', '/accounts', { username, password: 'long enough password', disabled: username === 'pam' });
  }
});
test.after.always(() => stop?.());

/** Every item of a list, following next_cursor page by page. */
async function all(path: string, key: string, limit: number) {
  const items: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await adminCall(server, admin, 'GET', `${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    if (page.status !== 200) throw new Error(JSON.stringify(page.body));
    const batch = page.body[key] as Record<string, unknown>[];
    if (batch.length > limit) throw new Error('page larger than limit');
    items.push(...batch);
    cursor = page.body.next_cursor as string | null;
    pages += 1;
  } while (cursor);
  return { items, pages };
}

test('following next_cursor lists every client once, in client_id order', async (t) => {
  const whole = await adminCall(server, admin, 'GET', '/clients');
  t.is(whole.body.next_cursor, null);
  const ids = (whole.body.clients as { client_id: string }[]).map((client) => client.client_id);
  const paged = await all('/clients', 'clients', 2);
  t.deepEqual(
    paged.items.map((client) => client.client_id),
    ids,
  );
  t.deepEqual([...ids].sort(), ids);
  t.is(paged.pages, Math.ceil(ids.length / 2));
});

test('q, disabled and resource filter clients, and combine with paging', async (t) => {
  const named = await all('/clients?q=paged', 'clients', 2);
  t.deepEqual(
    named.items.map((client) => client.client_id),
    ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'],
  );
  const disabled = await adminCall(server, admin, 'GET', '/clients?q=page-&disabled=true');
  t.deepEqual(
    (disabled.body.clients as { client_id: string }[]).map((client) => client.client_id),
    ['page-c'],
  );
  const enabled = await adminCall(server, admin, 'GET', '/clients?q=page-&disabled=false');
  t.is((enabled.body.clients as unknown[]).length, 4);
  const byResource = await adminCall(server, admin, 'GET', `/clients?resource=${encodeURIComponent('https://pages.example')}`);
  t.deepEqual(
    (byResource.body.clients as { client_id: string }[]).map((client) => client.client_id),
    ['page-e'],
  );
});

test('accounts page by username and filter by q and disabled', async (t) => {
  const paged = await all('/accounts?q=p', 'accounts', 1);
  t.deepEqual(
    paged.items.map((account) => account.username).filter((name) => ['pat', 'pam', 'pia'].includes(name as string)),
    ['pam', 'pat', 'pia'],
  );
  const disabled = await adminCall(server, admin, 'GET', '/accounts?q=pa&disabled=true');
  t.deepEqual(
    (disabled.body.accounts as { username: string }[]).map((account) => account.username),
    ['pam'],
  );
});

test('resources page with the built-in admin API first and filter by q', async (t) => {
  const paged = await all('/resources', 'resources', 1);
  t.is(paged.items[0]?.identifier, 'urn:tollgate:admin');
  t.true(paged.items.some((resource) => resource.identifier === 'https://pages.example'));
  const found = await adminCall(server, admin, 'GET', '/resources?q=PAGES');
  t.deepEqual(
    (found.body.resources as { identifier: string }[]).map((resource) => resource.identifier),
    ['https://pages.example'],
  );
});

test('a bad limit, a forged cursor and an unknown filter are 400s naming the parameter', async (t) => {
  for (const [query, field] of [
    ['limit=0', 'limit'],
    ['limit=many', 'limit'],
    ['cursor=not%20a%20cursor', 'cursor'],
    ['colour=red', 'colour'],
    ['disabled=yes', 'disabled'],
  ] as const) {
    const { status, body } = await adminCall(server, admin, 'GET', `/clients?${query}`);
    t.is(status, 400, query);
    t.is(body.error, 'invalid_field', query);
    t.is(body.field, field, query);
  }
});
