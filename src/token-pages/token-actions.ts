import type { Context } from 'koa';

import { AppError } from '../errors.ts';
import { requestIdOf } from '../http/request-log.ts';
import { sendPage } from '../pages/notice-pages.ts';
import { contentSecurityPolicy } from '../pages/page-headers.ts';
import type { Form } from '../pages/read-form.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import type { ChangeContext } from '../resource-tokens/resource-tokens.ts';
import { maintainedResource } from '../self-service/maintained-resource.ts';
import { showTokens } from '../self-service/token-listing.ts';
import { effectiveMaxPriority } from '../upstreams/priority-rules.ts';
import { copyScriptPath } from './copy-script.ts';
import { defaultTokenForm, fieldErrorOf, readTokenForm, type FieldErrors, type TokenFormScope, type TokenFormValues } from './new-token-form.ts';
import { resourcePath, tokenPath, type Signed } from './page-chrome.ts';
import { resourcePage } from './resource-page.ts';
import { issuedPage, overlapChoices, revokePage, rotatePage } from './token-action-pages.ts';
import type { TokenPagesDeps } from './token-pages-deps.ts';

/** Which page under a resource: its own, making a token, or one token's revoke, rotate or new value. */
export type ResourceRoute = { page: 'resource' } | { page: 'create' } | { page: 'revoke' | 'rotate' | 'new'; tokenId: string };

/** A signed-in maintainer's request: who, and the session their forms are bound to. */
export interface SignedRequest extends Signed {
  sessionId: string;
}

const shownActivity = 20;

/**
 * What a maintainer does on a resource server's page, through the same calls as the JSON API
 * (the tokens service, maintainedResource, showTokens): every request re-checks that they
 * maintain it now, and every change is its security event.
 */
export function createTokenActions(deps: TokenPagesDeps) {
  const { tokens, store } = deps.selfService;
  const scopeOf = (resource: ResourceServerRecord, signed: Signed): TokenFormScope => ({ resource, creatorMap: effectiveMaxPriority(signed.account, deps.upstreams.settings) });
  const change = (ctx: Context, signed: Signed): ChangeContext => ({
    actor: { kind: 'account', id: signed.account.id, name: signed.account.name ?? signed.account.username },
    reqId: requestIdOf(ctx),
    ip: ctx.ip,
  });
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

  async function showResource(ctx: Context, signed: Signed, resource: ResourceServerRecord, status = 200, filled?: { values: TokenFormValues; errors: FieldErrors }): Promise<void> {
    const [views, activity] = await Promise.all([tokens.list(resource).then((records) => showTokens(records, resource, deps, store)), deps.activity.recent(resource, shownActivity)]);
    const revoked = typeof ctx.query.revoked === 'string' ? views.find((token) => token.id === ctx.query.revoked) : undefined;
    const scope = scopeOf(resource, signed);
    sendPage(
      ctx,
      status,
      resourcePage({
        signed,
        form: scope,
        tokens: views,
        activity,
        actorName: await actorNames(activity.flatMap((entry) => (entry.actor ? [entry.actor] : []))),
        values: filled?.values ?? defaultTokenForm(scope),
        ...(filled ? { errors: filled.errors } : {}),
        notice: revoked ? `"${revoked.description}" (${revoked.id}) is revoked: it gets no more access tokens.` : undefined,
        // TRUSTED PUBLISHERS: `publishers` (the resource's list, rendered) is passed here once that branch is merged.
      }),
    );
  }

  async function create(ctx: Context, signed: SignedRequest, resource: ResourceServerRecord, form: Form): Promise<void> {
    const scope = scopeOf(resource, signed);
    const { values, input, errors } = readTokenForm(form, scope);
    if (!input) return showResource(ctx, signed, resource, 400, { values, errors });
    let issued;
    try {
      issued = await tokens.create(resource, signed.account, scope.creatorMap, input, change(ctx, signed));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'invalid_field') throw error;
      return showResource(ctx, signed, resource, 400, { values, errors: fieldErrorOf(error) });
    }
    await deps.issued.keep(signed.sessionId, issued.record.id, issued.value);
    ctx.status = 303;
    ctx.redirect(tokenPath(resource.identifier, issued.record.id, 'new'));
  }

  async function rotate(ctx: Context, signed: SignedRequest, resource: ResourceServerRecord, tokenId: string, form: Form): Promise<void> {
    const overlap = overlapChoices.find(([seconds]) => String(seconds) === form.overlap)?.[0] ?? 0;
    const issued = await tokens.rotate(resource, tokenId, overlap, change(ctx, signed));
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
    sendPage(ctx, 200, issuedPage({ signed, resource, token: token as NonNullable<typeof token>, value, previousUntil, tokenEndpoint: `${deps.issuer}/token`, script: copyScriptPath }));
  }

  return {
    maintained: (signed: Signed, identifier: string) => maintainedResource(deps, signed.account.id, identifier).then(({ resource }) => resource),

    /** A page under a resource (its GET, or the POST of its form). */
    async handle(ctx: Context, signed: SignedRequest, resource: ResourceServerRecord, route: ResourceRoute, form: Form | undefined): Promise<void> {
      if (route.page === 'resource') return showResource(ctx, signed, resource);
      if (route.page === 'create') return create(ctx, signed, resource, form ?? {});
      if (route.page === 'new') return showIssued(ctx, signed, resource, route.tokenId);
      if (!form) {
        const token = await listed(resource, route.tokenId);
        if (!token || token.status !== 'active') return ctx.redirect(resourcePath(resource.identifier));
        return sendPage(ctx, 200, route.page === 'revoke' ? revokePage(signed, resource, token) : rotatePage(signed, resource, token));
      }
      if (route.page === 'rotate') return rotate(ctx, signed, resource, route.tokenId, form);
      await tokens.revoke(resource, route.tokenId, change(ctx, signed));
      ctx.status = 303;
      ctx.redirect(`${resourcePath(resource.identifier)}?revoked=${route.tokenId}`);
    },
  };
}
