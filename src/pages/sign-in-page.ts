import type { Context } from 'koa';

import type { UpstreamRegistry } from '../upstreams/upstream-registry.ts';
import { loginPage, type LoginView } from './interaction-pages.ts';
import { sendPage } from './notice-pages.ts';
import { contentSecurityPolicy } from './page-headers.ts';

/**
 * A sign-in page (a device login's, or the token pages'): the password form when
 * `passwordSignIn` is on and one button per upstream, whose authorization endpoints the CSP
 * must let the form's redirect reach.
 */
export function sendSignInPage(
  ctx: Context,
  signIn: { upstreams: UpstreamRegistry; passwordSignIn: boolean },
  status: number,
  view: Omit<LoginView, 'password' | 'upstreams'>,
): void {
  const upstreams = signIn.upstreams.list;
  if (upstreams.length) ctx.set('content-security-policy', contentSecurityPolicy(upstreams.map((upstream) => upstream.authorizationOrigin())));
  sendPage(
    ctx,
    status,
    loginPage({ ...view, password: signIn.passwordSignIn, upstreams: upstreams.map(({ settings }) => ({ id: settings.id, name: settings.name })) }),
  );
}
