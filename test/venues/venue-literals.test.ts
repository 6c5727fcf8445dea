import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXCHANGE_NAMES, knownVenueIds } from '../../src/engine/venues/registry';
import { REPO_ROOT } from '../config/helpers';

/**
 * Where a venue id may still be written as a literal outside its own folder
 * and the registry. Each entry is a whole area that does venue-specific work
 * the plug-ins do not cover yet; a new file elsewhere naming a venue fails.
 */
const ALLOWED: readonly { readonly path: string; readonly why: string }[] = [
  // The exchange simulator impersonates each venue: its wire protocols, listings and scenario data name them.
  { path: 'src/engine/simulator/', why: 'simulator protocols and scenario data' },
  // Third-party datasets name exchanges their own way (Tardis `binance-futures`, cryptofeed `BINANCE_FUTURES`).
  { path: 'src/engine/import/', why: 'Tardis / cryptofeed exchange names mapped to venue ids' },
  // select: rules fetch each venue's listings with its own REST plan; not a plug-in piece yet.
  { path: 'src/engine/discovery/', why: 'per-venue listing REST plans' },
  // The demo's schedule injects each scenario on a chosen venue.
  { path: 'src/engine/console/demo-schedule.ts', why: 'demo scenario data' },
];

/** Folders under src/engine/venues/ shared by every venue rather than one venue's own. */
const SHARED_VENUE_FOLDERS = new Set(['wire']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** A venue's own folder, or the registry: where venue ids belong. */
function isVenueOwn(file: string): boolean {
  if (file === 'src/engine/venues/registry.ts') return true;
  const match = /^src\/engine\/venues\/([^/]+)\//.exec(file);
  return match !== null && !SHARED_VENUE_FOLDERS.has(match[1]!);
}

/** Venue ids and exchange keys as string literals in code: `'okx'`, `"binance-usdm"`, a template `\`okx\``. */
function literalPattern(names: readonly string[]): RegExp {
  const alternatives = names.map((n) => n.replace(/[-]/g, '\\-')).join('|');
  return new RegExp(`(['"\`])(${alternatives})\\1`, 'g');
}

/**
 * The code of a line, without its comment: doc comments name venues as
 * examples (`binance-spot`), which is documentation, not knowledge of a venue.
 */
function codeOf(line: string): string {
  const trimmed = line.trimStart();
  if (trimmed.startsWith('*') || trimmed.startsWith('/*') || trimmed.startsWith('//')) return '';
  const comment = line.indexOf(' // ');
  return comment === -1 ? line : line.slice(0, comment);
}

function namesVenue(text: string, pattern: RegExp): boolean {
  return text.split('\n').some((line) => codeOf(line).match(pattern) !== null);
}

describe('no venue named outside its folder and the registry', () => {
  const names = [...new Set([...knownVenueIds(), ...EXCHANGE_NAMES])];
  const pattern = literalPattern(names);
  const files = ['src/engine', 'src/shared'].flatMap((d) => sourceFiles(join(REPO_ROOT, d))).map((f) => relative(REPO_ROOT, f));

  it('the check sees the venues and the sources', () => {
    expect(names).toEqual(expect.arrayContaining(['binance-spot', 'binance-usdm', 'okx', 'binance']));
    expect(files).toContain('src/shared/config/instruments-schema.ts');
    // It finds what it is looking for: the venues' own folders do name themselves.
    const own = files.filter(isVenueOwn).filter((f) => namesVenue(readFileSync(join(REPO_ROOT, f), 'utf8'), pattern));
    expect(own.length).toBeGreaterThan(0);
    expect(codeOf("  if (venue === 'okx') return; // the okx case").match(pattern)).toEqual(["'okx'"]);
    expect(codeOf(' * `okx` in a doc comment').match(pattern)).toBeNull();
  });

  it('src/engine and src/shared name no venue id outside the venues\' folders, the registry and the allow-list', () => {
    const offenders: string[] = [];
    for (const file of files) {
      if (isVenueOwn(file) || ALLOWED.some((a) => file.startsWith(a.path))) continue;
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      text.split('\n').forEach((line, i) => {
        for (const m of codeOf(line).matchAll(pattern)) offenders.push(`${file}:${i + 1}: ${m[0]}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('every allow-list entry still exists and still needs its place', () => {
    for (const entry of ALLOWED) {
      const covered = files.filter((f) => f.startsWith(entry.path));
      expect(covered.length, entry.path).toBeGreaterThan(0);
      const naming = covered.filter((f) => namesVenue(readFileSync(join(REPO_ROOT, f), 'utf8'), pattern));
      expect(naming.length, `${entry.path} (${entry.why}) names no venue any more: drop it from the list`).toBeGreaterThan(0);
    }
  });
});
