/**
 * Just enough of a browser to walk server-rendered HTML pages: keeps cookies, follows
 * redirects, reads the first form of a page and submits it. The device-flow driver uses it so
 * it does not depend on the exact shape of the sign-in pages, only on their form fields.
 */
export interface Page {
  status: number;
  url: string;
  html: string;
}

export interface Form {
  action: string;
  method: string;
  fields: Array<{ name: string; value: string; type: string }>;
  buttons: Array<{ name: string; value: string }>;
}

export interface FormBrowser {
  get(url: string): Promise<Page>;
  submit(page: Page, form: Form, values: Record<string, string>, button?: { name: string; value: string }): Promise<Page>;
  /** HTTP requests made so far. */
  requests: number;
}

export function createFormBrowser(): FormBrowser {
  const jar = new Map<string, string>();
  const browser: FormBrowser = { get: (url) => navigate(url, 'GET'), submit, requests: 0 };

  async function navigate(url: string, method: string, body?: URLSearchParams): Promise<Page> {
    let current = url;
    let currentMethod = method;
    let currentBody = body;
    for (let hop = 0; hop < 10; hop += 1) {
      browser.requests += 1;
      const response = await fetch(current, {
        method: currentMethod,
        redirect: 'manual',
        headers: {
          accept: 'text/html',
          ...(jar.size > 0 ? { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') } : {}),
          ...(currentBody ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(currentBody ? { body: currentBody } : {}),
      });
      keepCookies(response.headers.getSetCookie());
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.arrayBuffer();
        current = new URL(location, current).href;
        currentMethod = 'GET';
        currentBody = undefined;
        continue;
      }
      return { status: response.status, url: current, html: await response.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  function keepCookies(lines: string[]) {
    for (const line of lines) {
      const [pair = '', ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute) || /^\s*expires=Thu, 01 Jan 1970/i.test(attribute));
      if (!value || expired) jar.delete(name);
      else jar.set(name, value);
    }
  }

  async function submit(page: Page, form: Form, values: Record<string, string>, button?: { name: string; value: string }) {
    const body = new URLSearchParams();
    for (const field of form.fields) body.append(field.name, values[field.name] ?? field.value);
    if (button?.name) body.append(button.name, button.value);
    const target = new URL(form.action || page.url, page.url).href;
    return form.method === 'get' ? navigate(`${target}?${body}`, 'GET') : navigate(target, 'POST', body);
  }

  return browser;
}

/** The forms of a page, with their named inputs and submit buttons. */
export function readForms(html: string): Form[] {
  const forms: Form[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attributes = readAttributes(match[1] ?? '');
    const inner = match[2] ?? '';
    const fields: Form['fields'] = [];
    for (const input of inner.matchAll(/<input\b([^>]*)>/gi)) {
      const field = readAttributes(input[1] ?? '');
      const type = (field.type ?? 'text').toLowerCase();
      if (!field.name || type === 'submit' || type === 'button') continue;
      if ((type === 'checkbox' || type === 'radio') && !('checked' in field)) continue;
      fields.push({ name: field.name, value: field.value ?? '', type });
    }
    const buttons: Form['buttons'] = [];
    for (const button of inner.matchAll(/<button\b([^>]*)>/gi)) {
      const fieldAttributes = readAttributes(button[1] ?? '');
      if ((fieldAttributes.type ?? 'submit').toLowerCase() !== 'submit') continue;
      buttons.push({ name: fieldAttributes.name ?? '', value: fieldAttributes.value ?? '' });
    }
    forms.push({ action: attributes.action ?? '', method: (attributes.method ?? 'get').toLowerCase(), fields, buttons });
  }
  return forms;
}

function readAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of text.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
    attributes[(match[1] as string).toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? '');
  }
  return attributes;
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_whole, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] as string;
  });
}
