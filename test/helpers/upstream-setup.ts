import type { RunningServer } from '../../src/server.ts';
import type { CapturedLog } from './capture-log.ts';
import { deviceGrantType, relaxedLimits, startDeviceAuthorization, type DeviceAuthorization } from './device-login.ts';
import { freePort } from './free-port.ts';
import { startRedis, type TestRedis } from './start-redis.ts';
import { postForm, startTestServer } from './start-server.ts';
import { startFakeGithub, type FakeGithub } from './start-fake-github.ts';
import { startTestIdp, type TestIdp } from './start-test-idp.ts';
import { TestBrowser, type Page } from './test-browser.ts';

export const upstreamSecrets = {
  acme: 'acme-upstream-client-secret-0123456789',
  corp: 'corp-upstream-client-secret-0123456789',
  flaky: 'flaky-upstream-client-secret-0123456789',
  github: 'github-upstream-client-secret-0123456789',
};

/** What tollgate asks its test upstreams for. */
export const upstreamScopes = ['openid', 'profile', 'email', 'groups', 'offline_access'];

/**
 * tollgate on Redis at `port` (chosen before the IdPs, which must know its redirect URIs), with
 * quick device polling and relaxed limits; `overrides.upstreams` are the IdPs it signs in through.
 */
export function startUpstreamServer(
  redis: TestRedis,
  log: CapturedLog,
  port: number,
  { env, overrides }: { env: Record<string, string>; overrides: { upstreams: object[] } },
): Promise<RunningServer> {
  return startTestServer({
    redisUrl: redis.url,
    logger: log.logger,
    env: { PORT: String(port), TOLLGATE_DEVICE_POLL_INTERVAL: '1', ...relaxedLimits, ...env },
    overrides,
  });
}

export interface UpstreamTestBed {
  redis: TestRedis;
  /** The main upstream: "acme" (jit, admission, rules) and "corp" (existing accounts) sign in here. */
  idp: TestIdp;
  /** A second upstream ("flaky") that tests may stop. */
  flaky: TestIdp;
  /** GitHub's endpoints, for the "github" upstream. */
  github: FakeGithub;
  server: RunningServer;
  stop(): Promise<void>;
}

/**
 * tollgate on Redis with three upstreams on two real test IdPs. tollgate's port is chosen first:
 * the IdPs must know its redirect URIs before tollgate, which discovers them at start, exists.
 */
export async function startUpstreamTestBed(
  log: CapturedLog,
  settings: { reverifyAfter?: number; passwordSignIn?: boolean; seedFile?: string; flakyGrace?: number; githubApp?: boolean; trustedIssuers?: string[] } = {},
): Promise<UpstreamTestBed> {
  const redis = await startRedis();
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const idp = await startTestIdp([
    { clientId: 'tollgate', clientSecret: upstreamSecrets.acme, redirectUri: `${base}/upstream/acme/callback` },
    { clientId: 'tollgate-corp', clientSecret: upstreamSecrets.corp, redirectUri: `${base}/upstream/corp/callback` },
  ]);
  const flaky = await startTestIdp([{ clientId: 'tollgate', clientSecret: upstreamSecrets.flaky, redirectUri: `${base}/upstream/flaky/callback` }]);
  const github = await startFakeGithub(
    { clientId: 'tollgate-gh', clientSecret: upstreamSecrets.github, redirectUri: `${base}/upstream/github/callback` },
    { expiringTokens: settings.githubApp === true },
  );
  const scopes = upstreamScopes;
  const reverifyAfter = settings.reverifyAfter ?? 1;
  const server = await startUpstreamServer(redis, log, port, {
    env: {
      ACME_SECRET: upstreamSecrets.acme,
      CORP_SECRET: upstreamSecrets.corp,
      FLAKY_SECRET: upstreamSecrets.flaky,
      GITHUB_SECRET: upstreamSecrets.github,
      ...(settings.passwordSignIn === false ? { TOLLGATE_PASSWORD_SIGN_IN: 'false' } : {}),
      ...(settings.seedFile ? { TOLLGATE_SEED_FILE: settings.seedFile } : {}),
    },
    overrides: {
      ...(settings.trustedIssuers ? { federation: { trustedIssuers: settings.trustedIssuers.map((issuer) => ({ issuer })) } } : {}),
      upstreams: [
        {
          id: 'acme',
          name: 'Acme SSO',
          type: 'oidc',
          issuer: idp.issuer,
          clientId: 'tollgate',
          clientSecretEnv: 'ACME_SECRET',
          scopes,
          admission: { emailDomains: ['acme.test'], groups: ['staff', 'lab-admins'] },
          priorityRules: [
            { group: 'lab-admins', maxPriority: { lab: 9 } },
            { claim: 'department', value: 'qa', maxPriority: { qa: 5, default: 1 } },
          ],
          reverifyAfter,
          unreachableGrace: 0,
        },
        {
          id: 'corp',
          name: 'Corp Directory',
          type: 'oidc',
          issuer: idp.issuer,
          clientId: 'tollgate-corp',
          clientSecretEnv: 'CORP_SECRET',
          scopes,
          provisioning: 'existing',
          reverifyAfter,
        },
        {
          id: 'flaky',
          name: 'Flaky IdP',
          type: 'oidc',
          issuer: flaky.issuer,
          clientId: 'tollgate',
          clientSecretEnv: 'FLAKY_SECRET',
          scopes,
          reverifyAfter,
          ...(settings.flakyGrace === undefined ? {} : { unreachableGrace: settings.flakyGrace }),
        },
        {
          id: 'github',
          name: 'GitHub',
          type: 'github',
          baseUrl: github.url,
          apiUrl: `${github.url}/api/v3`,
          clientId: 'tollgate-gh',
          clientSecretEnv: 'GITHUB_SECRET',
          admission: { orgs: ['acme-labs'] },
          priorityRules: [{ group: 'acme-labs/release', maxPriority: { release: 8 } }],
          reverifyAfter,
          unreachableGrace: 0,
        },
      ],
    },
  });
  return {
    redis,
    idp,
    flaky,
    github,
    server,
    stop: async () => {
      await server.stop();
      await idp.stop();
      await flaky.stop();
      await github.stop();
      await redis.stop();
    },
  };
}

export interface UpstreamLogin {
  authorization: DeviceAuthorization;
  browser: TestBrowser;
  signIn: Page;
  /** Where the button led: the confirm page, a refusal page, or (with stopAt) the redirect stopped at. */
  after: Page;
}

/** Starts a device login and presses "Continue with <upstream>" on the sign-in page, as `sub`. */
export async function upstreamSignIn(
  bed: UpstreamTestBed,
  upstream: string,
  sub: string,
  options: { stopAt?: RegExp; scope?: string } = {},
): Promise<UpstreamLogin> {
  const authorization = await startDeviceAuthorization(bed.server, { client_id: 'demo-cli', ...(options.scope ? { scope: options.scope } : {}) });
  const browser = new TestBrowser({ headers: { 'x-idp-user': sub, 'x-github-user': sub } });
  const codePage = await browser.request(authorization.verification_uri);
  const signIn = await browser.submit(codePage, { user_code: authorization.user_code });
  const after = await browser.submit(signIn, {}, { action: /\/upstream$/, button: upstream, ...(options.stopAt ? { stopAt: options.stopAt } : {}) });
  return { authorization, browser, signIn, after };
}

/** Approves on the confirm page and redeems the device code. */
export async function approveAndPoll(bed: UpstreamTestBed, login: UpstreamLogin, confirm: Page = login.after) {
  await login.browser.submit(confirm, {}, { button: 'approve' });
  return pollDevice(bed, login.authorization);
}

export const pollDevice = (bed: UpstreamTestBed, authorization: DeviceAuthorization) =>
  postForm(`${bed.server.url}/token`, { grant_type: deviceGrantType, device_code: authorization.device_code, client_id: 'demo-cli' });

export const refresh = (bed: UpstreamTestBed, refreshToken: string) =>
  postForm(`${bed.server.url}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'demo-cli' });

/** Alice: staff and lab admin at acme.test, in QA. */
export const alice = {
  preferred_username: 'alice',
  name: 'Alice Example',
  email: 'alice@acme.test',
  email_verified: true,
  groups: ['staff', 'lab-admins'],
  department: 'qa',
};
