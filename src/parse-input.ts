import type { z } from 'zod';

import { invalidField } from './errors.ts';

/** Validates input against a zod schema; the first problem becomes a 400 naming its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    throw invalidField(joinField(prefix, [...path, issue.keys[0] ?? '']), 'unknown field');
  }
  // A missing field "is required", unless its schema says why in a message of its own starting so.
  const message = issue.code === 'invalid_type' && issue.input === undefined && !issue.message.startsWith('is required') ? 'is required' : issue.message;
  throw invalidField(joinField(prefix, path) || 'body', message);
}

function joinField(prefix: string, path: string[]): string {
  return [prefix, ...path].filter(Boolean).join('.');
}
