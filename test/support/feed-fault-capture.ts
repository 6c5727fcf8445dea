import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture, type ReplayResult } from '../../src/engine/replay/replay-capture';
import { simulateToCapture } from '../../src/engine/simulator';
import { checkpointHistoryDb, openHistoryDb } from '../../src/engine/storage/history-db';
import { HistoryWriter } from '../../src/engine/storage/history-writer';
import type { Config } from '../../src/shared/config';
import { SHIPPED_CONFIG } from '../config/helpers';

/**
 * The shipped config with feed rules any single fault trips: one gap, one
 * checksum failure, one resync in a 20 s window (so they also resolve within
 * a short run); the stale rule keeps its shipped 10 s.
 */
export function feedFaultConfig(): Config {
  const config = loadConfig(SHIPPED_CONFIG);
  const feed = config.alerts.feed;
  const d = feed.default;
  const tight = { threshold: 0, windowSeconds: 20 };
  return {
    ...config,
    alerts: {
      ...config.alerts,
      feed: {
        ...feed,
        default: {
          ...d,
          sequence_gaps: { ...d.sequence_gaps, ...tight },
          checksum_failures: { ...d.checksum_failures, ...tight },
          resync_storm: { ...d.resync_storm, ...tight },
        },
        venues: {},
      },
    },
  };
}

/** When the faults strike, from the start of the simulated run. */
export const FAULTS = { gapAtMs: 40_000, checksumAtMs: 50_000, staleAtMs: 70_000, staleForMs: 15_000, rejectedAtMs: 45_000, rejectedFrames: 25 } as const;

const made: string[] = [];

/** Removes every folder {@link replayFeedFaults} made. */
export function cleanupFeedFaults(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Frames OKX never sends (not JSON), slipped into a capture in time order: the mapper refuses each as `bad_json`. */
function insertBadFrames(path: string, at: number, count: number): void {
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  const index = lines.findIndex((line, i) => i > 0 && (JSON.parse(line) as { t: number }).t >= at);
  const bad = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ t: at + i * 10, venue: 'okx', kind: 'ws', url: 'wss://ws.okx.com:8443/ws/v5/public', data: '{"arg":{"channel":"books"', conn: 'okx-0' }),
  );
  lines.splice(index, 0, ...bad);
  writeFileSync(path, lines.join('\n') + '\n');
}

/**
 * A simulator capture with a sequence gap (binance-spot), an OKX checksum
 * failure, 25 frames OKX's mapper refuses and a 15 s OKX stale feed, replayed through the engine into a fresh
 * SQLite history as `surveil replay --db` does.
 */
export async function replayFeedFaults(): Promise<{ dbPath: string; capture: string; result: ReplayResult; config: Config }> {
  const dir = mkdtempSync(join(tmpdir(), 'surveil-feed-faults-'));
  made.push(dir);
  const capture = join(dir, 'faults.jsonl');
  const config = feedFaultConfig();
  const { plan } = await simulateToCapture({
    out: capture,
    scenario: 'sequence_gap',
    venue: 'binance-spot',
    instruments: ['BTC-USDT-SPOT'],
    injectAtMs: FAULTS.gapAtMs,
    durationMs: 130_000,
    okxProtocol: 'legacy',
    also: [
      { scenario: 'checksum_corruption', venue: 'okx', instruments: ['BTC-USDT-SPOT'], injectAtMs: FAULTS.checksumAtMs },
      { scenario: 'stale_feed', venue: 'okx', injectAtMs: FAULTS.staleAtMs, injectForMs: FAULTS.staleForMs },
    ],
  });
  insertBadFrames(capture, plan.startTime + FAULTS.rejectedAtMs, FAULTS.rejectedFrames);
  const dbPath = join(dir, 'history.sqlite');
  const db = openHistoryDb(dbPath);
  const writer = new HistoryWriter(db);
  try {
    const result = await replayCapture(capture, { speed: 'max', settings: pipelineSettingsFrom(config), listener: writer });
    writer.close();
    checkpointHistoryDb(db);
    return { dbPath, capture, result, config };
  } finally {
    db.close();
  }
}
