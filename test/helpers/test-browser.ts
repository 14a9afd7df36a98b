/**
 * A minimal browser for tests: fetch with a cookie jar (path-scoped, expiry honoured) that
 * follows redirects itself, and a form parser good enough for the device-login pages.
 */

interface Cookie {
  name: string;
  /** Cookies are per host (two servers on one machine must not see each other's). */
  host: string;
  value: string;
  path: string;
  expires: number;
}

export interface Page {
  status: number;
  url: string;
  headers: Headers;
  html: string;
  /** The visible text, tags stripped and whitespace collapsed. */
  text: string;
}

export interface Form {
  method: string;
  action: string;
  fields: Record<string, string>;
  buttons: Array<{ name: string; value: string; text: string }>;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27|apos);/g, (_match, name: string) => entities[name] as string);
}

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of tag.matchAll(/([a-zA-Z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
    const name = (match[1] as string).toLowerCase();
    out[name] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return out;
}

export function visibleText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

export function parseForms(html: string, baseUrl: string): Form[] {
  const forms: Form[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(match[1] as string);
    const body = match[2] as string;
    const fields: Record<string, string> = {};
    for (const input of body.matchAll(/<input\b([^>]*)>/gi)) {
      const a = attributes((input[1] as string).replace(/\/$/, ''));
      // A check box or radio button is sent only when checked, "on" when it has no value.
      if (a.type === 'checkbox' || a.type === 'radio') {
        if (a.name && 'checked' in a) fields[a.name] = a.value ?? 'on';
      } else if (a.name && a.type !== 'submit') fields[a.name] = a.value ?? '';
    }
    for (const select of body.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/gi)) {
      const options = [...(select[2] as string).matchAll(/<option\b([^>]*)>/gi)].map((option) => attributes(option[1] as string));
      const name = attributes(select[1] as string).name;
      const chosen = options.find((option) => 'selected' in option) ?? options[0];
      if (name && chosen) fields[name] = chosen.value ?? '';
    }
    const buttons = [...body.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)].map((button) => {
      const a = attributes(button[1] as string);
      return { name: a.name ?? '', value: a.value ?? '', text: visibleText(button[2] as string) };
    });
    forms.push({ method: (attrs.method ?? 'get').toUpperCase(), action: new URL(attrs.action ?? '', baseUrl).href, fields, buttons });
  }
  return forms;
}

export class TestBrowser {
  readonly jar = new Map<string, Cookie>();
  readonly userAgent: string;
  readonly extraHeaders: Record<string, string>;

  constructor(options: { userAgent?: string; headers?: Record<string, string> } = {}) {
    this.userAgent = options.userAgent ?? 'tollgate-test-browser/1.0';
    this.extraHeaders = options.headers ?? {};
  }

  private cookieHeader(url: URL): string {
    const now = Date.now();
    const pairs: string[] = [];
    for (const [key, cookie] of this.jar) {
      if (cookie.expires <= now) {
        this.jar.delete(key);
        continue;
      }
      if (cookie.host !== url.host) continue;
      const { name } = cookie;
      if (url.pathname === cookie.path || url.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`) || cookie.path === '/') {
        pairs.push(`${name}=${cookie.value}`);
      }
    }
    return pairs.join('; ');
  }

  private store(url: URL, headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair, ...parts] = line.split(';').map((part) => part.trim());
      const index = (pair as string).indexOf('=');
      const name = (pair as string).slice(0, index);
      const value = (pair as string).slice(index + 1);
      let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
      let expires = Infinity;
      for (const part of parts) {
        const [key, attr = ''] = part.split('=');
        const lowered = (key as string).toLowerCase();
        if (lowered === 'path') path = attr;
        if (lowered === 'expires') expires = Date.parse(attr);
        if (lowered === 'max-age') expires = Date.now() + Number(attr) * 1000;
      }
      const key = `${url.host} ${name}`;
      if (expires <= Date.now() || value === '') this.jar.delete(key);
      else this.jar.set(key, { name, host: url.host, value, path, expires });
    }
  }

  /**
   * One request, following redirects (303/302 turn into GET) like a browser does. `raw` sends a
   * body as given, with the content type in `headers` (what a script, not a browser, might post).
   * `stopAt` stops before a redirect whose target matches.
   */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; raw?: string; headers?: Record<string, string>; stopAt?: RegExp } = {},
  ): Promise<Page> {
    let target = new URL(url);
    let method = init.method ?? (init.form || init.raw !== undefined ? 'POST' : 'GET');
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : init.raw;
    for (let hops = 0; hops < 10; hops++) {
      const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'text/html', ...this.extraHeaders, ...init.headers };
      const cookie = this.cookieHeader(target);
      if (cookie) headers.cookie = cookie;
      if (body !== undefined) headers['content-type'] ??= 'application/x-www-form-urlencoded';
      const response = await fetch(target, { method, headers, body, redirect: 'manual' });
      this.store(target, response.headers);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        target = new URL(location, target);
        // Stops before a redirect whose target matches: the page's url is where it would go.
        if (init.stopAt?.test(target.href)) return { status: response.status, url: target.href, headers: response.headers, html: '', text: '' };
        if (response.status !== 307 && response.status !== 308) {
          method = 'GET';
          body = undefined;
        }
        continue;
      }
      const html = await response.text();
      return { status: response.status, url: target.href, headers: response.headers, html, text: visibleText(html) };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /**
   * Submits the page's form (the first one, or the one whose action matches), with `values`
   * over its fields; `button` names the submit button whose name=value is sent.
   */
  async submit(page: Page, values: Record<string, string> = {}, options: { button?: string; action?: RegExp; stopAt?: RegExp } = {}): Promise<Page> {
    const forms = parseForms(page.html, page.url);
    const form = options.action ? forms.find((candidate) => options.action?.test(candidate.action)) : forms[0];
    if (!form) throw new Error(`no form on ${page.url}: ${page.text.slice(0, 200)}`);
    const fields = { ...form.fields, ...values };
    if (options.button) {
      const button = form.buttons.find((candidate) => candidate.value === options.button || candidate.text === options.button);
      if (!button) throw new Error(`no button ${options.button} on ${page.url}`);
      if (button.name) fields[button.name] = button.value;
    }
    return this.request(form.action, { method: form.method, form: fields, ...(options.stopAt ? { stopAt: options.stopAt } : {}) });
  }
}
