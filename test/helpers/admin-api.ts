import type { RunningServer } from '../../src/server.ts';
import { basicAuth, postForm } from './start-server.ts';

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
