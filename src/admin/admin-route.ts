import type Provider from 'oidc-provider';

import type { Services } from '../services.ts';

/** What admin handlers work with. */
export interface AdminDeps extends Services {
  provider: Provider;
}

/** The caller, as its verified bearer token says. */
export interface AdminCaller {
  clientId: string;
  sub: string;
  /** Where the call came from, for the security log. */
  reqId?: string | undefined;
  ip?: string | undefined;
}

export interface AdminRequest {
  params: Record<string, string>;
  body: unknown;
  query: URLSearchParams;
  caller: AdminCaller;
}

export interface AdminResult {
  status?: number;
  body?: unknown;
}

/** One endpoint of the admin API: `path` is relative to /admin, with `:name` parameters. */
export interface AdminRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  handle(request: AdminRequest, deps: AdminDeps): Promise<AdminResult>;
}
