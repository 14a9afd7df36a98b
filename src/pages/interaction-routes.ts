import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import { errors } from 'oidc-provider';

import type { AccountStore } from '../accounts/account-store.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import { requestIdOf } from '../http/request-log.ts';
import type { Logger } from '../logger.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { deviceCodeIdOf } from '../kernel/provider-internals.ts';
import { StorageUnavailableError } from '../storage/storage-unavailable.ts';
import type { AttemptLimits } from './attempt-limits.ts';
import type { InteractionCsrf } from './interaction-csrf.ts';
import { confirmPage } from './interaction-pages.ts';
import { checkPassword } from './password-check.ts';
import { startUpstreamSignIn, type UpstreamSignInDeps } from './upstream-start.ts';
import { sendFormExpired, sendInteractionExpired, sendPage, sendServerError, sendTooManyAttempts, sendUnavailable } from './notice-pages.ts';
import { readForm, type Form } from './read-form.ts';
import { sendSignInPage } from './sign-in-page.ts';
import { timeAgo } from './time-ago.ts';

export interface InteractionDeps {
  provider: Provider;
  accounts: AccountStore;
  resources: ResourceRegistry;
  limits: AttemptLimits;
  csrf: InteractionCsrf;
  logger: Logger;
  /** Offer the username and password form (the passwordSignIn setting). */
  passwordSignIn: boolean;
  upstreamSignIn: UpstreamSignInDeps;
  securityEvents: SecurityEvents;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const route = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|confirm|upstream))?$/;

/**
 * The sign-in and confirm pages oidc-provider sends a person to during device login
 * (interactions.url): `login` asks for username and password, `consent` shows the client and
 * the device and asks to approve or deny. Every POST carries the interaction's CSRF token.
 */
export function createInteractionRoutes(deps: InteractionDeps) {
  const { provider } = deps;

  return async function interactionRoutes(ctx: Context, next: Next) {
    const match = route.exec(ctx.path);
    if (!match) {
      // A mangled or made-up sign-in link is a person's page too, never the API's JSON 404.
      if (ctx.path === '/interaction' || ctx.path.startsWith('/interaction/')) return sendInteractionExpired(ctx);
      return next();
    }
    const [, uid, action] = match as unknown as [string, string, string | undefined];
    try {
      const details = await provider.interactionDetails(ctx.req, ctx.res).catch((error: unknown) => {
        if (error instanceof errors.SessionNotFound) return undefined;
        throw error;
      });
      if (!details || details.uid !== uid) return sendInteractionExpired(ctx);

      if (ctx.method === 'GET') {
        if (action) return ctx.redirect(`/interaction/${uid}`);
        if (details.prompt.name === 'login') return sendLoginPage(ctx, deps, uid, 200);
        return sendPage(ctx, 200, await renderConfirm(deps, details));
      }
      if (ctx.method !== 'POST') {
        ctx.set('allow', 'GET, POST');
        ctx.status = 405;
        return;
      }
      const form = await readForm(ctx);
      if (!form) return;
      if (!deps.csrf.verify(uid, form.csrf)) return sendFormExpired(ctx);

      if (action === 'login' && details.prompt.name === 'login' && deps.passwordSignIn) return await signIn(ctx, deps, details, form);
      if (action === 'upstream' && details.prompt.name === 'login')
        return await startUpstreamSignIn(ctx, deps.upstreamSignIn, { uid }, form.upstream, `/interaction/${uid}`);
      if (action === 'confirm' && details.prompt.name === 'consent') return await decide(ctx, deps, details, form);
      ctx.redirect(`/interaction/${uid}`);
    } catch (error) {
      if (error instanceof StorageUnavailableError) return sendUnavailable(ctx);
      // A person's page, never the error middleware's JSON: logged here, shown without detail.
      deps.logger.error({ reqId: ctx.state.requestId, err: error }, 'sign-in page failed');
      sendServerError(ctx);
    }
  };
}

function sendLoginPage(ctx: Context, deps: InteractionDeps, uid: string, status: number, filled: { error?: string; username?: string } = {}) {
  sendSignInPage(ctx, { upstreams: deps.upstreamSignIn.upstreams, passwordSignIn: deps.passwordSignIn }, status, {
    action: `/interaction/${uid}/login`,
    csrf: deps.csrf.token(uid),
    upstreamAction: `/interaction/${uid}/upstream`,
    ...filled,
  });
}

async function signIn(ctx: Context, deps: InteractionDeps, details: Details, form: Form) {
  const outcome = await checkPassword(deps, form, { reqId: requestIdOf(ctx), ip: ctx.ip, clientId: String(details.params.client_id) });
  if ('retryAfterSeconds' in outcome) return sendTooManyAttempts(ctx, outcome.retryAfterSeconds);
  if ('error' in outcome) return sendLoginPage(ctx, deps, details.uid, 400, outcome);
  await deps.provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: outcome.account.id } }, { mergeWithLastSubmission: false });
  ctx.respond = false;
}

async function decide(ctx: Context, { provider, securityEvents }: InteractionDeps, details: Details, form: Form) {
  const where = { reqId: requestIdOf(ctx), ip: ctx.ip, clientId: String(details.params.client_id), accountId: details.session?.accountId };
  if (form.decision !== 'approve') {
    // RFC 8628 §3.5: the device's next poll gets access_denied.
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { error: 'access_denied', error_description: 'the person denied the login' },
      { mergeWithLastSubmission: false },
    );
  } else {
    const grantId = await saveGrant(provider, details);
    await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  securityEvents.emit(form.decision === 'approve' ? 'device.approved' : 'device.denied', where);
  ctx.respond = false;
}

/** A new grant holding exactly what the device asked for (oidc-provider lists it as missing). */
async function saveGrant(provider: Provider, details: Details): Promise<string> {
  const { session, params, prompt } = details;
  const grant = new provider.Grant({ accountId: session?.accountId as string, clientId: params.client_id as string });
  const missing = prompt.details as { missingResourceScopes?: Record<string, string[]>; missingOIDCScope?: string[] };
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  return grant.save();
}

async function renderConfirm({ provider, accounts, resources, csrf }: InteractionDeps, details: Details): Promise<string> {
  const clientId = String(details.params.client_id);
  const deviceCodeId = deviceCodeIdOf(details);
  const [client, deviceCode, account] = await Promise.all([
    provider.Client.find(clientId),
    deviceCodeId ? provider.DeviceCode.find(deviceCodeId, { ignoreExpiration: true }) : undefined,
    details.session?.accountId ? accounts.get(details.session.accountId) : undefined,
  ]);
  const device = (deviceCode?.deviceInfo ?? {}) as { ip?: string; ua?: string };
  const missing = details.prompt.details as { missingResourceScopes?: Record<string, string[]> };
  const access = await Promise.all(
    Object.entries(missing.missingResourceScopes ?? {}).map(async ([identifier, scopes]) => {
      const name = (await resources.get(identifier))?.name;
      return { api: name ? `${name} (${identifier})` : identifier, scopes };
    }),
  );
  return confirmPage({
    action: `/interaction/${details.uid}/confirm`,
    csrf: csrf.token(details.uid),
    clientName: client?.clientName ?? clientId,
    userCode: deviceCode?.userCode ? formatUserCode(deviceCode.userCode) : undefined,
    deviceIp: device.ip,
    deviceAgent: device.ua,
    requested: typeof deviceCode?.iat === 'number' ? timeAgo(Date.now() / 1000 - deviceCode.iat) : undefined,
    access,
    accountLabel: account ? (account.name ? `${account.name} (${account.username})` : account.username) : 'unknown',
  });
}

// Stored normalised (no dash); shown the way the device shows it, XXXX-XXXX.
const formatUserCode = (code: string) => (code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code);
