import type { GithubUpstreamSettings } from '../config/upstream-schema.ts';
import { UpstreamError, type Upstream } from './upstream.ts';

export function createGithubUpstream(settings: GithubUpstreamSettings): Upstream {
  const missing = async (): Promise<never> => {
    throw new UpstreamError('unreachable', 'github upstreams are not built yet');
  };
  return { settings, authorizationOrigin: () => new URL(settings.baseUrl).origin, authorizationUrl: missing, complete: missing, recheck: missing };
}
