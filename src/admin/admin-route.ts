import type Provider from 'oidc-provider';
import type { z } from 'zod';

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

/**
 * One endpoint of the admin API: `path` is relative to /admin, with `:name` parameters. Its
 * schemas are the one source of /admin/openapi.json: `body` and `query` are the very schemas
 * `handle` parses its input with, `responses` the shape of each success answer (errors share
 * one shape). Tests validate every admin answer against the document, so a field added to a view
 * but not to its schema fails them.
 */
export interface AdminRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** One line for the API description. */
  summary: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  responses: { [status: number]: z.ZodType };
  handle(request: AdminRequest, deps: AdminDeps): Promise<AdminResult>;
}
