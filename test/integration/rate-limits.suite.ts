import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { startDeviceAuthorization, startStore, type StoreKind } from '../helpers/device-login.ts';
import { demoPassword, startTestServer } from '../helpers/start-server.ts';
import { createTestAccount } from '../helpers/test-principals.ts';
import { TestBrowser, type Page } from '../helpers/test-browser.ts';

const limits = {
  TOLLGATE_RATE_LIMIT_USER_CODE_PER_IP: '3',
  TOLLGATE_RATE_LIMIT_PASSWORD_PER_IP: '4',
  TOLLGATE_RATE_LIMIT_PASSWORD_PER_ACCOUNT: '3',
  TOLLGATE_RATE_LIMIT_WINDOW: '120',
  // Each test comes from its own address, through X-Forwarded-For.
  TOLLGATE_TRUST_PROXY: 'true',
};

let lastOctet = 0;
const newIp = () => `203.0.113.${++lastOctet}`;
const browserAt = (ip: string) => new TestBrowser({ headers: { 'x-forwarded-for': ip } });

function assertLimitedPage(t: { is: (a: unknown, b: unknown) => void; regex: (a: string, b: RegExp) => void; true: (a: boolean) => void }, page: Page) {
  t.is(page.status, 429);
  t.regex(page.text, /Too many attempts/);
  const retryAfter = Number(page.headers.get('retry-after'));
  t.true(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 120);
  t.regex(page.headers.get('content-type') ?? '', /text\/html/);
}

/** RFC 8628 §5.1 brute-force limits on the device-login pages, against one store kind. */
export function rateLimitSuite(kind: StoreKind) {
  let store: Awaited<ReturnType<typeof startStore>>;
  let server: RunningServer;

  test.before(async () => {
    store = await startStore(kind);
    server = await startTestServer({ redisUrl: store.redisUrl, env: limits });
  });

  test.after.always(async () => {
    await server?.stop();
    await store?.stop();
  });

  async function signInPage(browser: TestBrowser, target: RunningServer = server) {
    const authorization = await startDeviceAuthorization(target);
    return browser.submit(await browser.request(authorization.verification_uri), { user_code: authorization.user_code });
  }

  test('wrong user codes are limited per IP with a 429 page and Retry-After; right ones do not count', async (t) => {
    const browser = browserAt(newIp());
    let page = await browser.request(`${server.url}/device`);
    for (let attempt = 0; attempt < 2; attempt++) {
      page = await browser.submit(page, { user_code: 'BBBB-BBBB' });
      t.regex(page.text, /That code is not valid/);
    }
    t.regex((await signInPage(browser)).text, /Sign in/, 'a right code is not counted');
    page = await browser.submit(await browser.request(`${server.url}/device`), { user_code: 'BBBB-BBBB' });
    t.regex(page.text, /That code is not valid/);
    assertLimitedPage(t, await browser.submit(page, { user_code: 'BBBB-BBBB' }));
    assertLimitedPage(t, await signInPage(browser));
    const elsewhere = browserAt(newIp());
    t.regex(
      (await elsewhere.submit(await elsewhere.request(`${server.url}/device`), { user_code: 'BBBB-BBBB' })).text,
      /That code is not valid/,
      'another IP is not limited',
    );
  });

  test('password attempts are limited per IP', async (t) => {
    const browser = browserAt(newIp());
    for (let attempt = 0; attempt < 4; attempt++) {
      const page = await browser.submit(await signInPage(browser), { username: `nobody-${attempt}`, password: 'wrong' });
      t.regex(page.text, /Wrong username or password/);
    }
    assertLimitedPage(t, await browser.submit(await signInPage(browser), { username: 'demo', password: demoPassword }));
  });

  test('password attempts are limited per account from any IP, and the right password waits too', async (t) => {
    const account = await createTestAccount(server);
    for (let attempt = 0; attempt < 3; attempt++) {
      const browser = browserAt(newIp());
      const page = await browser.submit(await signInPage(browser), { username: account.username, password: 'wrong' });
      t.regex(page.text, /Wrong username or password/);
    }
    const browser = browserAt(newIp());
    assertLimitedPage(t, await browser.submit(await signInPage(browser), { username: account.username.toUpperCase(), password: account.password }));
  });

  test('a successful sign-in does not count against the account', async (t) => {
    const account = await createTestAccount(server);
    for (let attempt = 0; attempt < 5; attempt++) {
      const browser = browserAt(newIp());
      const page = await browser.submit(await signInPage(browser), { username: account.username, password: account.password });
      t.regex(page.text, /Approve this device\?/);
    }
  });

  if (kind === 'redis') {
    test('counters are shared by every process on the same Redis', async (t) => {
      const second = await startTestServer({ redisUrl: store.redisUrl, env: limits });
      try {
        const account = await createTestAccount(server);
        for (const [index, target] of [server, second, server].entries()) {
          const browser = browserAt(newIp());
          const page = await browser.submit(await signInPage(browser, target), { username: account.username, password: `wrong-${index}` });
          t.regex(page.text, /Wrong username or password/);
        }
        const browser = browserAt(newIp());
        assertLimitedPage(t, await browser.submit(await signInPage(browser, second), { username: account.username, password: account.password }));
      } finally {
        await second.stop();
      }
    });
  }
}
