import { readFileSync } from 'node:fs';

import { AppError } from '../errors.ts';
import type { Values } from './command.ts';

/** A repeatable option, each value also split on commas and spaces: `--scope a,b --scope c`. */
export function listOption(values: Values, name: string): string[] | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const items = (Array.isArray(raw) ? raw : [raw]).map(String).flatMap((item) => item.split(/[\s,]+/));
  return items.filter(Boolean);
}

export function stringOption(values: Values, name: string): string | undefined {
  const raw = values[name];
  return raw === undefined ? undefined : String(raw);
}

/** A server address from an option or its variable, without a trailing slash; a usage error when it is not an http(s) URL. */
export function urlOption(values: Values, name: string, fallback: string | undefined): string | undefined {
  const text = stringOption(values, name) ?? fallback;
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new AppError('usage', `--${name}: "${text}" is not an http(s) URL`);
  return text.replace(/\/$/, '');
}

/**
 * `--max-priority default=5,nightly=8`, or the same as JSON, or `none` to remove it. Values
 * are checked by the server, which names the offending queue.
 */
export function maxPriorityOption(values: Values): Record<string, unknown> | null | undefined {
  const text = stringOption(values, 'max-priority');
  if (text === undefined) return undefined;
  if (text === 'none') return null;
  if (text.trim().startsWith('{')) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new AppError('usage', '--max-priority: not valid JSON');
    }
  }
  const result: Record<string, unknown> = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const [queue, priority] = pair.split('=');
    if (!queue || priority === undefined || !/^-?\d+(\.\d+)?$/.test(priority.trim())) {
      throw new AppError('usage', `--max-priority: "${pair}" is not queue=priority`);
    }
    result[queue.trim()] = Number(priority);
  }
  return result;
}

/** `--flag none` clears a field (null); anything else is the new value. */
export function clearableOption(values: Values, name: string): string | null | undefined {
  const text = stringOption(values, name);
  return text === 'none' ? null : text;
}

export function jsonFileOption(values: Values, name: string): unknown {
  const file = stringOption(values, name);
  if (file === undefined) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new AppError('usage', `--${name}: cannot read JSON from ${file}: ${(error as Error).message}`);
  }
}

/** Drops undefined entries so only the options given are sent. */
export function defined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
