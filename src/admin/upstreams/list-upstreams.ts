import { z } from 'zod';

import type { UpstreamSettings } from '../../config/upstream-schema.ts';
import { redirectUri } from '../../pages/upstream-start.ts';
import { maxPriorityShape } from '../../principals/max-priority.ts';
import { adminRoute } from '../admin-route.ts';

const upstreamCommon = {
  id: z.string(),
  name: z.string(),
  client_id: z.string().describe("tollgate's client id at the upstream"),
  redirect_uri: z.string().describe('to register at the upstream'),
  provisioning: z.enum(['jit', 'existing']),
  admission: z
    .object({
      match: z.enum(['all', 'any']).describe('whether every admission rule must pass, or one'),
      emailDomains: z.array(z.string()),
      groups: z.array(z.string()).optional(),
      orgs: z.array(z.string()).optional(),
      teams: z.array(z.string()).optional(),
    })
    .strict(),
  priority_rules: z.array(
    z.object({ group: z.string().optional(), claim: z.string().optional(), value: z.string().optional(), maxPriority: maxPriorityShape }).strict(),
  ),
  reverify_after: z.number().int(),
  unreachable_grace: z.number().int(),
};

/** An upstream as the admin API shows it: never its client secret (nor the variable holding it). */
const upstreamViewSchema = z.discriminatedUnion('type', [
  z.object({ ...upstreamCommon, type: z.literal('oidc'), issuer: z.string(), scopes: z.array(z.string()), claims: z.record(z.string(), z.string()) }).strict(),
  z.object({ ...upstreamCommon, type: z.literal('github'), base_url: z.string(), api_url: z.string() }).strict(),
]);

export type UpstreamView = z.infer<typeof upstreamViewSchema>;

function upstreamView(settings: UpstreamSettings, issuer: string): UpstreamView {
  const common = {
    id: settings.id,
    name: settings.name,
    client_id: settings.clientId,
    redirect_uri: redirectUri(issuer, settings.id),
    provisioning: settings.provisioning,
    admission: settings.admission,
    // load-config has replaced each rule's map by its parsed MaxPriority (parseRuleMap).
    priority_rules: settings.priorityRules as UpstreamView['priority_rules'],
    reverify_after: settings.reverifyAfter,
    unreachable_grace: settings.unreachableGrace,
  };
  return settings.type === 'oidc'
    ? { ...common, type: 'oidc', issuer: settings.issuer, scopes: settings.scopes, claims: settings.claims }
    : { ...common, type: 'github', base_url: settings.baseUrl, api_url: settings.apiUrl };
}

/** GET /admin/upstreams: the configured identity providers, in button order. */
export const listUpstreamsRoute = adminRoute({
  method: 'GET',
  path: '/upstreams',
  summary: 'List the upstream identity providers, in sign-in button order',
  responses: { 200: z.object({ upstreams: z.array(upstreamViewSchema) }).strict() },
  async handle(_request, deps) {
    return { body: { upstreams: deps.upstreams.list.map(({ settings }) => upstreamView(settings, deps.config.issuer)) } };
  },
});
