import type { Context } from 'koa';

import { sendPage } from '../pages/notice-pages.ts';
import type { Form } from '../pages/read-form.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import { showPublishers, type TrustedPublisherView } from '../admin/trusted-publishers/publisher-view.ts';
import { publisherPath, resourcePath } from './page-chrome.ts';
import type { PublisherRoute } from './page-routes.ts';
import { publisherFormFields, readPublisherForm } from './publisher-form.ts';
import { publisherPage, removePublisherPage } from './publisher-pages.ts';
import { changeOf, submitForm, type SentForm, type ShowResource, type SignedRequest } from './token-actions.ts';
import type { TokenPagesDeps } from './token-pages-deps.ts';

/**
 * A resource's trusted publishers on its page (SPEC §15), through the same service as the JSON
 * API (trusted-publishers.ts): add (the form on the resource's page, then the publisher's page
 * with its CI snippet), and remove after a confirmation. Any maintainer, whoever added it.
 */
export function createPublisherActions(deps: TokenPagesDeps, showResource: ShowResource) {
  const { publishers, publisherStore } = deps.selfService;

  async function viewOf(resource: ResourceServerRecord, id: string): Promise<TrustedPublisherView> {
    const [view] = await showPublishers([await publishers.find(resource, id)], publisherStore.lastUsed);
    return view as TrustedPublisherView;
  }

  const add = (sent: SentForm): Promise<void> =>
    submitForm(deps, showResource, sent, {
      read: readPublisherForm,
      refill: (publisher) => ({ publisher }),
      fields: publisherFormFields,
      // A refused field, or the same CI identity bound already.
      refusals: ['invalid_field', 'conflict'],
      act: (input, scope, change) => publishers.add(sent.resource, sent.signed.account, scope.creatorMap, input, change),
      then: (record) => `${publisherPath(sent.resource.identifier, record.id)}?added`,
    });

  return {
    async handle(ctx: Context, signed: SignedRequest, resource: ResourceServerRecord, route: PublisherRoute, form: Form | undefined): Promise<void> {
      if (route.page === 'add-publisher') return add({ ctx, signed, resource, form: form ?? {} });
      if (route.page === 'publisher') {
        const publisher = await viewOf(resource, route.publisherId);
        return sendPage(ctx, 200, publisherPage({ signed, resource, publisher, issuer: deps.issuer, added: ctx.query.added !== undefined }));
      }
      if (!form) return sendPage(ctx, 200, removePublisherPage(signed, resource, await viewOf(resource, route.publisherId)));
      await publishers.remove(resource, route.publisherId, changeOf(ctx, signed));
      ctx.status = 303;
      ctx.redirect(`${resourcePath(resource.identifier)}?removed=${route.publisherId}#trusted-publishers`);
    },
  };
}
