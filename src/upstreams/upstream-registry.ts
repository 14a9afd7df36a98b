import { invalidConfig } from '../errors.ts';
import type { UpstreamSettings } from '../config/upstream-schema.ts';
import type { Logger } from '../logger.ts';
import { createGithubUpstream } from './github-upstream.ts';
import { createOidcUpstream } from './oidc-upstream.ts';
import type { Upstream } from './upstream.ts';

export interface UpstreamRegistry {
  /** In configuration order: the order of the sign-in buttons. */
  readonly list: readonly Upstream[];
  get(id: string): Upstream | undefined;
  readonly settings: ReadonlyMap<string, UpstreamSettings>;
}

/**
 * Builds every configured upstream. An OpenID Provider whose discovery fails at start is a
 * configuration error naming it: better to stop than to offer a button that cannot work.
 */
export async function createUpstreamRegistry(settings: readonly UpstreamSettings[], logger?: Logger): Promise<UpstreamRegistry> {
  const list = await Promise.all(
    settings.map(async (upstream) => {
      try {
        return upstream.type === 'oidc' ? await createOidcUpstream(upstream, logger) : createGithubUpstream(upstream);
      } catch (error) {
        const detail = (error as Error).message;
        throw invalidConfig(
          `invalid configuration: upstreams.${upstream.id}: ${upstream.type === 'oidc' ? `discovery at ${upstream.issuer} failed` : 'unusable'}: ${detail}`,
          error,
        );
      }
    }),
  );
  const byId = new Map(list.map((upstream) => [upstream.settings.id, upstream]));
  return { list, get: (id) => byId.get(id), settings: new Map(settings.map((upstream) => [upstream.id, upstream])) };
}
