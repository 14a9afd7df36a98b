import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';

import type { AccountStore } from '../accounts/account-store.ts';
import { readBody } from '../http/read-body.ts';
import { html } from './html.ts';
import { page } from './layout.ts';

export interface InteractionDeps {
  provider: Provider;
  accounts: AccountStore;
}

const route = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|confirm))?$/;

/**
 * The sign-in and confirm pages oidc-provider sends a person to during device login
 * (interactions.url): `login` asks for username and password, `consent` shows the client and
 * the device and asks to approve or deny.
 */
export function createInteractionRoutes({ provider, accounts }: InteractionDeps) {
  return async function interactionRoutes(ctx: Context, next: Next) {
    const match = route.exec(ctx.path);
    if (!match) return next();
    const [, uid, action] = match;
    ctx.set('cache-control', 'no-store');

    const details = await provider.interactionDetails(ctx.req, ctx.res).catch(() => undefined);
    if (!details || details.uid !== uid) {
      ctx.status = 400;
      ctx.body = page('Session expired', html`<h1>This sign-in has expired</h1><p>Start the login on your device again.</p>`);
      return;
    }

    if (ctx.method === 'GET' && !action) {
      ctx.body = details.prompt.name === 'login' ? loginPage(uid as string) : await confirmPage(provider, details);
      return;
    }
    if (ctx.method !== 'POST') {
      ctx.status = 405;
      return;
    }
    const form = (await readBody(ctx)) as Record<string, string | undefined>;

    if (action === 'login' && details.prompt.name === 'login') {
      const account = await accounts.authenticate(form.username ?? '', form.password ?? '');
      if (!account) {
        ctx.status = 401;
        ctx.body = loginPage(uid as string, 'Wrong username or password.', form.username);
        return;
      }
      await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: account.id } }, { mergeWithLastSubmission: false });
      ctx.respond = false;
      return;
    }

    if (action === 'confirm' && details.prompt.name === 'consent') {
      if (form.decision !== 'approve') {
        await provider.interactionFinished(
          ctx.req,
          ctx.res,
          { error: 'access_denied', error_description: 'the person denied the login' },
          { mergeWithLastSubmission: false },
        );
        ctx.respond = false;
        return;
      }
      const grantId = await grantRequested(provider, details);
      await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      ctx.respond = false;
      return;
    }

    ctx.redirect(`/interaction/${uid}`);
  };
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

async function grantRequested(provider: Provider, details: Details): Promise<string> {
  const { session, params, prompt, grantId } = details;
  const grant = grantId
    ? ((await provider.Grant.find(grantId)) as InstanceType<Provider['Grant']>)
    : new provider.Grant({ accountId: session?.accountId as string, clientId: params.client_id as string });
  const missing = prompt.details as { missingResourceScopes?: Record<string, string[]>; missingOIDCScope?: string[] };
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(resource, scopes.join(' '));
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  return grant.save();
}

function loginPage(uid: string, error?: string, username?: string): string {
  return page(
    'Sign in',
    html`<h1>Sign in</h1>
<p>Sign in to connect your device.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label for="username">Username</label>
<input id="username" type="text" name="username" required autofocus autocomplete="username" autocapitalize="none" spellcheck="false" value="${username ?? ''}">
<label for="password">Password</label>
<input id="password" type="password" name="password" required autocomplete="current-password">
<div class="actions"><button type="submit">Sign in</button></div>
</form>`,
  );
}

async function confirmPage(provider: Provider, details: Details): Promise<string> {
  const client = await provider.Client.find(details.params.client_id as string);
  const deviceCodeId = (details as unknown as { deviceCode?: string }).deviceCode;
  const deviceCode = deviceCodeId ? await provider.DeviceCode.find(deviceCodeId, { ignoreExpiration: true }) : undefined;
  const device = (deviceCode?.deviceInfo ?? {}) as { ip?: string; ua?: string };
  const scope = String(details.params.scope ?? '');
  return page(
    'Approve device',
    html`<h1>Approve this device?</h1>
<p><strong>${client?.clientName ?? details.params.client_id}</strong> wants to act on your behalf.</p>
<dl>
<dt>Application</dt><dd>${client?.clientName ?? details.params.client_id}</dd>
<dt>Device IP</dt><dd>${device.ip ?? 'unknown'}</dd>
<dt>Device</dt><dd>${device.ua ?? 'unknown'}</dd>
${scope ? html`<dt>Access</dt><dd>${scope}</dd>` : ''}
</dl>
<form method="post" action="/interaction/${details.uid}/confirm">
<div class="actions">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  );
}
