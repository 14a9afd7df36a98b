/**
 * A test-side browser for the device-login pages: keeps cookies, follows redirects, and submits
 * forms with every hidden input they carry (xsrf, csrf, confirm, ...) plus the fields given.
 */
export class FormBrowser {
  private readonly cookies = new Map<string, string>();

  async get(url: string): Promise<{ url: string; status: number; html: string }> {
    return this.request(url, { method: 'GET' });
  }

  /** Submits the form whose action matches, from the page at `page`. */
  async submit(page: { url: string; html: string }, action: RegExp, fields: Record<string, string>) {
    const form = parseForms(page.html).find((candidate) => action.test(candidate.action));
    if (!form) throw new Error(`no form with action ${action} on ${page.url}:\n${page.html}`);
    const body = new URLSearchParams({ ...form.hidden, ...fields });
    return this.request(new URL(form.action, page.url).href, {
      method: (form.method || 'post').toUpperCase(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }

  private async request(url: string, init: RequestInit): Promise<{ url: string; status: number; html: string }> {
    let current = url;
    let options: RequestInit = init;
    for (let hop = 0; hop < 10; hop += 1) {
      const response = await fetch(current, {
        ...options,
        redirect: 'manual',
        headers: { ...(options.headers as Record<string, string>), cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
      });
      for (const header of response.headers.getSetCookie()) {
        const [pair] = header.split(';');
        const [name, ...rest] = (pair as string).split('=');
        const value = rest.join('=');
        if (/expires=Thu, 01 Jan 1970/i.test(header) || value === '') this.cookies.delete((name as string).trim());
        else this.cookies.set((name as string).trim(), value);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        current = new URL(location, current).href;
        options = { method: 'GET' };
        continue;
      }
      return { url: current, status: response.status, html: await response.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

interface ParsedForm {
  action: string;
  method: string;
  hidden: Record<string, string>;
}

function parseForms(html: string): ParsedForm[] {
  const forms: ParsedForm[] = [];
  for (const [, attributes, inner] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const hidden: Record<string, string> = {};
    for (const [input] of (inner as string).matchAll(/<input\b[^>]*>/gi)) {
      if (!/type="hidden"/i.test(input)) continue;
      const name = attribute(input, 'name');
      if (name) hidden[name] = decodeEntities(attribute(input, 'value') ?? '');
    }
    forms.push({ action: decodeEntities(attribute(attributes as string, 'action') ?? ''), method: attribute(attributes as string, 'method') ?? 'post', hidden });
  }
  return forms;
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(tag)?.[1];
}

function decodeEntities(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Completes a device login in the pages: code, sign-in, approve (or deny). */
export async function approveDevice(
  verificationUri: string,
  userCode: string,
  credentials: { username: string; password: string },
  decision: 'approve' | 'deny' = 'approve',
): Promise<{ status: number; html: string }> {
  const browser = new FormBrowser();
  const codePage = await browser.get(verificationUri);
  const signIn = await browser.submit(codePage, /\/device/, { user_code: userCode, confirm: 'yes' });
  const confirm = await browser.submit(signIn, /\/login$/, credentials);
  return browser.submit(confirm, /\/confirm$/, { decision });
}

/** A whole device login over HTTP for a public client; returns the token response. */
export async function deviceLogin(issuer: string, clientId: string, credentials: { username: string; password: string }): Promise<Record<string, unknown>> {
  const started = await fetch(`${issuer}/device/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId }),
  });
  const authorization = (await started.json()) as { device_code: string; user_code: string; verification_uri: string };
  if (!started.ok) throw new Error(`device authorization failed: ${JSON.stringify(authorization)}`);
  const done = await approveDevice(authorization.verification_uri, authorization.user_code, credentials);
  if (done.status !== 200) throw new Error(`device pages ended with ${done.status}: ${done.html}`);
  const response = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: authorization.device_code, client_id: clientId }),
  });
  const tokens = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`device token failed: ${JSON.stringify(tokens)}`);
  return tokens;
}
