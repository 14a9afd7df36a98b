import { z } from 'zod';

import { adminRoute, type AdminRoute } from '../admin/admin-route.ts';
import { newTrustedPublisher } from '../trusted-publishers/publisher-input.ts';
import { showPublishers, trustedPublisherView, trustedPublisherViewSchema } from '../admin/trusted-publishers/publisher-view.ts';
import { effectiveMaxPriority } from '../upstreams/priority-rules.ts';
import type { SelfService } from './create-self-service.ts';
import { maintainedResource, maintainerContext } from './maintained-resource.ts';

/**
 * Trusted publishers in the maintainers' JSON API (SPEC §15): any maintainer of the resource
 * lists, adds and removes every one of its publishers, whoever added it.
 */
export function publisherRoutes({ publishers, publisherStore }: Pick<SelfService, 'publishers' | 'publisherStore'>): AdminRoute[] {
  const path = '/resources/:identifier/publishers';
  return [
    adminRoute({
      method: 'GET',
      path,
      summary: 'Every trusted publisher of the resource: the CI identities that get its tokens without a secret',
      responses: { 200: z.object({ publishers: z.array(trustedPublisherViewSchema) }).strict() },
      async handle({ params, caller }, deps) {
        const { resource } = await maintainedResource(deps, caller.sub, params.identifier as string);
        return { body: { publishers: await showPublishers(await publishers.list(resource), publisherStore.lastUsed) } };
      },
    }),
    adminRoute({
      method: 'POST',
      path,
      summary: 'Bind a CI identity (a GitHub Actions repository by its ids, or a Kubernetes service account with its uid) to the resource',
      body: newTrustedPublisher,
      responses: { 201: trustedPublisherViewSchema },
      async handle({ params, body, caller }, deps) {
        const { resource, account } = await maintainedResource(deps, caller.sub, params.identifier as string);
        const record = await publishers.add(
          resource,
          account,
          effectiveMaxPriority(account, deps.upstreams.settings),
          body,
          maintainerContext(caller, account),
        );
        return { status: 201, body: trustedPublisherView(record, undefined) };
      },
    }),
    adminRoute({
      method: 'DELETE',
      path: `${path}/:id`,
      summary: 'Remove a trusted publisher of the resource (any maintainer, whoever added it); its CI job is refused at once',
      responses: { 200: trustedPublisherViewSchema },
      async handle({ params, caller }, deps) {
        const { resource, account } = await maintainedResource(deps, caller.sub, params.identifier as string);
        const record = await publishers.remove(resource, params.id as string, maintainerContext(caller, account));
        return { body: trustedPublisherView(record, undefined) };
      },
    }),
  ];
}
