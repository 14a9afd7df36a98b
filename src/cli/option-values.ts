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
export function maxPriorityOption(values: Values, name = 'max-priority'): Record<string, unknown> | null | undefined {
  const text = stringOption(values, name);
  if (text === undefined) return undefined;
  if (text === 'none') return null;
  if (text.trim().startsWith('{')) return jsonObjectOption(text, name);
  const result: Record<string, unknown> = {};
  for (const pair of text.split(',').filter(Boolean)) {
    const [queue, priority] = pair.split('=');
    if (!queue || priority === undefined || !/^-?\d+(\.\d+)?$/.test(priority.trim())) {
      throw new AppError('usage', `--${name}: "${pair}" is not queue=priority`);
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

/** A whole number of seconds; `none` clears the field (null). */
export function secondsOption(values: Values, name: string): number | null | undefined {
  const text = clearableOption(values, name);
  if (text === null || text === undefined) return text;
  if (!/^\d+$/.test(text)) throw new AppError('usage', `--${name}: expected a whole number of seconds, got "${text}"`);
  return Number(text);
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

/**
 * `--federated issuer=URL,subject=SUB[,audience=AUD][,claim.NAME=VALUE...]` (repeatable), or
 * each as a JSON object, or `none` to remove them all. The server checks the values.
 */
export function federatedOption(values: Values): Array<Record<string, unknown>> | undefined {
  const raw = values.federated;
  if (raw === undefined) return undefined;
  const items = (Array.isArray(raw) ? raw : [raw]).map(String);
  if (items.length === 1 && items[0] === 'none') return [];
  return items.map((item) => {
    if (item.trim().startsWith('{')) return jsonObjectOption(item, 'federated');
    const identity: Record<string, unknown> = {};
    const conditions: Record<string, string> = {};
    for (const pair of item.split(',').filter(Boolean)) {
      const at = pair.indexOf('=');
      const key = pair.slice(0, at).trim();
      const value = pair.slice(at + 1);
      if (at <= 0) throw new AppError('usage', `--federated: "${pair}" is not key=value`);
      if (key.startsWith('claim.') && key.length > 6) conditions[key.slice(6)] = value;
      else if (key === 'issuer' || key === 'subject' || key === 'audience') identity[key] = value;
      else throw new AppError('usage', `--federated: unknown key "${key}" (issuer, subject, audience, claim.NAME)`);
    }
    return Object.keys(conditions).length > 0 ? { ...identity, conditions } : identity;
  });
}

/** An option value given as a JSON object; the server checks its members. */
function jsonObjectOption(text: string, name: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new AppError('usage', `--${name}: not valid JSON`);
  }
}
