import type { z } from 'zod';
import { PG_URL_ENV } from './features-schema';
import type { ConfigFileName, ConfigIssue, ConfigPath } from './config-files';

// Zod's default messages ("Invalid input: expected number, received string")
// are written for developers; config problems are read by operators, so
// each issue is rephrased as "expected X, got <the value they wrote>".

/** Keys that would put the desk database's location or login into sync settings. */
const DATABASE_KEY = /url|uri|dsn|host|port|user|password|passwd|database|connection/i;
/** Keys that look like credentials anywhere in any file. */
const SECRET_KEY = /password|passwd|secret|token|api_?key|passphrase|private_?key|credential/i;

/**
 * Why an unknown key is rejected when it looks like a secret, so the message
 * says where the value belongs instead of just "unknown key".
 */
export function secretKeyMessage(file: ConfigFileName, objectPath: ConfigPath, key: string): string | null {
  if (file === 'features' && objectPath.length === 1 && objectPath[0] === 'sync' && DATABASE_KEY.test(key)) {
    return `not allowed in config: the Postgres URL and credentials come only from the ${PG_URL_ENV} environment variable`;
  }
  if (SECRET_KEY.test(key)) return 'not allowed in config: secrets never go in config files';
  return null;
}

/** Turns a zod error for one file into one issue per problem (one per unknown key). */
export function describeZodIssues(file: ConfigFileName, error: z.ZodError, input: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ file, path: [...path, key], message: secretKeyMessage(file, path, key) ?? 'unknown key' });
      }
      continue;
    }
    out.push({ file, path, message: describeIssue(issue, path, valueAt(input, path)) });
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue, path: ConfigPath, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = describeExpected(issue.expected);
      if (value === undefined) return `missing required key (expected ${expected})`;
      if (path.length === 0 && value === null) return `the file is empty (expected ${expected})`;
      return `expected ${expected}, got ${describeValue(value)}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map(String).join('|')}, got ${describeValue(value)}`;
    case 'too_small':
      return `${describeBound('min', issue.origin, Number(issue.minimum), issue.inclusive ?? true)}, got ${describeSize(issue.origin, value)}`;
    case 'too_big':
      return `${describeBound('max', issue.origin, Number(issue.maximum), issue.inclusive ?? true)}, got ${describeSize(issue.origin, value)}`;
    case 'invalid_format':
      return `${issue.message}, got ${describeValue(value)}`;
    case 'invalid_key': {
      const inner = issue.issues[0];
      return `invalid key: ${inner?.message ?? issue.message}`;
    }
    case 'custom': {
      // Refinements on a single value (isMetricName) carry the "expected" text only.
      const withValue = issue.message.startsWith('expected ') && value !== undefined && !isObject(value);
      return withValue ? `${issue.message}, got ${describeValue(value)}` : issue.message;
    }
    default:
      return issue.message;
  }
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'true or false';
    case 'object':
    case 'record':
      return 'a mapping';
    case 'array':
      return 'a list';
    default:
      return expected;
  }
}

function describeBound(kind: 'min' | 'max', origin: string, bound: number, inclusive: boolean): string {
  if (origin === 'array') {
    return kind === 'min' ? `expected at least ${bound} item${bound === 1 ? '' : 's'}` : `expected at most ${bound} items`;
  }
  if (origin === 'string') {
    if (kind === 'min' && bound === 1) return 'expected a non-empty string';
    return kind === 'min' ? `expected at least ${bound} characters` : `expected at most ${bound} characters`;
  }
  if (kind === 'min') return inclusive ? `expected a number >= ${bound}` : `expected a number > ${bound}`;
  return inclusive ? `expected a number <= ${bound}` : `expected a number < ${bound}`;
}

function describeSize(origin: string, value: unknown): string {
  if (origin === 'array' && Array.isArray(value)) return `${value.length} item${value.length === 1 ? '' : 's'}`;
  return describeValue(value);
}

/** How a YAML value reads back to the person who wrote it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

/** The raw value at `path`, or undefined where the path leaves the data. */
export function valueAt(input: unknown, path: ConfigPath): unknown {
  let node = input;
  for (const part of path) {
    if (!isObject(node) || !Object.hasOwn(node as object, part)) return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}
