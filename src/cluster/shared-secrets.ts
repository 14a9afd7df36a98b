import { randomBytes } from 'node:crypto';

import { generateClientSecret } from '../clients/client-secret.ts';
import type { Config } from '../config/schema.ts';
import { generateSigningKey } from '../keys/signing-keys.ts';

export interface SharedSecrets {
  /** Variables every worker gets, so they all hold the same generated values. */
  env: Record<string, string>;
  /** Which unconfigured settings were generated, for the start-up warnings. */
  generated: { signingKeys: boolean; cookieKeys: boolean };
  /** The demo credentials the workers will write, for the banner. */
  demo: { clientSecret: string; password: string } | undefined;
}

/**
 * In multi-process mode, everything a single process would make up at random is made up once,
 * here in the primary, and handed to every worker through its environment: otherwise each
 * worker would sign with its own ephemeral key (tokens from one failing at the JWKS of another),
 * sign cookies with its own key (device-login pages breaking between steps) and write its own
 * demo secret over the others'. Configured values are left alone.
 */
export async function prepareSharedSecrets(config: Config): Promise<SharedSecrets> {
  const env: Record<string, string> = {};
  const generated = { signingKeys: false, cookieKeys: false };

  if (config.keys.source === 'file' && !config.keys.jwks && !config.keys.jwksFile) {
    const keys = await Promise.all((['ES256', 'RS256', 'EdDSA'] as const).map(generateSigningKey));
    env.TOLLGATE_JWKS = JSON.stringify({ keys });
    generated.signingKeys = true;
  }
  if (config.cookieKeys.length === 0) {
    env.TOLLGATE_COOKIE_KEYS = randomBytes(32).toString('base64url');
    generated.cookieKeys = true;
  }

  let demo: SharedSecrets['demo'];
  if (config.demo) {
    demo = { clientSecret: config.demoSecret ?? generateClientSecret(), password: config.demoPassword ?? randomBytes(12).toString('base64url') };
    env.TOLLGATE_DEMO_SECRET = demo.clientSecret;
    env.TOLLGATE_DEMO_PASSWORD = demo.password;
  }
  return { env, generated, demo };
}
