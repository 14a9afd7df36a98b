import { z } from 'zod';

/**
 * A platform identity a client accepts as itself: tokens from `issuer` whose `sub` is exactly
 * `subject`, whose `aud` contains `audience` (default: tollgate's issuer URL) and whose claims
 * named in `conditions` have exactly the given values.
 */
export interface FederatedIdentity {
  issuer: string;
  /**
   * Absent only on a trusted publisher's GitHub Actions identity (trusted-publishers/): GitHub's
   * `sub` spells the repository's name, which is recycled, so the immutable ids in `conditions`
   * stand in for it. Such an identity matches any `sub` but only with conditions. Clients given
   * through the admin API, CLI or seed always have one (federatedIdentitySchema requires it).
   */
  subject?: string;
  audience?: string;
  conditions?: Readonly<Record<string, string>>;
}

// A claim path (see claimAt): member names joined by dots; `\.` is a dot inside a name.
const claimPath = z
  .string()
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.:/\\-]{0,127}$/, 'must be a claim name (letters, digits, _ . : / -, and \\. for a dot inside a name)')
  .refine((path) => splitClaimPath(path).every((segment) => segment !== ''), 'has an empty step (two dots in a row, or a dot at the end)');
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

/** A claim path's steps: split at every dot not escaped as `\.`, which stands for a dot in a name. */
function splitClaimPath(path: string): string[] {
  return path.split(/(?<!\\)\./).map((segment) => segment.replaceAll('\\.', '.'));
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The value at a claim path, read one way only (issue 21): the last step is always one member
 * of the object the earlier steps lead to, never a flat claim whose name spells the whole path.
 * So `kubernetes.io.namespace` is the `namespace` member of the `kubernetes.io` object, and a
 * top-level claim literally named `kubernetes.io.namespace` is not it (write that one as
 * `kubernetes\.io\.namespace`). An earlier step may take several segments to name an object
 * member whose name has dots (Kubernetes' `kubernetes.io`): the longest such name wins. Only own
 * members count.
 */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  const segments = splitClaimPath(path);
  const last = segments.length - 1;
  let current: unknown = claims;
  let step = 0;
  while (step < last) {
    const here = current;
    if (!isObject(here)) return undefined;
    let taken = 0;
    for (let length = last - step; length >= 1 && taken === 0; length--) {
      const name = segments.slice(step, step + length).join('.');
      if (Object.hasOwn(here, name) && isObject(here[name])) {
        current = here[name];
        taken = length;
      }
    }
    if (taken === 0) return undefined;
    step += taken;
  }
  const name = segments[last] as string;
  return isObject(current) && Object.hasOwn(current, name) ? current[name] : undefined;
}

/** Conditions compare exactly with strings; a number or boolean claim compares as its JSON text. */
export function conditionHolds(claims: Record<string, unknown>, path: string, expected: string): boolean {
  const value = claimAt(claims, path);
  if (typeof value === 'string') return value === expected;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value) === expected;
  return false;
}
