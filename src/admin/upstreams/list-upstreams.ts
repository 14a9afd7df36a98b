import type { UpstreamSettings } from '../../config/upstream-schema.ts';
import { redirectUri } from '../../pages/upstream-start.ts';
import type { AdminRoute } from '../admin-route.ts';

/** An upstream as the admin API shows it: never its client secret (nor the variable holding it). */
export function upstreamView(settings: UpstreamSettings, issuer: string) {
  return {
    id: settings.id,
    name: settings.name,
    type: settings.type,
    ...(settings.type === 'oidc' ? { issuer: settings.issuer, scopes: settings.scopes, claims: settings.claims } : { base_url: settings.baseUrl, api_url: settings.apiUrl }),
    client_id: settings.clientId,
    redirect_uri: redirectUri(issuer, settings.id),
    provisioning: settings.provisioning,
    admission: settings.admission,
    priority_rules: settings.priorityRules,
    reverify_after: settings.reverifyAfter,
    unreachable_grace: settings.unreachableGrace,
  };
}

/** GET /admin/upstreams: the configured identity providers, in button order. */
export const listUpstreamsRoute: AdminRoute = {
  method: 'GET',
  path: '/upstreams',
  async handle(_request, deps) {
    return { body: { upstreams: deps.upstreams.list.map(({ settings }) => upstreamView(settings, deps.config.issuer)) } };
  },
};
