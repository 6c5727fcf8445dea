import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/engine/capture/capture-reader';
import { loadConfig } from '../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import { RULE_STATUS_KINDS } from '../../src/engine/replay/rule-summary';
import { simulateToCapture } from '../../src/engine/simulator';
import { parseAt } from '../../src/cli/commands/explain';
import { surveil } from '../support/cli';
import { repoRoot } from '../support/shared-data';

/**
 * A basis dislocation on binance-usdm BTC-USDT-PERP from +60 s to +170 s of a
 * 200 s simulated market: the z windows (30 samples) warm up first, the
 * critical basis rule (persist 60 s) then goes pending at the onset and fires
 * a minute later.
 */
const INJECT_AT_S = 60;
let capture: string;
let firstFrameAt: number;

beforeAll(async () => {
  capture = join(mkdtempSync(join(tmpdir(), 'surveil-explain-')), 'basis.jsonl.gz');
  await simulateToCapture({ scenario: 'basis_dislocation', seed: 2, durationMs: 200_000, injectAtMs: INJECT_AT_S * 1000, injectForMs: 110_000, out: capture });
  for await (const { frame } of readCapture(capture)) {
    firstFrameAt = frame.t;
    break;
  }
}, 60_000);

/** The status text of one rule in `explain` output (the line after its name, metric and severity). */
function statusOf(stdout: string, key: string, rule: string): string {
  const block = stdout.split(/\n(?=\S)/).find((b) => b.includes(` ${key} at `));
  const line = block?.split('\n').find((l) => l.trimStart().startsWith(`${rule} `));
  return line?.replace(/^\s*\S+\s+\S+\s+\S+\s+/, '') ?? `(no ${rule} line for ${key} in:\n${stdout})`;
}

describe('surveil explain', () => {
  it('says the rules are warming up before the z-score window is full', () => {
    const run = surveil(['explain', capture, '--instrument', 'BTC-USDT-PERP', '--venue', 'binance-usdm', '--at', '+15s']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^BTC-USDT-PERP binance-usdm:BTCUSDT at \S+ \(\+15\.0 s\)$/m);
    expect(statusOf(run.stdout, 'binance-usdm:BTCUSDT', 'basis_critical')).toMatch(/^warming up \d+\/30: /);
    // okx lists the same instrument, left out by --venue.
    expect(run.stdout).not.toContain('okx:');
  });

  it('shows the basis rule pending just after the onset and firing once its persistence is met', () => {
    const early = surveil(['explain', capture, '--instrument', 'BTC-USDT-PERP', '--at', `+${INJECT_AT_S + 10}s`]);
    expect(early.code).toBe(0);
    expect(statusOf(early.stdout, 'binance-usdm:BTCUSDT', 'basis_critical')).toMatch(/^pending \d+ of 60 s: -?\d+(\.\d+)? past 20\.0 \(z [+-]\d+\.\dσ of 3\)$/);
    // Without --venue every listing is explained: the okx perpetual was not struck and stays armed.
    expect(statusOf(early.stdout, 'okx:BTC-USDT-SWAP', 'basis_critical')).toMatch(/^armed: /);

    const late = surveil(['explain', capture, '--instrument', 'BTCUSDT', '--venue', 'binance-usdm', '--at', `+${INJECT_AT_S + 80}s`]);
    expect(late.code).toBe(0);
    expect(statusOf(late.stdout, 'binance-usdm:BTCUSDT', 'basis_critical')).toMatch(/^firing: -?\d+(\.\d+)? past 20\.0/);
  });

  it('takes an absolute time and says when the capture ends before it', () => {
    const byIso = surveil(['explain', capture, '--instrument', 'BTC-USDT-PERP', '--venue', 'binance-usdm', '--at', new Date(firstFrameAt + 15_000).toISOString()]);
    expect(byIso.code).toBe(0);
    expect(statusOf(byIso.stdout, 'binance-usdm:BTCUSDT', 'basis_critical')).toMatch(/^warming up /);
    const beyond = surveil(['explain', capture, '--instrument', 'BTC-USDT-PERP', '--venue', 'binance-usdm', '--at', '+1h']);
    expect(beyond.code).toBe(0);
    expect(beyond.stdout).toMatch(/^the capture ends at \S+ \(\+200\.\d s\), before the time asked for$/m);
  });

  it('refuses an unknown instrument (listing those seen) and a bad time', () => {
    const unknown = surveil(['explain', capture, '--instrument', 'DOGE-USDT-PERP', '--at', '+5s']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no instrument "DOGE-USDT-PERP"');
    expect(unknown.stderr).toContain('BTC-USDT-PERP (binance-usdm:BTCUSDT)');
    const bad = surveil(['explain', capture, '--instrument', 'BTC-USDT-PERP', '--at', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--at must be');
    expect(surveil(['explain', capture]).code).toBe(2);
  });
});

describe('surveil explain across a stale feed', () => {
  // okx sends nothing from +60 s to +80 s of a 150 s market.
  let stale: string;
  beforeAll(async () => {
    stale = join(mkdtempSync(join(tmpdir(), 'surveil-explain-')), 'stale.jsonl.gz');
    await simulateToCapture({ scenario: 'stale_feed', seed: 1, durationMs: 150_000, injectAtMs: 60_000, injectForMs: 20_000, out: stale });
  }, 60_000);

  it('says the rules are not judged while the feed is stale, then judged against the window before the gap', async () => {
    const during = surveil(['explain', stale, '--instrument', 'BTC-USDT-PERP', '--venue', 'okx', '--at', '+72s']);
    expect(during.code).toBe(0);
    expect(statusOf(during.stdout, 'okx:BTC-USDT-SWAP', 'spread_warning')).toBe('not judged: feed stale');
    expect(statusOf(during.stdout, 'okx:BTC-USDT-SWAP', 'mark_index_warning')).toBe('not judged: mark/index stream stale');
    const after = surveil(['explain', stale, '--instrument', 'BTC-USDT-PERP', '--venue', 'okx', '--at', '+85s']);
    expect(statusOf(after.stdout, 'okx:BTC-USDT-SWAP', 'spread_warning')).toMatch(/^armed: .*, judged against the window before the gap \(re-warm \d+\/30\)$/);

    const { report } = await replayCapture(stale, { speed: 'max', settings: pipelineSettingsFrom(loadConfig(join(repoRoot, 'config'))) });
    const okx = report.instruments.find((i) => i.venue === 'okx' && i.symbol === 'BTC-USDT-SWAP')!;
    const binance = report.instruments.find((i) => i.venue === 'binance-usdm' && i.symbol === 'BTCUSDT')!;
    // About 15 s of the 20 s silence is past the 5 s stale timeout.
    expect(okx.rules.find((r) => r.rule === 'spread_warning')!.samples.blind).toBeGreaterThanOrEqual(10);
    expect(binance.rules.find((r) => r.rule === 'spread_warning')!.samples.blind).toBe(0);
  });
});

describe('parseAt', () => {
  it('reads offsets with units, epoch ms and ISO times', () => {
    expect(parseAt('+330s')).toEqual({ offsetMs: 330_000 });
    expect(parseAt('+330')).toEqual({ offsetMs: 330_000 });
    expect(parseAt('+1.5m')).toEqual({ offsetMs: 90_000 });
    expect(parseAt('+250ms')).toEqual({ offsetMs: 250 });
    expect(parseAt('1772409930000')).toEqual({ time: 1_772_409_930_000 });
    expect(parseAt('2026-03-02T00:05:30Z')).toEqual({ time: Date.parse('2026-03-02T00:05:30Z') });
    expect(parseAt('5 minutes')).toBeNull();
    expect(parseAt('-5s')).toBeNull();
  });
});

describe('the replay report per-rule summary', () => {
  it('counts the samples each rule spent in each status kind and keeps its final status', async () => {
    const settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
    const { report } = await replayCapture(capture, { speed: 'max', settings });
    const struck = report.instruments.find((i) => i.venue === 'binance-usdm' && i.symbol === 'BTCUSDT')!;
    const calm = report.instruments.find((i) => i.venue === 'okx' && i.symbol === 'BTC-USDT-SWAP')!;
    const rule = (i: typeof struck, name: string) => i.rules.find((r) => r.rule === name)!;

    const critical = rule(struck, 'basis_critical');
    expect(Object.keys(critical.samples).sort()).toEqual([...RULE_STATUS_KINDS].sort());
    const samples = critical.samples;
    expect(samples.warming_up).toBeGreaterThanOrEqual(29);
    expect(samples.pending).toBeGreaterThanOrEqual(59);
    expect(samples.active).toBeGreaterThan(0);
    // Every sample of the run lands in exactly one kind, the same count for every rule of the instrument.
    const total = (r: { samples: Readonly<Record<string, number>> }) => Object.values(r.samples).reduce((a, b) => a + b, 0);
    expect(total(critical)).toBeGreaterThanOrEqual(195);
    for (const r of struck.rules) expect(total(r)).toBe(total(critical));
    // The injection ended 30 s before the capture: the rule is judged again, and inside its bar.
    expect(critical.final).toBe('armed');
    expect(critical.finalText).toMatch(/^armed: /);

    const quiet = rule(calm, 'basis_critical');
    expect(quiet.samples.pending + quiet.samples.active).toBe(0);
    expect(quiet.samples.armed).toBeGreaterThan(100);
    expect(struck.alerts.some((a) => a.rule === 'basis_critical')).toBe(true);
  });
});

