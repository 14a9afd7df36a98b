import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { withTestPepper } from './test-pepper.ts';

export const demoSecret = 'test-demo-secret-0123456789abcdef';
export const demoPassword = 'test-demo-password';

export interface TestServerOptions {
  redisUrl?: string;
  env?: Record<string, string>;
  overrides?: object;
  /** Where the server logs; nothing by default. */
  logger?: Logger;
}

/** The real HTTP server on a free port, issuer built from that port, logging nothing. */
export async function startTestServer({ redisUrl, env = {}, overrides = {}, logger }: TestServerOptions = {}): Promise<RunningServer> {
  const serverEnv = withTestPepper({
    PORT: '0',
    TOLLGATE_HOST: '127.0.0.1',
    TOLLGATE_DEMO: 'true',
    TOLLGATE_DEMO_SECRET: demoSecret,
    TOLLGATE_DEMO_PASSWORD: demoPassword,
    TOLLGATE_CONFIG_FILE: '',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    ...env,
  });
  return startServer(loadConfig(serverEnv, overrides), logger ?? createLogger('silent'), { env: serverEnv });
}

export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** POSTs a form to the token endpoint (or another path) and returns status and JSON body. */
export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, headers: response.headers, body };
}

/** An access token for the demo client (client credentials) from the server at `url`; throws with the answer otherwise. */
export async function demoToken(url: string, form: Record<string, string> = {}): Promise<string> {
  const { status, body } = await postForm(`${url}/token`, { grant_type: 'client_credentials', ...form }, { authorization: basicAuth('demo', demoSecret) });
  if (status !== 200) throw new Error(`token from ${url}: ${status} ${JSON.stringify(body)}`);
  return body.access_token as string;
}
