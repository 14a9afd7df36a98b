import type { KoaContextWithOIDC, errors } from 'oidc-provider';

import { html, raw } from './html.ts';
import { page } from './layout.ts';

type ErrorOut = { error: string; error_description?: string };

const codeErrors: Record<string, string> = {
  NoCodeError: 'Enter the code shown on your device.',
  NotFoundError: 'That code is not valid. Check it and try again.',
  ExpiredError: 'That code has expired. Start the login on your device again.',
  AlreadyUsedError: 'That code has already been used. Start the login on your device again.',
  AbortedError: 'The login was denied. You can close this page.',
};

/** Page 1 of the device login: enter the user code (RFC 8628 §3.3). */
export async function userCodeInputSource(ctx: KoaContextWithOIDC, _form: string, out?: ErrorOut, err?: errors.OIDCProviderError | Error) {
  const secret = (ctx.oidc.session?.state as { secret?: string } | undefined)?.secret ?? '';
  const message = err ? (codeErrors[err.name] ?? out?.error_description ?? 'Something went wrong. Try again.') : undefined;
  if (err?.name === 'AbortedError') {
    ctx.body = page('Login denied', html`<h1>Login denied</h1><p>${message}</p>`);
    return;
  }
  ctx.body = page(
    'Device login',
    html`<h1>Connect a device</h1>
<p>Enter the code shown on your terminal or device.</p>
${message ? html`<p class="error" role="alert" id="code-error">${message}</p>` : ''}
<form method="post" action="${ctx.oidc.urlFor('code_verification')}">
<input type="hidden" name="xsrf" value="${secret}">
<input type="hidden" name="confirm" value="yes">
<label for="user_code">Code</label>
<input id="user_code" class="code" type="text" name="user_code" required autofocus autocomplete="one-time-code"
  autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX"${message ? html` aria-describedby="code-error" aria-invalid="true"` : ''}
  value="${(err as { userCode?: string } | undefined)?.userCode ?? ''}">
<div class="actions"><button type="submit">Continue</button></div>
</form>`,
  );
}

/**
 * oidc-provider's own confirmation step; our code form always submits `confirm`, and the
 * confirmation (client, device, approve / deny) comes after sign-in instead, so this only
 * renders if someone posts the form without it.
 */
export async function userCodeConfirmSource(ctx: KoaContextWithOIDC, form: string) {
  ctx.body = page('Continue', html`<h1>Continue</h1><p>Continue to sign in.</p>${raw(form)}<div class="actions"><button type="submit" form="op.deviceConfirmForm">Continue</button></div>`);
}

/** Last page: the device has been approved. */
export async function successSource(ctx: KoaContextWithOIDC) {
  const name = ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId ?? 'your device';
  ctx.body = page('Device connected', html`<h1>Device connected</h1><p>${name} is now signed in. You can close this page and return to your terminal.</p>`);
}

/** Error page for browser requests the provider rejects (JSON clients get RFC 6749 JSON). */
export async function renderError(ctx: KoaContextWithOIDC, out: ErrorOut) {
  ctx.type = 'html';
  ctx.body = page('Error', html`<h1>Something went wrong</h1><p class="error" role="alert">${out.error_description ?? out.error}</p>`);
}
