import type { ParseArgsOptionsConfig } from 'node:util';

import { createClientCredentialsTokenSource, TokenSourceError } from '@tollgate/client';
import { AppError } from '../errors.ts';
import { adminResource } from '../resources/resource-server-record.ts';
import type { CommandContext } from './command.ts';
import { nameFlagInError } from './field-flags.ts';
import { requestJson, responseError } from './http.ts';
import { urlOption } from './option-values.ts';

/** Options every admin command takes; each falls back to its environment variable. */
export const adminOptions: ParseArgsOptionsConfig = {
  url: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
};

export const adminOptionsHelp = `Connection (flags or environment):
  --url URL                 tollgate's address (TOLLGATE_URL, default http://localhost:3000)
  --client-id ID            an admin client (TOLLGATE_ADMIN_CLIENT_ID)
  --client-secret SECRET    its secret (TOLLGATE_ADMIN_CLIENT_SECRET; prefer the variable:
                            flags show up in process lists and shell history)`;

export interface AdminApi {
  call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  /** Every item of a list endpoint, following `next_cursor` page by page. */
  list(path: string, key: string, filters?: Record<string, string | undefined>): Promise<Array<Record<string, unknown>>>;
}

/**
 * Talks to /admin with an access token it gets first with the admin client's credentials
 * (client credentials for urn:tollgate:admin, scope admin), exactly as any other admin tool would.
 */
export function connectAdminApi({ values, env }: CommandContext): AdminApi {
  const url = urlOption(values, 'url', env.TOLLGATE_URL) ?? 'http://localhost:3000';
  const clientId = (values['client-id'] as string | undefined) ?? env.TOLLGATE_ADMIN_CLIENT_ID;
  const secret = (values['client-secret'] as string | undefined) ?? env.TOLLGATE_ADMIN_CLIENT_SECRET;
  if (!clientId || !secret) {
    throw new AppError(
      'usage',
      'admin credentials are needed: set TOLLGATE_ADMIN_CLIENT_ID and TOLLGATE_ADMIN_CLIENT_SECRET (or --client-id / --client-secret)',
    );
  }
  // Items per list page; small values are for tests and slow links.
  const pageSize = env.TOLLGATE_CLI_PAGE_SIZE || '500';
  // The same token source services use (client_secret_basic, RFC 6749 §2.3.1 form encoding);
  // one attempt: a person at a terminal would rather hear at once that the server is down.
  const tokens = createClientCredentialsTokenSource({
    tokenEndpoint: `${url}/token`,
    clientId,
    clientSecret: secret,
    resource: adminResource.identifier,
    scope: adminResource.scope,
    retry: { attempts: 1 },
  });

  async function accessToken(): Promise<string> {
    try {
      return await tokens.get();
    } catch (error) {
      if (!(error instanceof TokenSourceError)) throw error;
      if (error.code === 'token_endpoint_unavailable')
        throw new AppError('unreachable', `cannot reach ${new URL(url).origin}: ${error.message}`, { cause: error });
      const what = `cannot get an admin token as ${clientId}: ${error.message}`;
      // RFC 6749 §5.2: a refused client or grant (400 or 401) means these credentials do not work.
      throw new AppError(error.code === 'oauth_error' ? 'unauthorized' : 'internal', what, { expose: true, cause: error });
    }
  }

  const api: AdminApi = {
    async list(path, key, filters = {}) {
      const items: Array<Record<string, unknown>> = [];
      let cursor: string | undefined;
      do {
        const query = new URLSearchParams({
          ...Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined)),
          limit: pageSize,
        } as Record<string, string>);
        if (cursor) query.set('cursor', cursor);
        const page = await api.call('GET', `${path}?${query}`);
        items.push(...(page[key] as Array<Record<string, unknown>>));
        cursor = (page.next_cursor as string | null) ?? undefined;
      } while (cursor);
      return items;
    },
    async call(method, path, body) {
      const response = await requestJson(`${url}/admin${path}`, {
        method,
        headers: { authorization: `Bearer ${await accessToken()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (response.status >= 400)
        throw nameFlagInError(responseError(response, `${method} /admin${path}`), method, body, response.body.error_description as string | undefined);
      return response.body;
    },
  };
  return api;
}
