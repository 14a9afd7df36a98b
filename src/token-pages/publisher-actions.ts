import type { Context } from 'koa';

import { AppError } from '../errors.ts';
import { sendPage } from '../pages/notice-pages.ts';
import type { Form } from '../pages/read-form.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import { showPublishers, type TrustedPublisherView } from '../admin/trusted-publishers/publisher-view.ts';
import { publisherPath, resourcePath } from './page-chrome.ts';
import type { PublisherRoute } from './page-routes.ts';
import { publisherFormFields, readPublisherForm } from './publisher-form.ts';
import { publisherPage, removePublisherPage } from './publisher-pages.ts';
import { fieldErrorOf } from './rights-fields.ts';
import { changeOf, formScope, type ShowResource, type SignedRequest } from './token-actions.ts';
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

  async function add(ctx: Context, signed: SignedRequest, resource: ResourceServerRecord, form: Form): Promise<void> {
    const scope = formScope(deps, resource, signed);
    const { values, input, errors } = readPublisherForm(form, scope);
    if (!input) return showResource(ctx, signed, resource, 400, { publisher: { values, errors } });
    let record;
    try {
      record = await publishers.add(resource, signed.account, scope.creatorMap, input, changeOf(ctx, signed));
    } catch (error) {
      // A refused field, or the same CI identity bound already.
      if (!(error instanceof AppError) || (error.code !== 'invalid_field' && error.code !== 'conflict')) throw error;
      return showResource(ctx, signed, resource, error.status, { publisher: { values, errors: fieldErrorOf(error, publisherFormFields) } });
    }
    ctx.status = 303;
    ctx.redirect(`${publisherPath(resource.identifier, record.id)}?added`);
  }

  return {
    async handle(ctx: Context, signed: SignedRequest, resource: ResourceServerRecord, route: PublisherRoute, form: Form | undefined): Promise<void> {
      if (route.page === 'add-publisher') return add(ctx, signed, resource, form ?? {});
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
