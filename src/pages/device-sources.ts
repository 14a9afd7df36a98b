import type { KoaContextWithOIDC, errors } from 'oidc-provider';

import { codeErrorOf, deviceFormSecret, isDeviceFormExpired, type CodeError } from '../kernel/provider-internals.ts';
import { html, raw } from './html.ts';
import { icons, page } from './layout.ts';

type ErrorOut = { error: string; error_description?: string };

// oidc-provider re-renders the code page with one of these.
const codeErrors: Record<Exclude<CodeError, 'aborted'>, string> = {
  no_code: 'Enter the code shown on your device.',
  not_found: 'That code is not valid. Check it against your device and try again.',
  expired: 'That code has expired. Start the login on your device again to get a new one.',
  already_used: 'That code has already been used. Start the login on your device again to get a new one.',
};

const prefillPattern = /^[A-Za-z0-9 -]{1,32}$/;

/** Step 1 of the device login: enter the user code (RFC 8628 §3.3). */
export async function userCodeInputSource(ctx: KoaContextWithOIDC, _form: string, out?: ErrorOut, err?: errors.OIDCProviderError | Error) {
  const codeError = codeErrorOf(err);
  if (codeError === 'aborted') return deniedPage(ctx);
  const secret = deviceFormSecret(ctx);
  const message = err
    ? ((codeError ? codeErrors[codeError] : undefined) ??
      (isDeviceFormExpired(out) ? 'This form has expired. Enter the code again.' : out?.error_description) ??
      'Something went wrong. Try again.')
    : undefined;
  const prefill = typeof ctx.query.prefill === 'string' && prefillPattern.test(ctx.query.prefill) ? ctx.query.prefill : undefined;
  const value = (err as { userCode?: string } | undefined)?.userCode ?? prefill ?? '';
  ctx.body = page(
    'Connect a device',
    html`<h1>Connect a device</h1>
<p class="lead">${prefill ? 'Check that this code matches the one shown on your device.' : 'Enter the code shown on your terminal or device.'}</p>
${message ? html`<p class="alert" role="alert" id="code-error">${message}</p>` : ''}
<form method="post" action="${ctx.oidc.urlFor('code_verification')}">
<input type="hidden" name="xsrf" value="${secret}">
<input type="hidden" name="confirm" value="yes">
<label for="user_code">Device code</label>
<input id="user_code" class="code" type="text" name="user_code" required autofocus maxlength="32" autocomplete="one-time-code"
  autocapitalize="characters" spellcheck="false" placeholder="XXXX-XXXX" aria-describedby="${message ? 'code-error ' : ''}code-hint"${message ? html` aria-invalid="true"` : ''}
  value="${value}">
<p class="hint" id="code-hint">8 letters, like BDFG-HJKL. The dash is optional.</p>
<div class="actions"><button type="submit">Continue</button></div>
</form>`,
    { step: 1 },
  );
}

/**
 * oidc-provider's own confirmation step. Our code form always submits `confirm`, and the
 * confirmation (client, device, approve / deny) comes after sign-in instead, so this only
 * renders if someone posts the code form without it.
 */
export async function userCodeConfirmSource(ctx: KoaContextWithOIDC, form: string) {
  ctx.body = page(
    'Continue',
    html`<h1>Continue</h1><p class="lead">Continue to sign in.</p>${raw(form)}<div class="actions"><button type="submit" form="op.deviceConfirmForm">Continue</button></div>`,
    { step: 1 },
  );
}

/** The end: the device has been approved and will get its tokens at its next poll. */
export async function successSource(ctx: KoaContextWithOIDC) {
  const name = ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId ?? 'Your device';
  ctx.body = page(
    'Device connected',
    html`<div class="result">${icons.check}</div>
<h1>Device connected</h1>
<p><strong>${name}</strong> is now signed in.</p>
<p class="lead">You can close this page and return to your device.</p>`,
    { step: 4 },
  );
}

function deniedPage(ctx: KoaContextWithOIDC) {
  ctx.body = page(
    'Login denied',
    html`<div class="result denied">${icons.cross}</div>
<h1>Login denied</h1>
<p>The device was not signed in.</p>
<p class="lead">You can close this page. If you did not start this login, someone may have sent you the code: do not enter it again.</p>`,
  );
}

/** Error page for browser requests oidc-provider rejects (JSON clients get RFC 6749 JSON). */
export async function renderError(ctx: KoaContextWithOIDC, out: ErrorOut) {
  ctx.type = 'html';
  // The code form's anti-forgery token did not match (an old tab, or a post from another site).
  ctx.body = isDeviceFormExpired(out)
    ? page(
        'Form expired',
        html`<h1>This form has expired</h1>
<p>The page was open too long or was used in another tab, so nothing was sent.</p>
<p><a href="${ctx.oidc.urlFor('code_verification')}">Enter your code again</a></p>`,
      )
    : page(
        'Something went wrong',
        html`<h1>Something went wrong</h1>
<p class="alert" role="alert">${out.error_description ?? out.error}</p>
<p><a href="${ctx.oidc.urlFor('code_verification')}">Start again</a></p>`,
      );
}
