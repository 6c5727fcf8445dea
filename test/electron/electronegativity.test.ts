/**
 * The Electron security checklist, checked by `npm test`:
 * 1. electronegativity over the sources of main, preload and renderer; every
 *    finding must be accepted, with its reason, in docs/electron-security.md;
 * 2. the CSPs through the evaluator electronegativity itself uses;
 * 3. the security settings on the built main and preload bundles (what
 *    Electron actually runs), built here into a temp folder.
 * Offline: the scanner's network lookups are answered locally.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appPages } from '../../src/main/app-pages';
import { contentSecurityPolicy } from '../../src/main/security-policy';

const ROOT = resolve(import.meta.dirname, '../..');
const DOC = join(ROOT, 'docs/electron-security.md');
/** Checks left out of the scan; each must have a row under "Excluded checks" in the doc. */
const EXCLUDED = { AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK: 'availablesecurityfixesglobalcheck' } as const;

interface Finding {
  readonly id: string;
  readonly file: string;
  readonly location: { readonly line: number; readonly column: number };
  readonly description: string;
}
interface ScanResult {
  readonly issues: readonly Finding[];
  readonly errors: readonly { readonly file: string; readonly message: string }[];
}
type Electronegativity = (options: Record<string, unknown>) => Promise<ScanResult>;

const requireFromScanner = createRequire(join(ROOT, 'node_modules/@doyensec/electronegativity/package.json'));

/**
 * Loads the scanner with `got` (its HTTP client) replaced by one that fails
 * at once: it would otherwise fetch translations and Electron's release list.
 */
function loadScanner(): Electronegativity {
  const gotPath = requireFromScanner.resolve('got');
  const offline = Object.assign(() => Promise.reject(new Error('offline: npm test makes no network requests')), {
    head: () => Promise.reject(new Error('offline')),
  });
  requireFromScanner.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: offline } as unknown as NodeJS.Module;
  return requireFromScanner('@doyensec/electronegativity') as Electronegativity;
}

/** Rows of the markdown table under `heading`: cells without backticks. */
function docTable(heading: string): string[][] {
  const text = readFileSync(DOC, 'utf8');
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/electron-security.md has no "## ${heading}" section`);
  const section = text.slice(start + 1).split(/\n## /)[0]!;
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // header and separator
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim().replace(/`/g, '')),
    );
}

let work: string;
let scan: ScanResult;
let mainBundle: string;
let preloadBundle: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'surveil-electron-security-'));

  // Scan a copy laid out like the repository, so findings name repo paths.
  const staged = join(work, 'scan');
  for (const part of ['src/main', 'src/preload', 'src/renderer']) cpSync(join(ROOT, part), join(staged, part), { recursive: true });
  const electronVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    scan = await loadScanner()({
      input: staged,
      isRelative: true,
      excludeFromScan: Object.values(EXCLUDED),
      electronVersionOverride: electronVersion,
    });
  } finally {
    log.mockRestore();
  }

  // Build main and preload only (test/electron/main-preload.config.ts) into the temp folder.
  const out = join(work, 'out');
  execFileSync(join(ROOT, 'node_modules/.bin/electron-vite'), ['build', '-c', 'test/electron/main-preload.config.ts', '--outDir', out, '--logLevel', 'error'], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  mainBundle = readFileSync(join(out, 'main/index.js'), 'utf8');
  preloadBundle = readFileSync(join(out, 'preload/index.cjs'), 'utf8');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('electronegativity', () => {
  it('parses every file', () => {
    expect(scan.errors).toEqual([]);
  });

  it('reports only findings accepted, with a reason, in docs/electron-security.md', () => {
    const accepted = docTable('Accepted electronegativity findings');
    for (const [id, file, reason] of accepted) {
      expect(id, 'check id').toMatch(/^[A-Z_]+_CHECK$/);
      expect(file, `${id}: file`).toMatch(/^src\//);
      expect((reason ?? '').length, `${id} ${file}: a justification`).toBeGreaterThan(40);
    }
    const key = (id: string, file: string) => `${id} ${file.replace(/\\/g, '/')}`;
    const acceptedKeys = new Set(accepted.map(([id, file]) => key(id!, file!)));
    const found = scan.issues.map((issue) => ({ key: key(issue.id, issue.file), where: `${issue.file}:${issue.location.line}`, what: issue.description }));

    const unaccepted = found.filter((f) => !acceptedKeys.has(f.key)).map((f) => `${f.key} (${f.where}: ${f.what})`);
    expect(unaccepted, 'fix these, or accept them with a justification in docs/electron-security.md').toEqual([]);
    const stale = [...acceptedKeys].filter((k) => !found.some((f) => f.key === k));
    expect(stale, 'accepted in docs/electron-security.md but no longer reported: remove the rows').toEqual([]);
  });

  it('lists every excluded check with its reason', () => {
    const excluded = new Map(docTable('Excluded checks').map(([id, reason]) => [id, reason ?? '']));
    for (const id of Object.keys(EXCLUDED)) expect(excluded.get(id)?.length ?? 0, id).toBeGreaterThan(40);
  });
});

describe('content security policies', () => {
  /** The evaluator electronegativity's CSP check uses; its findings at MEDIUM_MAYBE or worse. */
  const concerns = (policy: string): string[] => {
    const csp = requireFromScanner('@doyensec/csp-evaluator') as {
      CspParser: new (policy: string) => { csp: unknown };
      CspEvaluator: new (csp: unknown, version: unknown) => { evaluate(): { severity: number; directive: string; value: string }[] };
      Version: { CSP3: unknown };
      severities: Record<string, number>;
    };
    const findings = new csp.CspEvaluator(new csp.CspParser(policy).csp, csp.Version.CSP3).evaluate();
    return findings.filter((f) => f.severity <= csp.severities['MEDIUM_MAYBE']!).map((f) => `${f.directive} ${f.value}`);
  };
  const pages = (dev: string | null) => appPages('/app/out/renderer/index.html', dev);

  it("has no concern but the accepted script-src 'self', in production and under the dev server", () => {
    expect(concerns(contentSecurityPolicy(pages(null)))).toEqual(["script-src 'self'"]);
    expect(concerns(contentSecurityPolicy(pages('http://localhost:5173')))).toEqual(["script-src 'self'"]);
  });
});

describe('built bundles', () => {
  /** The `webPreferences: { ... }` object literal of the main bundle, as key -> source text. */
  const webPreferences = (): Map<string, string> => {
    const blocks = [...mainBundle.matchAll(/webPreferences:\s*\{([^}]*)\}/g)];
    expect(blocks, 'exactly one BrowserWindow with webPreferences').toHaveLength(1);
    const entries = blocks[0]![1]!
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => part.split(/:\s*/, 2) as [string, string]);
    return new Map(entries.map(([k, v]) => [k.trim(), v?.trim() ?? '']));
  };

  it('creates the window with context isolation, sandbox, no Node, web security on', () => {
    const prefs = webPreferences();
    expect(prefs.get('contextIsolation')).toBe('true');
    expect(prefs.get('sandbox')).toBe('true');
    expect(prefs.get('nodeIntegration')).toBe('false');
    expect(prefs.get('nodeIntegrationInWorker')).toBe('false');
    expect(prefs.get('nodeIntegrationInSubFrames')).toBe('false');
    expect(prefs.get('webSecurity')).toBe('true');
    expect(prefs.get('webviewTag')).toBe('false');
    expect(prefs.has('preload')).toBe(true);
  });

  it('never weakens a setting anywhere in the main bundle', () => {
    for (const pattern of [
      /allowRunningInsecureContent/,
      /webSecurity:\s*(false|!0|!1\b)/,
      /contextIsolation:\s*false/,
      /sandbox:\s*false/,
      /nodeIntegration\w*:\s*true/,
      /enableBlinkFeatures/,
      /experimentalFeatures:\s*true/,
      /enableRemoteModule/,
      /webviewTag:\s*true/,
      /openExternal\(/,
      /setCertificateVerifyProc|certificate-error/,
      /ELECTRON_DISABLE_SECURITY_WARNINGS/,
    ]) {
      expect(mainBundle, String(pattern)).not.toMatch(pattern);
    }
  });

  // What the guards do (window options, request filter, CSP header, permissions,
  // navigation and window guards) is asserted on their behaviour in window-hardening.test.ts.
  it('calls the process-wide guards main installs before any window', () => {
    for (const needle of ['app.enableSandbox()', 'requestSingleInstanceLock()']) expect(mainBundle, needle).toContain(needle);
  });

  it('points the window at the CommonJS preload it built', () => {
    expect(mainBundle).toContain('"../preload/index.cjs"');
  });

  it('the preload is self-contained CommonJS that exposes one API and not ipcRenderer', () => {
    // Code only: doc comments (kept in the unminified bundle) show usage examples.
    const code = preloadBundle.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    const required = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    const exposed = [...code.matchAll(/exposeInMainWorld\(\s*["'](\w+)["']/g)].map((m) => m[1]);
    expect(exposed).toEqual(['surveil']);
    expect(code).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*[,)]/);
    expect(code).not.toMatch(/\bremote\b/);
  });

  it('builds the engine workers next to the main entry, where EngineHost starts them', () => {
    const out = join(work, 'out/main');
    expect(existsSync(join(out, 'feed-worker.js'))).toBe(true);
    expect(existsSync(join(out, 'analytics-worker.js'))).toBe(true);
  });
});
