import type { Context } from 'koa';
import { errors } from 'oidc-provider';

import { sendBadRequest } from './notice-pages.ts';
import { renderProtocolError } from '../http/render-protocol-error.ts';

/**
 * oidc-provider builds its URLs (discovery, the code form's action, the audiences a client
 * assertion may name) from the request's origin: koa's protocol and `Host` (or, behind a trusted
 * proxy, `X-Forwarded-Proto` / `X-Forwarded-Host`), as koa's `href`. One that is no origin (`%%`, `a b`, `[::1`,
 * `x:99999`) made `new URL` throw inside it: a 500 with a stack in the log. RFC 9112 §3.2: a
 * request with an invalid Host is answered 400, here before anything reads it.
 *
 * The answer depends on the header values alone (and on TLS, which is the server's), so it is
 * remembered per raw value as sent: a request with a Host seen before costs one lookup, not
 * koa's getters and a string built from them. The memory is bounded as the route lookup's is.
 * Returns whether it answered the request (with a 400).
 */
export function createValidHost(): (ctx: Context) => boolean {
  const known = new Map<string, boolean>();
  return function validHost(ctx: Context) {
    const { req } = ctx;
    const target = req.url ?? '';
    let valid: boolean | undefined;
    // koa's href: protocol and host, or the request target itself when it is absolute (RFC 9112 §3.2.2).
    if (target.charCodeAt(0) !== slash && absoluteTarget.test(target)) valid = URL.canParse(target);
    else {
      const key = originInputs(ctx);
      valid = key === undefined ? undefined : known.get(key);
      if (valid === undefined) {
        valid = isOrigin(`${ctx.protocol}://${ctx.host}`);
        if (key !== undefined) {
          if (known.size >= maxRememberedOrigins) known.clear();
          known.set(key, valid);
        }
      }
    }
    if (valid) return false;
    if (ctx.accepts('json', 'html') === 'html') sendBadRequest(ctx, 400, 'The request named no valid host.');
    else renderProtocolError(ctx as Parameters<typeof renderProtocolError>[0], new errors.InvalidRequest('the Host header is not a valid host'));
    return true;
  };
}

const maxRememberedOrigins = 100;
const absoluteTarget = /^https?:\/\//i;
const slash = 0x2f;

/**
 * What koa's `protocol` and `host` are read from, as one key: `Host` as sent, on TLS or not, and
 * behind a trusted proxy `X-Forwarded-Host` and `X-Forwarded-Proto` too. The separators and the
 * mark of an absent header are characters no header value may hold. Undefined for HTTP/2, whose
 * `:authority` koa reads instead: not remembered.
 */
function originInputs(ctx: Context): string | undefined {
  const { req } = ctx;
  if (req.httpVersionMajor >= 2) return undefined;
  const { headers } = req;
  const host = headers.host ?? absent;
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  if (!ctx.app.proxy) return tls ? `\n${host}` : host;
  return `${tls ? 'https' : 'http'}\n${host}\n${headers['x-forwarded-host'] ?? absent}\n${headers['x-forwarded-proto'] ?? absent}`;
}
const absent = '\r';

/** Whether `origin` is a scheme and a host (with an optional port) and nothing else. */
function isOrigin(origin: string): boolean {
  if (!URL.canParse(origin)) return false;
  const url = new URL(origin);
  return (
    url.origin !== 'null' && url.pathname === '/' && url.username === '' && url.password === '' && url.search === '' && url.hash === '' && !origin.endsWith('/')
  );
}
