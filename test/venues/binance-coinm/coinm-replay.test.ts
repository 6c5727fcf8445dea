import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/engine/config/load-config';
import { pipelineSettingsFrom } from '../../../src/engine/pipeline/pipeline-settings';
import type { PipelineSettings } from '../../../src/engine/pipeline/surveillance-pipeline';
import { replayCapture } from '../../../src/engine/replay/replay-capture';
import type { ReplayReport, ReportInstrument } from '../../../src/engine/replay/replay-report';
import { binanceCoinm } from '../../../src/engine/venues/binance';
import { venueById } from '../../../src/engine/venues/registry';
import type { RawFrame } from '../../../src/engine/feed/raw-frame';
import type { BookSync } from '../../../src/engine/venues/venue';
import { depthWithinBps, levelNotional } from '../../../src/shared/core/depth';
import type { Instrument } from '../../../src/shared/core/model';
import { realRecording, repoRoot } from '../../support/shared-data';

/**
 * Binance COIN-M (`binance-coinm`, issue 12) on its real frames
 * (../shared/data/real/binance-coinm-2021-07-22.jsonl): the replay through
 * the real engine ends at capture-format.md's rows, a missing diff breaks
 * the `pu` chain, and inverse contracts' notional is contracts x USD each.
 */

const FILE = 'binance-coinm-2021-07-22.jsonl';
const dir = mkdtempSync(join(tmpdir(), 'surveil-coinm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let settings: PipelineSettings;
let report: ReplayReport;
let lines: string[];

function instrument(r: ReplayReport, symbol: string): ReportInstrument {
  const found = r.instruments.find((i) => i.symbol === symbol);
  if (!found) throw new Error(`${symbol} not in report`);
  return found;
}

beforeAll(async () => {
  settings = pipelineSettingsFrom(loadConfig(join(repoRoot, 'config')));
  report = (await replayCapture(realRecording(FILE), { speed: 'max', settings })).report;
  lines = readFileSync(realRecording(FILE), 'utf8').split('\n').filter((l) => l.trim() !== '');
});

describe('binance-coinm real recording through the engine (capture-format.md)', () => {
  it('is a registered venue', () => {
    expect(venueById('binance-coinm')).toBe(binanceCoinm);
  });

  it.each([
    ['ETCUSD_PERP', 'ETC-USD-PERP', '42.280', '42.281', 440, 383],
    ['XRPUSD_PERP', 'XRP-USD-PERP', '0.5661', '0.5662', 652, 995],
    ['TRXUSD_PERP', 'TRX-USD-PERP', '0.05345', '0.05346', 375, 518],
  ] as const)('%s (%s) ends at %s / %s with %i / %i levels and no gap', (symbol, id, bid, ask, bids, asks) => {
    const i = instrument(report, symbol);
    expect(i.venue).toBe('binance-coinm');
    expect(i.id).toBe(id);
    expect([i.bestBid, i.bestAsk, i.bidLevels, i.askLevels]).toEqual([bid, ask, bids, asks]);
    expect(i.sequenceGaps).toBe(0);
    expect(i.resyncs).toBe(0);
    expect(i.bookValid).toBe(true);
    // Contract values from dapi exchangeInfo, not a guess.
    expect(i.metadata).toBe('venue');
  });

  it('rejects nothing and ignores only trades and klines', () => {
    expect(report.rejected).toEqual({});
  });

  it('a diff frame removed after sync is a gap (pu mismatch): counted, the book invalid', async () => {
    // ETCUSD_PERP's REST snapshot (lastUpdateId 167006121196) bridges at its 24th diff: drop the 101st, well after.
    const etcDiffs = lines.map((l, n) => [l, n] as const).filter(([l]) => l.includes('"url":"wss://') && l.includes('etcusd_perp@depth@100ms\\",\\"data'));
    expect(etcDiffs.length).toBe(238);
    const dropped = etcDiffs[100]![1];
    const file = join(dir, 'coinm-gap.jsonl');
    writeFileSync(file, `${lines.filter((_, n) => n !== dropped).join('\n')}\n`);
    const gapped = (await replayCapture(file, { speed: 'max', settings })).report;
    const etc = instrument(gapped, 'ETCUSD_PERP');
    expect(etc.sequenceGaps).toBe(1);
    expect(etc.bookValid).toBe(false);
    // The other books are untouched.
    expect(instrument(gapped, 'XRPUSD_PERP')).toMatchObject({ sequenceGaps: 0, bookValid: true, bidLevels: 652, askLevels: 995 });
  });
});

/** Frames in order through the venue's own mapper and book sync: the final books and the instruments. */
function replayBooks(): { syncs: Map<string, BookSync>; instruments: Map<string, Instrument> } {
  const mapper = binanceCoinm.createMapper();
  const instruments = new Map<string, Instrument>();
  const syncs = new Map<string, BookSync>();
  for (const line of lines.slice(1)) {
    const result = mapper.map(JSON.parse(line) as RawFrame);
    if (result.kind === 'instruments') for (const i of result.instruments) instruments.set(i.symbol, i);
    if (result.kind !== 'events') continue;
    for (const event of result.events) {
      if (event.type !== 'book_snapshot' && event.type !== 'book_delta') continue;
      let sync = syncs.get(event.symbol);
      if (sync === undefined) syncs.set(event.symbol, (sync = binanceCoinm.createBookSync(instruments.get(event.symbol)!)));
      sync.apply(event);
    }
  }
  return { syncs, instruments };
}

describe('binance-coinm instruments and inverse notional', () => {
  it('reads dapi exchangeInfo as inverse contracts of contractSize USD, perpetuals and quarterlies', () => {
    const { instruments } = replayBooks();
    expect(instruments.get('ETCUSD_PERP')).toMatchObject({
      venue: 'binance-coinm',
      id: 'ETC-USD-PERP',
      type: 'perpetual',
      base: 'ETC',
      quote: 'USD',
      contractKind: 'inverse',
      contractValue: 10,
    });
    // BTCUSD_PERP is the one with 100 USD contracts.
    expect(instruments.get('BTCUSD_PERP')).toMatchObject({ id: 'BTC-USD-PERP', contractKind: 'inverse', contractValue: 100 });
    // Quarterly: delivery 2021-12-31.
    expect(instruments.get('BTCUSD_211231')).toMatchObject({ id: 'BTC-USD-211231', type: 'future', contractKind: 'inverse', contractValue: 100 });
  });

  it('notional of a level is size x contractValue USD, whatever the price', () => {
    const { instruments } = replayBooks();
    const etc = instruments.get('ETCUSD_PERP')!;
    expect(levelNotional(etc, 42.28, 304)).toBe(3040);
    expect(levelNotional(etc, 84.56, 304)).toBe(3040);
  });

  it('depth within 10 bps of the final XRP book equals contracts in band x 10 USD, summed here', () => {
    const { syncs, instruments } = replayBooks();
    const xrp = instruments.get('XRPUSD_PERP')!;
    const book = syncs.get('XRPUSD_PERP')!.book;
    const bid = book.bestBid()!.price;
    const ask = book.bestAsk()!.price;
    const mid = (bid + ask) / 2;
    let bidContracts = 0;
    let askContracts = 0;
    for (const l of book.top('bid', book.levelCount('bid'))) if (l.price >= mid * (1 - 0.001)) bidContracts += l.size;
    for (const l of book.top('ask', book.levelCount('ask'))) if (l.price <= mid * (1 + 0.001)) askContracts += l.size;
    expect(bidContracts).toBeGreaterThan(0);
    const depth = depthWithinBps(book, xrp, [10])!;
    expect(depth.bid.notional[0]).toBeCloseTo(bidContracts * 10, 6);
    expect(depth.ask.notional[0]).toBeCloseTo(askContracts * 10, 6);
    // Not a linear reading (contracts x price): that would be ~0.57 of it.
    expect(depth.bid.notional[0]).not.toBeCloseTo(bidContracts * 10 * mid, 0);
  });
});
