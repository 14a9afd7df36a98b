import { html } from './html.ts';
import { page, type PageOptions } from './layout.ts';

export interface LoginView {
  action: string;
  csrf: string;
  error?: string;
  username?: string;
  /** Show the username and password form (the passwordSignIn setting). */
  password?: boolean;
  /** Where the upstream buttons post, and the upstreams to offer (SPEC §13). */
  upstreamAction?: string;
  upstreams?: ReadonlyArray<{ id: string; name: string }>;
  /** What the sign-in is for, under the heading; a device login's by default. */
  lead?: string;
  /** The page around the form; a device login's step 2 by default. */
  options?: PageOptions;
  /** A notice above the form (signed out, session ended). */
  notice?: string;
}

/**
 * Step 2: username and password, with the autocomplete hints password managers need, and one
 * "Continue with ..." button per upstream identity provider.
 */
export function loginPage({
  action,
  csrf,
  error,
  username,
  password = true,
  upstreamAction,
  upstreams = [],
  lead = 'Sign in to connect your device.',
  options = { step: 2 },
  notice,
}: LoginView): string {
  const passwordForm = html`<form method="post" action="${action}">
<input type="hidden" name="csrf" value="${csrf}">
<label for="username">Username</label>
<input id="username" type="text" name="username" required maxlength="256" autocomplete="username" autocapitalize="none" spellcheck="false"
  value="${username ?? ''}"${username ? '' : html` autofocus`}${error ? html` aria-describedby="login-error"` : ''}>
<label for="password">Password</label>
<input id="password" type="password" name="password" required maxlength="1024" autocomplete="current-password"${username ? html` autofocus` : ''}>
<div class="actions"><button type="submit">Sign in</button></div>
</form>`;
  const upstreamForm = upstreams.length
    ? html`${password ? html`<p class="or">or</p>` : ''}<form method="post" action="${upstreamAction ?? ''}" class="upstreams">
<input type="hidden" name="csrf" value="${csrf}">
${upstreams.map(({ id, name }) => html`<button type="submit" name="upstream" value="${id}"${password ? html` class="secondary"` : ''}>Continue with ${name}</button>`)}
</form>`
    : '';
  return page(
    'Sign in',
    html`<h1>Sign in</h1>
<p class="lead">${lead}</p>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${error ? html`<p class="alert" role="alert" id="login-error">${error}</p>` : ''}
${password ? passwordForm : ''}
${upstreamForm}`,
    options,
  );
}

export interface ConfirmView {
  action: string;
  csrf: string;
  clientName: string;
  userCode: string | undefined;
  deviceIp: string | undefined;
  deviceAgent: string | undefined;
  /** How long ago the device asked for the code, in words ("2 minutes ago"); undefined if unknown. */
  requested: string | undefined;
  /** Each API asked for (its name and identifier) with the scopes asked for on it. */
  access: Array<{ api: string; scopes: string[] }>;
  accountLabel: string;
}

/**
 * Step 3: what is asking, from where, since when, for what (RFC 8628 §5.4: the person must be
 * able to tell their own device from an attacker's), then approve or deny, with the warning
 * right above the buttons, where a person who skimmed the page still reads it.
 */
export function confirmPage(view: ConfirmView): string {
  return page(
    'Approve device',
    html`<h1>Approve this device?</h1>
<p class="lead"><strong>${view.clientName}</strong> wants to sign in as you. Approve only if you started this login yourself.</p>
<dl class="device">
<div><dt>Application</dt><dd>${view.clientName}</dd></div>
${view.userCode ? html`<div><dt>Code</dt><dd class="mono">${view.userCode}</dd></div>` : ''}
<div><dt>Device IP</dt><dd>${view.deviceIp ?? 'unknown'}</dd></div>
<div><dt>Device</dt><dd>${view.deviceAgent || 'unknown'}</dd></div>
<div><dt>Requested</dt><dd>${view.requested ?? 'unknown'}</dd></div>
${view.access.map(({ api, scopes }) => html`<div><dt>Access</dt><dd>${scopes.length ? scopes.join(', ') : 'basic access'} on ${api}</dd></div>`)}
</dl>
<form method="post" action="${view.action}">
<input type="hidden" name="csrf" value="${view.csrf}">
<div class="warning" id="phishing-warning" role="note"><strong>Approve only a login you started yourself${view.requested ? html`, ${view.requested}` : ''}, on a device you control.</strong>
If someone sent you this code or link, or asked you to enter it, choose Deny: approving would give them access as you.</div>
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary" aria-describedby="phishing-warning">Deny</button>
<button type="submit" name="decision" value="approve" aria-describedby="phishing-warning">Approve</button>
</div>
</form>
<p class="who">Signed in as ${view.accountLabel}.</p>`,
    { step: 3 },
  );
}
