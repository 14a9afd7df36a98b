import { showPublishers, trustedPublisherView, trustedPublisherViewSchema } from './publisher-view.ts';
import { adminRoute } from '../admin-route.ts';
import { audit } from '../audit.ts';
import { adminChange } from '../resource-tokens/resource-token-routes.ts';
import { findResource } from '../resources/find-resource.ts';
import { resourceListRoute } from '../resources/resource-list-route.ts';

const publishersOf = '/resources/:identifier/publishers';

/** GET /admin/resources/:identifier/publishers: every trusted publisher of a resource, as its maintainers see them. */
export const listPublishersRoute = resourceListRoute({
  summary: 'Every trusted publisher of a resource server (CI identities its maintainers bound to it)',
  key: 'publishers',
  item: trustedPublisherViewSchema,
  list: async (resource, deps) => showPublishers(await deps.selfService.publishers.list(resource), deps.selfService.publisherStore.lastUsed),
});

/** DELETE /admin/resources/:identifier/publishers/:id */
export const removePublisherRoute = adminRoute({
  method: 'DELETE',
  path: `${publishersOf}/:id`,
  summary: 'Remove a trusted publisher; its CI job is refused at once',
  responses: { 200: trustedPublisherViewSchema },
  async handle({ params, caller }, deps) {
    const resource = await findResource(deps, params.identifier as string);
    const record = await deps.selfService.publishers.remove(resource, params.id as string, adminChange(caller));
    audit(deps, caller, 'trusted_publisher.remove', { resource: resource.identifier, publisherId: record.id });
    return { body: trustedPublisherView(record, undefined) };
  },
});
