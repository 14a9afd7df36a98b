import type { RunningServer } from '../../src/server.ts';
import { startRedis } from './start-redis.ts';
import { basicAuth, postForm, startTestServer, type TestServerOptions } from './start-server.ts';

export interface AdminTestServer {
  server: RunningServer;
  /** A bearer token of the demo admin client. */
  token: string;
  /** Stops the server, then its Redis. */
  stop(): Promise<void>;
}

/**
 * A test file's own redis-server and tollgate with an admin token; the client cache is off so
 * every admin edit shows in the next request. If a step fails, what already started is stopped.
 */
export async function startAdminTestServer(env: Record<string, string> = {}, options: Pick<TestServerOptions, 'overrides' | 'logger'> = {}): Promise<AdminTestServer> {
  const redis = await startRedis();
  let server: RunningServer | undefined;
  try {
    server = await startTestServer({ redisUrl: redis.url, env: { TOLLGATE_CLIENT_CACHE_MS: '0', ...env }, ...options });
    const running = server;
    const stop = async () => {
      await running.stop();
      await redis.stop();
    };
    return { server, token: await adminToken(server), stop };
  } catch (error) {
    await server?.stop();
    await redis.stop();
    throw error;
  }
}

/** A client-credentials token for the admin resource, from the server's demo admin client. */
export async function adminToken(server: RunningServer, clientId?: string, secret?: string): Promise<string> {
  const demo = server.tollgate.demo;
  const id = clientId ?? (demo?.adminClientId as string);
  const { status, body } = await postForm(
    `${server.url}/token`,
    { grant_type: 'client_credentials', resource: 'urn:tollgate:admin', scope: 'admin' },
    { authorization: basicAuth(id, secret ?? (demo?.adminClientSecret as string)) },
  );
  if (status !== 200) throw new Error(`admin token: ${status} ${JSON.stringify(body)}`);
  return body.access_token as string;
}

export interface AdminResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { error?: string; field?: string };
}

/** One admin API call with a JSON body; `token: null` sends no Authorization header. */
export async function adminCall(server: RunningServer, token: string | null, method: string, path: string, body?: unknown): Promise<AdminResponse> {
  const response = await fetch(`${server.url}/admin${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as AdminResponse['body']) : {} };
}
