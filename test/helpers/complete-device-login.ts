import { createFormBrowser, readForms, type Page } from './html-form-browser.ts';

export interface DeviceLoginOptions {
  url: string;
  clientId: string;
  username: string;
  password: string;
}

export interface DeviceLoginResult {
  refreshToken: string;
  /** HTTP requests the whole login took (device authorization, pages, token). */
  requests: number;
}

const approve = /^(approve|allow|accept|yes|continue|confirm)$/i;

/**
 * One complete device login over HTTP, as a person and a CLI do it (RFC 8628): the CLI asks for
 * a code, the person enters it on the verification page, signs in, approves, and the CLI
 * exchanges the device code for tokens. Throws with the step that failed.
 */
export async function completeDeviceLogin({ url, clientId, username, password }: DeviceLoginOptions): Promise<DeviceLoginResult> {
  const authorization = await postJson(`${url}/device/auth`, { client_id: clientId });
  if (authorization.status !== 200) throw new Error(`device authorization: ${authorization.status} ${authorization.text}`);
  const { device_code: deviceCode, user_code: userCode, verification_uri: verificationUri } = authorization.body as Record<string, string>;

  const browser = createFormBrowser();
  let page: Page = await browser.get(verificationUri as string);
  const values: Record<string, string> = { user_code: userCode as string, username, password };
  for (let step = 0; ; step += 1) {
    if (page.status >= 400) throw new Error(`page step ${step}: ${page.status} at ${new URL(page.url).pathname}: ${textOf(page.html)}`);
    const form = readForms(page.html)[0];
    if (!form) break; // the "device connected" page has nothing left to submit
    if (step >= 8) throw new Error(`page step ${step}: still a form at ${new URL(page.url).pathname}`);
    const button = form.buttons.find((candidate) => approve.test(candidate.value)) ?? form.buttons[0];
    page = await browser.submit(page, form, values, button);
  }

  const token = await postJson(`${url}/token`, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: deviceCode as string, client_id: clientId });
  if (token.status !== 200) throw new Error(`device code exchange: ${token.status} ${token.text}`);
  const refreshToken = (token.body as Record<string, string>).refresh_token;
  if (!refreshToken) throw new Error('device code exchange: no refresh token in the response');
  return { refreshToken, requests: browser.requests + 2 };
}

async function postJson(url: string, form: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text: text.slice(0, 300) };
}

function textOf(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/gi, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}
