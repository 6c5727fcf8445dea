/**
 * Issue 10, finding 11: depth thresholds are USD, so a book quoted in ETH,
 * BTC or EUR must be converted with the venue's own price of its quote asset,
 * or be marked unconverted and its depth rules skip with that reason.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipelineSettingsFrom } from '../../src/engine/pipeline/pipeline-settings';
import { replayCapture } from '../../src/engine/replay/replay-capture';
import type { SampleEvaluation } from '../../src/shared/core/surveillance-evaluator';
import { CONFIG } from '../simulator/helpers';
import { REAL, realRecording } from '../support/shared-data';

async function replay(path: string): Promise<{ last: Map<string, SampleEvaluation>; depthAlerts: string[] }> {
  const last = new Map<string, SampleEvaluation>();
  const result = await replayCapture(path, { speed: 'max', settings: pipelineSettingsFrom(CONFIG), listener: { onEvaluation: (e) => last.set(e.sample.key, e) } });
  const depthAlerts = result.pipeline.allAlerts().filter((a) => a.metric.startsWith('depth_') && a.firedAt !== null).map((a) => a.key);
  return { last, depthAlerts };
}

describe('depth in USD whatever the quote currency', () => {
  it('on the real spot recording, ETH-, BTC- and EUR-quoted books are unconverted: their depth rules skip, nothing fires', async () => {
    const { last, depthAlerts } = await replay(realRecording(REAL.binanceSpot));
    for (const key of ['binance-spot:BLZETH', 'binance-spot:LRCBTC', 'binance-spot:RUNEEUR']) {
      const e = last.get(key)!;
      expect(e.sample.health.sources?.usd_rate?.state, key).toBe('invalid');
      const depth = e.rules.find((r) => r.rule === 'depth_critical')!;
      expect(depth, key).toMatchObject({ kind: 'blind', reason: 'unconverted' });
      expect(depthAlerts).not.toContain(key);
    }
    // USDT-quoted: converted at 1, judged.
    const nkn = last.get('binance-spot:NKNUSDT')!;
    expect(nkn.sample.health.sources?.usd_rate?.state).toBe('ok');
    expect(nkn.outcomes.find((o) => o.rule.name === 'depth_critical')!.status).toBe('judged');
  });

  it('with the venue pricing the quote asset (ETHUSDT), an ETH-quoted book is judged in USD', async () => {
    const lines = readFileSync(realRecording(REAL.binanceSpot), 'utf8').trimEnd().split('\n');
    const frames = lines.slice(1).map((l) => JSON.parse(l) as { t: number });
    const first = frames[0]!.t;
    const lastT = frames.at(-1)!.t;
    const url = 'wss://stream.binance.com:9443/stream?streams=ethusdt@bookTicker';
    // An ETHUSDT top of book every 200 ms, merged into the recording in time order.
    const ticks: string[] = [];
    for (let t = first + 100, u = 1; t < lastT; t += 200, u++) {
      const data = JSON.stringify({ stream: 'ethusdt@bookTicker', data: { u, s: 'ETHUSDT', b: '3500.00', B: '2', a: '3500.10', A: '3' } });
      ticks.push(JSON.stringify({ t, venue: 'binance-spot', kind: 'ws', url, data }));
    }
    const merged = [...lines.slice(1), ...ticks].map((l) => ({ l, t: (JSON.parse(l) as { t: number }).t })).sort((a, b) => a.t - b.t);
    const path = join(mkdtempSync(join(tmpdir(), 'surveil-usd-')), 'spot-with-ethusdt.jsonl');
    writeFileSync(path, [lines[0], ...merged.map((m) => m.l)].join('\n') + '\n');

    const plain = await replay(realRecording(REAL.binanceSpot));
    const { last } = await replay(path);
    const blz = last.get('binance-spot:BLZETH')!;
    expect(blz.sample.health.sources?.usd_rate?.state).toBe('ok');
    const ethMid = 3500.05;
    const quoteDepth = plain.last.get('binance-spot:BLZETH')!.sample.values.depth_10bps!;
    expect(blz.sample.values.depth_10bps!).toBeCloseTo(quoteDepth * ethMid, 6);
    expect(blz.outcomes.find((o) => o.rule.name === 'depth_critical')!.status).toBe('judged');
    // LRC-BTC still has no BTC price on the venue.
    expect(last.get('binance-spot:LRCBTC')!.sample.health.sources?.usd_rate?.state).toBe('invalid');
  });
});
