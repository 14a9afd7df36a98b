import { z } from 'zod';

import { showPublishers, trustedPublisherView, trustedPublisherViewSchema } from './publisher-view.ts';
import { adminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { findResource } from '../resources/find-resource.ts';

const publishersOf = '/resources/:identifier/publishers';

/** GET /admin/resources/:identifier/publishers: every trusted publisher of a resource, as its maintainers see them. */
export const listPublishersRoute = adminRoute({
  method: 'GET',
  path: publishersOf,
  summary: 'Every trusted publisher of a resource server (CI identities its maintainers bound to it)',
  responses: { 200: z.object({ publishers: z.array(trustedPublisherViewSchema) }).strict() },
  async handle({ params }, deps) {
    const resource = await findResource(deps, params.identifier as string);
    const { publishers, publisherStore } = deps.selfService;
    return { body: { publishers: await showPublishers(await publishers.list(resource), publisherStore.lastUsed) } };
  },
});

/** DELETE /admin/resources/:identifier/publishers/:id */
export const removePublisherRoute = adminRoute({
  method: 'DELETE',
  path: `${publishersOf}/:id`,
  summary: 'Remove a trusted publisher; its CI job is refused at once',
  responses: { 200: trustedPublisherViewSchema },
  async handle({ params, caller }, deps) {
    const resource = await findResource(deps, params.identifier as string);
    const record = await deps.selfService.publishers.remove(resource, params.id as string, { actor: { kind: 'admin', id: caller.sub }, reqId: caller.reqId, ip: caller.ip });
    audit(deps, caller, 'trusted_publisher.remove', { resource: resource.identifier, publisherId: record.id });
    return { body: trustedPublisherView(record, undefined) };
  },
});
