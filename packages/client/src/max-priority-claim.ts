/** Queue name -> highest priority its holder may use (the Testflinger model). */
export type MaxPriority = Readonly<Record<string, number>>;

// The server's rules (src/principals/max-priority.ts), restated without zod: this package
// depends on jose alone.
const queueName = /^[A-Za-z0-9][A-Za-z0-9._:*-]{0,127}$/;
const maxQueues = 256;

/** The `max_priority` claim as a fresh frozen map, or undefined when it breaks the rules. */
export function readMaxPriorityClaim(value: unknown): MaxPriority | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length > maxQueues) return undefined;
  for (const [queue, priority] of entries) {
    if (!queueName.test(queue) || typeof priority !== 'number' || !Number.isSafeInteger(priority) || priority < 0) return undefined;
  }
  // Own properties only (Object.fromEntries defines, never assigns): a queue named `toString`
  // or `constructor` is a queue. Read it with Object.hasOwn, not `in`.
  return Object.freeze(Object.fromEntries(entries) as Record<string, number>);
}
