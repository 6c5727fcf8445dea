import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture, type ReplayResult } from '../../src/engine/replay/replay-capture';
import { simulateToCapture } from '../../src/engine/simulator';
import { CONFIG, cleanupSimDirs, simDir } from '../simulator/helpers';

afterAll(cleanupSimDirs);

const CROSS_AT_MS = 60_000;
const CROSS_FOR_MS = 8_000;
const KEY = 'okx:BTC-USDT-SWAP';

/**
 * A simulator capture (OKX 2026: no checksums, so nothing but the book's own
 * state tells) whose BTC perpetual book a bid far above the ask crosses for
 * 8 s, replayed with the shipped feed rules (crossed_book after 5 s).
 */
let result: ReplayResult;
let start = 0;
beforeAll(async () => {
  const path = join(simDir(), 'crossed.jsonl');
  const sim = await simulateToCapture({ scenario: 'calm', seed: 5, okxProtocol: '2026', durationMs: 100_000, out: path });
  start = sim.plan.startTime;
  let crossedAt = 0;
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => {
    if (!line.includes('\\"books\\"') || !line.includes('BTC-USDT-SWAP') || !line.includes('\\"update\\"')) return line;
    const frame = JSON.parse(line) as { t: number; data: string };
    const phase = frame.t >= start + CROSS_AT_MS && crossedAt === 0 ? 'cross' : crossedAt > 0 && frame.t >= crossedAt + CROSS_FOR_MS ? 'uncross' : null;
    if (phase === null) return line;
    const data = JSON.parse(frame.data) as { data: { bids: string[][] }[] };
    data.data[0]!.bids.push(['999999', phase === 'cross' ? '1' : '0', '0', '1']);
    crossedAt = phase === 'cross' ? frame.t : -1;
    return JSON.stringify({ ...frame, data: JSON.stringify(data) });
  });
  expect(crossedAt).toBe(-1);
  writeFileSync(path, lines.join('\n') + '\n');
  result = await replayCapture(path, { speed: 'max', settings: pipelineSettingsFrom(CONFIG) });
}, 60_000);

describe('a crossed book in a replayed capture', () => {
  it('raises a crossed_book feed alert on that book after 5 s and keeps it open while the book has not recovered', () => {
    const alerts = result.report.feedAlerts.filter((a) => a.metric === 'crossed_seconds');
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    expect(alert).toMatchObject({ key: KEY, instrumentId: 'BTC-USDT-PERP', venue: 'okx', rule: 'crossed_book', severity: 'warning' });
    expect(alert.firedAt! - (start + CROSS_AT_MS)).toBeGreaterThan(5_000);
    expect(alert.firedAt! - (start + CROSS_AT_MS)).toBeLessThanOrEqual(7_000);
    // The book-top cross-check threw the crossed book away; a capture brings no new snapshot, so it never recovers.
    expect(alert.state).toBe('firing');
    expect(alert.detail).toMatch(/^crossed for \d+ s, book invalid awaiting a snapshot$/);
    expect(result.report.instruments.find((i) => `${i.venue}:${i.symbol}` === KEY)!.bookValid).toBe(false);
    // Market alerts and feed alerts are listed apart.
    expect(result.report.alerts.some((a) => a.metric === 'crossed_seconds')).toBe(false);
  });

  it('counts the episode per instrument in the report, and none on the books that never crossed', () => {
    const perp = result.report.instruments.find((i) => `${i.venue}:${i.symbol}` === KEY)!;
    expect(perp).toMatchObject({ crossedEpisodes: 1, lockedEpisodes: 0 });
    // From the first crossed boundary to the end of the capture: the book never came back.
    expect(perp.longestCrossedMs).toBeGreaterThanOrEqual(100_000 - CROSS_AT_MS - 2_000);
    for (const other of result.report.instruments.filter((i) => `${i.venue}:${i.symbol}` !== KEY)) expect(other.crossedEpisodes + other.lockedEpisodes).toBe(0);
  });
});
