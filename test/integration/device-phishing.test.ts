import test from 'ava';

import { approveInBrowser, pollToken, startDeviceAuthorization, startDeviceServer } from '../helpers/device-login.ts';
import { serverOnRedisPerFile } from '../helpers/server-per-file.ts';
import { demoPassword } from '../helpers/start-server.ts';
import { TestBrowser } from '../helpers/test-browser.ts';

// RFC 8628 §5.4 (remote phishing), issue 21 item 22, through the real pages over HTTP.
const shared = serverOnRedisPerFile({ start: (redisUrl) => startDeviceServer(redisUrl) });

test('the confirm page says when the code was requested and warns right above the buttons', async (t) => {
  const authorization = await startDeviceAuthorization(shared.server, { client_id: 'demo-cli' }, { 'user-agent': 'tollgate-cli/0.1 (Linux x86_64)' });
  const browser = new TestBrowser();
  const codePage = await browser.request(authorization.verification_uri);
  const signIn = await browser.submit(codePage, { user_code: authorization.user_code });
  const confirm = await browser.submit(signIn, { username: 'demo', password: demoPassword });
  t.regex(confirm.text, /Approve this device\?/);
  t.regex(confirm.text, /Requested (just now|\d+ seconds? ago)/);
  // The warning is inside the form, before the first button.
  const form = confirm.html.slice(confirm.html.indexOf('<form'));
  const warning = form.indexOf('id="phishing-warning"');
  t.true(warning > 0 && warning < form.indexOf('<button'), 'warning above the buttons');
  t.regex(form, /aria-describedby="phishing-warning"/);
});

test('a denied code is final: deny, go back, approve issues no tokens', async (t) => {
  const authorization = await startDeviceAuthorization(shared.server);
  const { browser, confirm, done } = await approveInBrowser(authorization.verification_uri, authorization.user_code, { decision: 'deny' });
  t.regex(done.text, /Login denied/);
  // Back to the confirm page still in the tab, and Approve.
  const again = await browser.submit(confirm, {}, { button: 'approve' });
  t.notRegex(again.text, /Device connected/);
  const reloaded = await browser.request(confirm.url);
  t.notRegex(reloaded.text, /Approve this device\?/);
  const { status, body } = await pollToken(shared.server, authorization.device_code);
  t.is(status, 400);
  t.is(body.error, 'access_denied');
  t.false('access_token' in body);
  // And the code cannot be entered again to start over.
  const retry = await browser.request(authorization.verification_uri);
  const reentered = await browser.submit(retry, { user_code: authorization.user_code });
  t.notRegex(reentered.text, /Approve this device\?/);
  // The denial has been delivered: the code is spent, and still nothing is issued.
  const later = await pollToken(shared.server, authorization.device_code);
  t.is(later.status, 400);
  t.false('access_token' in later.body);
});

test('verification_uri_complete never skips the confirmation, even in a browser that approved this client before', async (t) => {
  const browser = new TestBrowser();
  const first = await startDeviceAuthorization(shared.server);
  await approveInBrowser(first.verification_uri, first.user_code, { browser });
  t.is((await pollToken(shared.server, first.device_code)).status, 200);

  // The phishing link: the attacker's own code, already filled in.
  const attackers = await startDeviceAuthorization(shared.server);
  const linked = await browser.request(attackers.verification_uri_complete);
  t.regex(linked.text, /Check that this code matches the one shown on your device/);
  t.false(/<script/i.test(linked.html), 'no self-submitting form');
  const pending = (body: Record<string, unknown>) => ['authorization_pending', 'slow_down'].includes(String(body.error));
  t.true(pending((await pollToken(shared.server, attackers.device_code)).body));
  const next = await browser.submit(linked);
  // Signed in already, the person still lands on the confirm page, and nothing is issued before Approve.
  t.regex(next.text, /Approve this device\?/);
  t.regex(next.text, /Requested/);
  await new Promise((done) => setTimeout(done, 1100)); // the poll interval, so the answer is not slow_down alone
  t.true(pending((await pollToken(shared.server, attackers.device_code)).body));
});

for (const path of [
  '/interaction/not-a-real-interaction',
  '/interaction/bad.id',
  `/interaction/${'x'.repeat(100)}`,
  '/interaction/%00',
  '/interaction/abc/unknown',
  '/interaction/',
]) {
  test(`${path.slice(0, 40)} answers our HTML page, not JSON`, async (t) => {
    // fetch's default Accept (*/*), as curl and link checkers send it.
    const response = await fetch(`${shared.server.url}${path}`);
    t.regex(response.headers.get('content-type') ?? '', /^text\/html/);
    const body = await response.text();
    t.regex(body, /<h1>/);
    t.false(body.trimStart().startsWith('{'));
  });
}
