import type Provider from 'oidc-provider';

import type { AccountStore } from '../accounts/account-store.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { Config } from '../config/schema.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import type { Logger } from '../logger.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import type { Storage } from '../storage/storage.ts';

/** What admin handlers work with. */
export interface AdminDeps {
  config: Config;
  storage: Storage;
  clients: ClientRegistry;
  accounts: AccountStore;
  resources: ResourceRegistry;
  signingKeys: SigningKeys;
  provider: Provider;
  logger: Logger;
}

/** The caller, as its verified bearer token says. */
export interface AdminCaller {
  clientId: string;
  sub: string;
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
