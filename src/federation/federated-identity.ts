import { z } from 'zod';

/**
 * A platform identity a client accepts as itself: tokens from `issuer` whose `sub` is exactly
 * `subject`, whose `aud` contains `audience` (default: tollgate's issuer URL) and whose claims
 * named in `conditions` have exactly the given values.
 */
export interface FederatedIdentity {
  issuer: string;
  subject: string;
  audience?: string;
  conditions?: Readonly<Record<string, string>>;
}

// A claim path: a claim name, or names joined by dots into nested objects (kubernetes.io.namespace).
const claimPath = z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,127}$/, 'must be a claim name (letters, digits, _ . : / -)');
const claimValue = z.string().min(1).max(512);

export const federatedIdentitySchema = z
  .object({
    issuer: z.url({ protocol: /^https?$/ }).max(512),
    subject: z.string().min(1).max(512),
    audience: z.string().min(1).max(512).optional(),
    conditions: z
      .record(claimPath, claimValue)
      .refine((conditions) => Object.keys(conditions).length <= 20, 'at most 20 conditions')
      .refine((conditions) => !('sub' in conditions || 'iss' in conditions || 'aud' in conditions), 'iss, sub and aud have their own fields')
      .optional(),
  })
  .strict();

export const federatedIdentities = z.array(federatedIdentitySchema).max(20);

/**
 * The value at a claim path. Claim names may themselves contain dots (Kubernetes puts its
 * claims under `kubernetes.io`), so each step takes the longest claim name the path starts with.
 */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  const names = Object.keys(claims)
    .filter((name) => path.startsWith(`${name}.`))
    .sort((a, b) => b.length - a.length);
  for (const name of names) {
    const inner = claims[name];
    if (typeof inner === 'object' && inner !== null && !Array.isArray(inner)) {
      const value = claimAt(inner as Record<string, unknown>, path.slice(name.length + 1));
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/** Conditions compare exactly with strings; a number or boolean claim compares as its JSON text. */
export function conditionHolds(claims: Record<string, unknown>, path: string, expected: string): boolean {
  const value = claimAt(claims, path);
  if (typeof value === 'string') return value === expected;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value) === expected;
  return false;
}
