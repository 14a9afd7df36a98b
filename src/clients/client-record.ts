import type { JSONWebKeySet } from 'jose';

import type { FederatedIdentity } from '../federation/federated-identity.ts';
import type { MaxPriority } from '../principals/max-priority.ts';

export const grantTypes = {
  clientCredentials: 'client_credentials',
  deviceCode: 'urn:ietf:params:oauth:grant-type:device_code',
  refreshToken: 'refresh_token',
  tokenExchange: 'urn:ietf:params:oauth:grant-type:token-exchange',
  /** RFC 7523 §2.1: a platform token (Kubernetes, GitHub Actions) stands in for a client secret. */
  jwtBearer: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
} as const;

/** Every grant type a client can hold, for the schemas that accept them. */
export const allGrantTypes = [
  grantTypes.clientCredentials,
  grantTypes.deviceCode,
  grantTypes.refreshToken,
  grantTypes.tokenExchange,
  grantTypes.jwtBearer,
] as const;

/** Short names the admin API, CLI and seed also accept for the URN grant types. */
export const grantTypeShortNames = {
  device_code: grantTypes.deviceCode,
  'token-exchange': grantTypes.tokenExchange,
  'jwt-bearer': grantTypes.jwtBearer,
} as const;

export type GrantType = (typeof grantTypes)[keyof typeof grantTypes];
/** Bounds of a per-client device code lifetime, seconds: a person needs a minute, a code is a credential. */
export const deviceCodeTtlRange = { min: 60, max: 3600 } as const;

export const clientAuthMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
export type ClientAuthMethod = (typeof clientAuthMethods)[number];

/** The methods that present a client secret: a client using one needs a secret. */
export function usesClientSecret(method: ClientAuthMethod): boolean {
  return method === 'client_secret_basic' || method === 'client_secret_post';
}

export interface SecretHash {
  hash: string;
  /** ISO time after which this (previous) secret stops working; absent on the current one. */
  expiresAt?: string;
}

/** A client as tollgate stores it. Secrets exist only as hashes. */
export interface ClientRecord {
  clientId: string;
  name: string;
  description: string;
  grantTypes: GrantType[];
  authMethod: ClientAuthMethod;
  /** Current secret first, then secrets still inside their rotation overlap window. */
  secrets: SecretHash[];
  jwks?: JSONWebKeySet;
  /** Scopes the client may request (intersected with what the resource server defines). */
  scopes: string[];
  /** Resource indicators (token audiences) the client may request. */
  resources: string[];
  defaultResource?: string;
  /**
   * Resource servers (APIs) this client is: it may exchange (RFC 8693) tokens whose `aud` is
   * one of them for tokens to its own `resources`. Only with the token-exchange grant.
   */
  serves?: string[];
  maxPriority?: MaxPriority;
  /** Lifetime of this client's device codes, seconds; the server's ttl.deviceCode when absent. */
  deviceCodeTtl?: number;
  /** Platform identities that may get this client's tokens with the jwt-bearer grant. */
  federatedIdentities?: FederatedIdentity[];
  disabled: boolean;
  /** Set for clients created through dynamic registration (RFC 7591). */
  registered?: boolean;
  createdAt: string;
  updatedAt: string;
}
