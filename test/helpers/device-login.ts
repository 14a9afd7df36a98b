import * as oauth from 'openid-client';

import type { RunningServer } from '../../src/server.ts';
import { startRedis, type TestRedis } from './start-redis.ts';
import { demoPassword, postForm, startTestServer } from './start-server.ts';
import { TestBrowser, type Page } from './test-browser.ts';

export type StoreKind = 'memory' | 'redis';
export const deviceGrantType = 'urn:ietf:params:oauth:grant-type:device_code';

/** Limits high enough that the many logins of one test file never meet them. */
export const relaxedLimits = {
  TOLLGATE_RATE_LIMIT_USER_CODE_PER_IP: '10000',
  TOLLGATE_RATE_LIMIT_PASSWORD_PER_IP: '10000',
  TOLLGATE_RATE_LIMIT_PASSWORD_PER_ACCOUNT: '10000',
  TOLLGATE_RATE_LIMIT_UPSTREAM_CALLBACK_PER_IP: '10000',
};

export interface TestStore {
  redisUrl: string | undefined;
  stop(): Promise<void>;
}

/** A test file's store: its own redis-server for 'redis', nothing for 'memory'. */
export async function startStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'memory') return { redisUrl: undefined, stop: async () => {} };
  const redis: TestRedis = await startRedis();
  return { redisUrl: redis.url, stop: () => redis.stop() };
}

export async function startDeviceServer(redisUrl: string | undefined, env: Record<string, string> = {}): Promise<RunningServer> {
  return startTestServer({ redisUrl, env: { TOLLGATE_DEVICE_POLL_INTERVAL: '1', ...relaxedLimits, ...env } });
}

export interface DeviceTestServer {
  store: TestStore;
  server: RunningServer;
  /** Stops the server, then its store. */
  stop(): Promise<void>;
}

/** A suite's store and device server on it; if the server cannot start, the store is stopped. */
export async function startDeviceTestServer(kind: StoreKind): Promise<DeviceTestServer> {
  const store = await startStore(kind);
  const server = await startDeviceServer(store.redisUrl).catch(async (error: unknown) => {
    await store.stop();
    throw error;
  });
  const stop = async () => {
    await server.stop();
    await store.stop();
  };
  return { store, server, stop };
}

/** openid-client configured for a device client of this server (plain http allowed). */
export async function deviceClient(server: RunningServer, clientId = 'demo-cli', auth: oauth.ClientAuth = oauth.None()) {
  return oauth.discovery(new URL(server.url), clientId, undefined, auth, { execute: [oauth.allowInsecureRequests] });
}

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

/** Starts a device authorization as a CLI would, with raw HTTP. */
export async function startDeviceAuthorization(
  server: RunningServer,
  form: Record<string, string> = { client_id: 'demo-cli' },
  headers: Record<string, string> = {},
) {
  const { status, body } = await postForm(`${server.url}/device/auth`, form, headers);
  if (status !== 200) throw new Error(`device authorization failed: ${status} ${JSON.stringify(body)}`);
  return body as unknown as DeviceAuthorization;
}

export function pollToken(server: RunningServer, deviceCode: string, clientId = 'demo-cli') {
  return postForm(`${server.url}/token`, { grant_type: deviceGrantType, device_code: deviceCode, client_id: clientId });
}

export interface BrowserLogin {
  browser?: TestBrowser;
  username?: string;
  password?: string;
  decision?: 'approve' | 'deny';
}

/** Enters the code, signs in and decides, returning every page seen on the way. */
export async function approveInBrowser(verificationUri: string, userCode: string, options: BrowserLogin = {}) {
  const browser = options.browser ?? new TestBrowser();
  const codePage = await browser.request(verificationUri);
  const afterCode = await browser.submit(codePage, { user_code: userCode });
  let signIn: Page | undefined;
  let confirm = afterCode;
  if (parseFormsAction(afterCode).includes('/login')) {
    signIn = afterCode;
    confirm = await browser.submit(signIn, { username: options.username ?? 'demo', password: options.password ?? demoPassword });
  }
  const done = await browser.submit(confirm, {}, { button: options.decision ?? 'approve' });
  return { browser, codePage, signIn, confirm, done };
}

function parseFormsAction(page: Page): string {
  return /<form[^>]*action="([^"]*)"/.exec(page.html)?.[1] ?? '';
}

/** A whole device login through openid-client, returning its token response. */
export interface DeviceLoginResult {
  config: oauth.Configuration;
  tokens: oauth.TokenEndpointResponse & oauth.TokenEndpointResponseHelpers;
}

export async function deviceLogin(
  server: RunningServer,
  options: BrowserLogin & { clientId?: string; auth?: oauth.ClientAuth; scope?: string } = {},
): Promise<DeviceLoginResult> {
  const config = await deviceClient(server, options.clientId, options.auth);
  const authorization = await oauth.initiateDeviceAuthorization(config, options.scope ? { scope: options.scope } : {});
  await approveInBrowser(authorization.verification_uri, authorization.user_code, options);
  const tokens = await oauth.pollDeviceAuthorizationGrant(config, authorization);
  return { config, tokens };
}
