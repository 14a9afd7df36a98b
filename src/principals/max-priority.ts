import { z } from 'zod';

import { parseInput } from '../parse-input.ts';

/** Queue name -> highest priority its holder may use (the Testflinger model). */
export type MaxPriority = Readonly<Record<string, number>>;

const queueName = /^[A-Za-z0-9][A-Za-z0-9._:*-]{0,127}$/;
const maxQueues = 256;

/**
 * What a valid `max_priority` looks like, for documents (OpenAPI) and views: `maxPrioritySchema`
 * checks the same with messages naming the queue at fault, which JSON Schema cannot express.
 */
export const maxPriorityShape = z.record(z.string().regex(queueName), z.number().int().min(0)).meta({ maxProperties: maxQueues });

/**
 * The one schema of a `max_priority` value (admin API, seed, registration terms, token claims).
 * A problem with one entry is reported at `<field>.<queue>`. The output is a fresh plain object,
 * so callers never keep a reference to input.
 */
export const maxPrioritySchema = z.unknown().transform((value, ctx): MaxPriority => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be an object mapping queue names to non-negative integers' });
    return z.NEVER;
  }
  const entries = Object.entries(value);
  if (entries.length > maxQueues) {
    ctx.addIssue({ code: 'custom', message: `at most ${maxQueues} queues` });
    return z.NEVER;
  }
  const result: Record<string, number> = {};
  for (const [queue, priority] of entries) {
    if (!queueName.test(queue)) {
      ctx.addIssue({
        code: 'custom',
        path: [queue],
        message: 'queue names are 1-128 characters of letters, digits and . _ : * -, starting with a letter or digit',
      });
      return z.NEVER;
    }
    if (typeof priority !== 'number' || !Number.isSafeInteger(priority) || priority < 0) {
      ctx.addIssue({ code: 'custom', path: [queue], message: 'priority must be a non-negative integer' });
      return z.NEVER;
    }
    result[queue] = priority;
  }
  return result;
});

/** Validates a `max_priority` value outside a larger schema (e.g. a token claim). */
export function parseMaxPriority(value: unknown, field = 'max_priority'): MaxPriority {
  return parseInput(maxPrioritySchema, value, field);
}
