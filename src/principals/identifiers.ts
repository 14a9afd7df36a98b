import { z } from 'zod';

/**
 * Shapes of the names principals carry. Ids exclude braces (they would break the Redis Cluster
 * hash tags their keys are built with) and whitespace (they travel in Basic auth and URLs).
 */
export const principalId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'must be 1-128 letters, digits or . _ : @ -, starting with a letter or digit');

export const username = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\s\p{C}]+$/u, 'must not contain spaces or control characters');

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
export const scopeToken = z
  .string()
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/, 'must be a scope token (RFC 6749 §3.3): printable ASCII without spaces, " or \\');

/** RFC 8707 §2: a resource indicator is an absolute URI without a fragment. */
export const resourceIdentifier = z
  .string()
  .max(512)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.hash === '' && !value.includes('#');
    } catch {
      return false;
    }
  }, 'must be an absolute URI without a fragment (RFC 8707 §2)');

/** Person-facing text: names, descriptions. */
export const displayText = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');
