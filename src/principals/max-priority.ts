import { invalidField } from '../errors.ts';

/** Queue name -> highest priority its holder may use (the Testflinger model). */
export type MaxPriority = Readonly<Record<string, number>>;

const queueName = /^[A-Za-z0-9][A-Za-z0-9._:*-]{0,127}$/;
const maxQueues = 256;

/**
 * Validates a `max_priority` value, naming the offending entry as `<field>.<queue>`.
 * Returns a fresh plain object so callers never keep a reference to input.
 */
export function parseMaxPriority(value: unknown, field = 'max_priority'): MaxPriority {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidField(field, 'must be an object mapping queue names to non-negative integers');
  }
  const entries = Object.entries(value);
  if (entries.length > maxQueues) throw invalidField(field, `at most ${maxQueues} queues`);
  const result: Record<string, number> = {};
  for (const [queue, priority] of entries) {
    if (!queueName.test(queue)) {
      throw invalidField(`${field}.${queue}`, 'queue names are 1-128 characters of letters, digits and . _ : * -, starting with a letter or digit');
    }
    if (typeof priority !== 'number' || !Number.isSafeInteger(priority) || priority < 0) {
      throw invalidField(`${field}.${queue}`, 'priority must be a non-negative integer');
    }
    result[queue] = priority;
  }
  return result;
}
