import type { Context } from 'koa';

import { AppError, type AppErrorCode } from '../errors.ts';
import { requestIdOf } from '../http/request-log.ts';
import { sendPage } from '../pages/notice-pages.ts';
import { contentSecurityPolicy } from '../pages/page-headers.ts';
import type { Form } from '../pages/read-form.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import type { ChangeContext } from '../resource-tokens/resource-tokens.ts';
import { maintainedResource } from '../self-service/maintained-resource.ts';
import { maintainerCheck, showTokens } from '../admin/resource-tokens/token-listing.ts';
import { trustedPublisherView } from '../admin/trusted-publishers/publisher-view.ts';
import { isPublisherId } from '../kernel/publisher-id.ts';
import { publisherIssuerAllowed } from '../trusted-publishers/publisher-policy.ts';
import { effectiveMaxPriority } from '../upstreams/priority-rules.ts';
import { copyScriptPath } from './copy-script.ts';
import { defaultTokenForm, readTokenForm, tokenFormFields, type TokenFormValues } from './new-token-form.ts';
import { resourcePath, tokenPath, type Signed } from './page-chrome.ts';
import type { TokenRoute } from './page-routes.ts';
import { defaultPublisherForm, type PublisherFormValues } from './publisher-form.ts';
import { publisherSection, type ListedPublisher } from './publisher-section.ts';
import { resourcePage } from './resource-page.ts';
import { fieldErrorOf, type FieldErrors, type ReadForm, type TokenFormScope } from './rights-fields.ts';
import { issuedPage, overlapChoices, revokePage, rotatePage } from './token-action-pages.ts';
import type { TokenPagesDeps } from './token-pages-deps.ts';

/** A signed-in maintainer's request: who, and the session their forms are bound to. */
export interface SignedRequest extends Signed {
  sessionId: string;
}

/** A form sent back with its refusals, the values typed kept. */
interface Refilled<V> {
  values: V;
  errors: FieldErrors;
}

/** The forms of the resource's page that are sent back. */
export interface FilledForms {
  token?: Refilled<TokenFormValues>;
  publisher?: Refilled<PublisherFormValues>;
}

export type ShowResource = (ctx: Context, signed: Signed, resource: ResourceServerRecord, status?: number, filled?: FilledForms) => Promise<void>;

const shownActivity = 20;

/** What the forms of a resource's page offer this person: the policy, and their own priority map. */
const formScope = (deps: Pick<TokenPagesDeps, 'upstreams'>, resource: ResourceServerRecord, signed: Signed): TokenFormScope => ({
  resource,
  creatorMap: effectiveMaxPriority(signed.account, deps.upstreams.settings),
});

/** Who changes something, for its security event. */
export const changeOf = (ctx: Context, signed: Signed): ChangeContext => ({
  actor: { kind: 'account', id: signed.account.id, name: signed.account.name ?? signed.account.username },
  reqId: requestIdOf(ctx),
  ip: ctx.ip,
});

/** A form of the resource's page as it is sent: where, by whom, holding what. */
export interface SentForm {
  ctx: Context;
  signed: SignedRequest;
  resource: ResourceServerRecord;
  form: Form;
}

/** How a form of the resource's page is read, acted on, and where it leads once done. */
export interface FormAction<V, I, R> {
  read(form: Form, scope: TokenFormScope): ReadForm<V, I>;
  /** The page's forms with this one sent back. */
  refill(sent: Refilled<V>): FilledForms;
  /** The fields a refusal may stand beside (fieldErrorOf). */
  fields: readonly string[];
  /** The service's refusals shown on the form again, rather than as an error page. */
  refusals: readonly AppErrorCode[];
  act(input: I, scope: TokenFormScope, change: ChangeContext): Promise<R>;
  /** Where the browser goes once it is done (303). */
  then(result: R): string | Promise<string>;
}

/**
 * Reads a form of the resource's page and acts on it. Refused, by its reader (400) or by the
 * service (its status), the page comes again with the values typed and each refusal beside its
 * field; done, the browser is sent on, so reloading does not send the form twice.
 */
export async function submitForm<V, I, R>(
  deps: Pick<TokenPagesDeps, 'upstreams'>,
  showResource: ShowResource,
  { ctx, signed, resource, form }: SentForm,
  action: FormAction<V, I, R>,
): Promise<void> {
  const scope = formScope(deps, resource, signed);
  const { values, input, errors } = action.read(form, scope);
  if (!input) return showResource(ctx, signed, resource, 400, action.refill({ values, errors }));
  let result: R;
  try {
    result = await action.act(input, scope, changeOf(ctx, signed));
  } catch (error) {
    if (!(error instanceof AppError) || !action.refusals.includes(error.code)) throw error;
    return showResource(ctx, signed, resource, error.status, action.refill({ values, errors: fieldErrorOf(error, action.fields) }));
  }
  const next = await action.then(result);
  ctx.status = 303;
  ctx.redirect(next);
}

/**
 * What a maintainer does on a resource server's page, through the same calls as the JSON API
 * (the tokens service, maintainedResource, showTokens): every request re-checks that they
 * maintain it now, and every change is its security event. Trusted publishers' forms are
 * publisher-actions.ts; the page they are on is shown here.
 */
export function createTokenActions(deps: TokenPagesDeps) {
  const { tokens, store, publishers, publisherStore } = deps.selfService;
  const listed = async (resource: ResourceServerRecord, id: string) => (await showTokens([await tokens.find(resource, id)], resource, deps, store))[0];

  /** Names of the people in the activity (`account:<id>`), read once per page. */
  async function actorNames(actors: readonly string[]): Promise<(actor: string) => string> {
    const ids = [...new Set(actors.filter((actor) => actor.startsWith('account:')).map((actor) => actor.slice('account:'.length)))];
    const accounts = await Promise.all(ids.map((id) => deps.accounts.get(id)));
    const names = new Map(ids.map((id, index) => [id, accounts[index]]));
    return (actor) => {
      const [kind, ...rest] = actor.split(':');
      const id = rest.join(':');
      if (kind === 'report') return 'a leak report';
      if (kind === 'admin') return `an admin (${id})`;
      const account = names.get(id);
      return account ? (account.name ? `${account.name} (${account.username})` : account.username) : id;
    };
  }

  /** The resource's trusted publishers as listed: with their last use, as its tokens are (showTokens). */
  async function listPublishers(resource: ResourceServerRecord): Promise<ListedPublisher[]> {
    const creatorIsMaintainer = maintainerCheck(resource, deps);
    return Promise.all(
      (await publishers.list(resource)).map(async (record) => {
        const [use, maintains] = await Promise.all([
          publisherStore.lastUsed(record.id),
          record.createdBy.kind === 'account' ? creatorIsMaintainer(record.createdBy.id) : false,
        ]);
        return { view: trustedPublisherView(record, use), creatorIsMaintainer: maintains, issuerAllowed: publisherIssuerAllowed(resource, record.issuer) };
      }),
    );
  }

  function noticeOf(ctx: Context, tokenViews: ReadonlyArray<{ id: string; description: string }>): string | undefined {
    const revoked = typeof ctx.query.revoked === 'string' ? tokenViews.find((token) => token.id === ctx.query.revoked) : undefined;
    if (revoked) return `"${revoked.description}" (${revoked.id}) is revoked: it gets no more access tokens.`;
    const removed = typeof ctx.query.removed === 'string' && isPublisherId(ctx.query.removed) ? ctx.query.removed : undefined;
    return removed ? `Trusted publisher ${removed} is removed: its CI jobs get no more access tokens.` : undefined;
  }

  const showResource: ShowResource = async (ctx, signed, resource, status = 200, filled = {}) => {
    const [views, publisherList, activity] = await Promise.all([
      tokens.list(resource).then((records) => showTokens(records, resource, deps, store)),
      listPublishers(resource),
      deps.activity.recent(resource, shownActivity),
    ]);
    const scope = formScope(deps, resource, signed);
    sendPage(
      ctx,
      status,
      resourcePage({
        signed,
        form: scope,
        tokens: views,
        activity,
        actorName: await actorNames(activity.flatMap((entry) => (entry.actor ? [entry.actor] : []))),
        values: filled.token?.values ?? defaultTokenForm(scope),
        ...(filled.token ? { errors: filled.token.errors } : {}),
        notice: noticeOf(ctx, views),
        publishers: publisherSection({
          form: scope,
          csrf: signed.csrf,
          publishers: publisherList,
          values: filled.publisher?.values ?? defaultPublisherForm(scope),
          errors: filled.publisher?.errors,
        }),
        publisherDescriptions: new Map(publisherList.map(({ view }) => [view.id, view.description])),
      }),
    );
  };

  const create = (sent: SentForm): Promise<void> =>
    submitForm(deps, showResource, sent, {
      read: readTokenForm,
      refill: (token) => ({ token }),
      fields: tokenFormFields,
      refusals: ['invalid_field'],
      act: (input, scope, change) => tokens.create(sent.resource, sent.signed.account, scope.creatorMap, input, change),
      async then(issued) {
        await deps.issued.keep(sent.signed.sessionId, issued.record.id, issued.value);
        return tokenPath(sent.resource.identifier, issued.record.id, 'new');
      },
    });

  async function rotate(ctx: Context, signed: SignedRequest, resource: ResourceServerRecord, tokenId: string, form: Form): Promise<void> {
    const overlap = overlapChoices.find(([seconds]) => String(seconds) === form.overlap)?.[0] ?? 0;
    const issued = await tokens.rotate(resource, tokenId, overlap, changeOf(ctx, signed));
    await deps.issued.keep(signed.sessionId, issued.record.id, issued.value);
    ctx.status = 303;
    ctx.redirect(tokenPath(resource.identifier, tokenId, 'new'));
  }

  async function showIssued(ctx: Context, signed: SignedRequest, resource: ResourceServerRecord, tokenId: string): Promise<void> {
    const value = await deps.issued.take(signed.sessionId, tokenId);
    const record = await tokens.find(resource, tokenId);
    const [token] = await showTokens([record], resource, deps, store);
    const previousUntil = record.secrets[1]?.expiresAt;
    const script = new URL(copyScriptPath, deps.issuer).href;
    if (value) ctx.set('content-security-policy', contentSecurityPolicy([], [script]));
    sendPage(
      ctx,
      200,
      issuedPage({
        signed,
        resource,
        token: token as NonNullable<typeof token>,
        value,
        previousUntil,
        tokenEndpoint: `${deps.issuer}/token`,
        script: copyScriptPath,
      }),
    );
  }

  return {
    maintained: (signed: Signed, identifier: string) => maintainedResource(deps, signed.account.id, identifier).then(({ resource }) => resource),
    showResource,

    /** The resource's page, or a page of one of its tokens (its GET, or the POST of its form). */
    async handle(
      ctx: Context,
      signed: SignedRequest,
      resource: ResourceServerRecord,
      route: { page: 'resource' } | TokenRoute,
      form: Form | undefined,
    ): Promise<void> {
      if (route.page === 'resource') return showResource(ctx, signed, resource);
      if (route.page === 'create') return create({ ctx, signed, resource, form: form ?? {} });
      if (route.page === 'new') return showIssued(ctx, signed, resource, route.tokenId);
      if (!form) {
        const token = await listed(resource, route.tokenId);
        if (!token || token.status !== 'active') return ctx.redirect(resourcePath(resource.identifier));
        return sendPage(ctx, 200, route.page === 'revoke' ? revokePage(signed, resource, token) : rotatePage(signed, resource, token));
      }
      if (route.page === 'rotate') return rotate(ctx, signed, resource, route.tokenId, form);
      await tokens.revoke(resource, route.tokenId, changeOf(ctx, signed));
      ctx.status = 303;
      ctx.redirect(`${resourcePath(resource.identifier)}?revoked=${route.tokenId}`);
    },
  };
}
