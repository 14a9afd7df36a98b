import {
  createClientCredentialsTokenSource,
  type ClientCredentialsTokenSource,
  type ClientCredentialsTokenSourceOptions,
} from './client-credentials-token-source.ts';

/** Options of {@link createResourceTokenSource}: a token source's, with the one copyable value instead of a client id and secret. */
export interface ResourceTokenSourceOptions extends Omit<ClientCredentialsTokenSourceOptions, 'clientId' | 'clientSecret' | 'authMethod' | 'resource'> {
  /** The resource token as a maintainer copied it: `tgrt_<id>_<secret>`. */
  resourceToken: string;
}

const valuePattern = /^(tgrt_[0-9A-Za-z]{12})_[0-9A-Za-z]{49}$/;

/**
 * The client id and secret a resource token stands for (tollgate's docs/team-tokens.md): the
 * `client_id` is the value up to its second `_` (the token's public id), the `client_secret`
 * is the whole value. Throws a TypeError, without the value, when it is not shaped like one.
 */
export function resourceTokenCredentials(resourceToken: string): { clientId: string; clientSecret: string } {
  const value = resourceToken.trim();
  const match = valuePattern.exec(value);
  if (!match) throw new TypeError('not a tollgate resource token (expected tgrt_<12 characters>_<49 characters>)');
  return { clientId: match[1] as string, clientSecret: value };
}

/**
 * A cached, self-refreshing supply of access tokens for a CI job holding a resource token: the
 * client-credentials grant with the token's id and value (Basic authentication), for the one
 * resource the token is for.
 *
 * @example
 * const tokens = createResourceTokenSource({ issuer, resourceToken: process.env.TOLLGATE_RESOURCE_TOKEN! });
 */
export function createResourceTokenSource(options: ResourceTokenSourceOptions): ClientCredentialsTokenSource {
  const { resourceToken, ...rest } = options;
  return createClientCredentialsTokenSource({ ...rest, ...resourceTokenCredentials(resourceToken), authMethod: 'client_secret_basic' });
}
