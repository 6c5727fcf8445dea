import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/index';
import { realRecording, REAL } from '../support/shared-data';
import { surveil } from '../support/cli';

/**
 * `surveil book` against an order book built here, independently of the
 * engine, from the venues' documented rules (Binance "How to manage a local
 * order book correctly", spot, USD-M and COIN-M; OKX v5 `books` snapshot + updates),
 * on the real recordings in ../shared/data/real. The builder is deliberately
 * plain: maps of price text -> size text, sorted when read.
 */

// The real recordings sit in a read-only shared folder: every index goes to a temp folder instead.
const dir = mkdtempSync(join(tmpdir(), 'surveil-book-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Frame {
  readonly t: number;
  readonly venue: string;
  readonly kind: string;
  readonly url: string;
  readonly data: string;
}

type Side = Map<string, string>;
interface SimpleBook {
  bids: Side;
  asks: Side;
  /** Binance: `u` of the last diff applied (or the snapshot's lastUpdateId). */
  id: number;
  synced: boolean;
  buffer: { U: number; u: number; pu?: number; b: [string, string][]; a: [string, string][] }[];
}

function setLevels(side: Side, levels: readonly (readonly string[])[]): void {
  for (const [price, size] of levels) {
    if (Number(size) === 0) side.delete(price!);
    else side.set(price!, size!);
  }
}

/** Books of every symbol in a recording, replayed by the documented rules up to `at` (inclusive). */
function independentBooks(file: string, at: number): Map<string, SimpleBook> {
  const lines = readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  const books = new Map<string, SimpleBook>();
  const bookOf = (key: string): SimpleBook => {
    let book = books.get(key);
    if (!book) books.set(key, (book = { bids: new Map(), asks: new Map(), id: 0, synced: false, buffer: [] }));
    return book;
  };
  for (const line of lines) {
    const frame = JSON.parse(line) as Frame;
    if (frame.t > at) break;
    const spot = frame.venue === 'binance-spot';
    if (frame.venue === 'okx') {
      const message = JSON.parse(frame.data) as { arg?: { channel?: string; instId?: string }; action?: string; data?: { bids: string[][]; asks: string[][] }[] };
      if (message.arg?.channel !== 'books' || !message.data) continue;
      const book = bookOf(`okx:${message.arg.instId}`);
      for (const entry of message.data) {
        if (message.action === 'snapshot') {
          book.bids = new Map();
          book.asks = new Map();
          book.synced = true;
        }
        if (!book.synced) continue;
        setLevels(book.bids, entry.bids);
        setLevels(book.asks, entry.asks);
      }
      continue;
    }
    if (frame.kind === 'rest') {
      const symbol = new URL(frame.url).searchParams.get('symbol');
      if (!symbol || !/\/depth\?/.test(frame.url)) continue;
      const snapshot = JSON.parse(frame.data) as { lastUpdateId: number; bids: string[][]; asks: string[][] };
      const book = bookOf(`${frame.venue}:${symbol}`);
      book.bids = new Map();
      book.asks = new Map();
      setLevels(book.bids, snapshot.bids);
      setLevels(book.asks, snapshot.asks);
      book.id = snapshot.lastUpdateId;
      book.synced = true;
      // Spot drops buffered diffs with u <= lastUpdateId, USD-M those with u < lastUpdateId.
      const pending = book.buffer.filter((d) => (spot ? d.u > snapshot.lastUpdateId : d.u >= snapshot.lastUpdateId));
      book.buffer = [];
      for (const diff of pending) {
        setLevels(book.bids, diff.b);
        setLevels(book.asks, diff.a);
        book.id = diff.u;
      }
      continue;
    }
    const message = JSON.parse(frame.data) as { data?: { e?: string; s: string; U: number; u: number; pu?: number; b: [string, string][]; a: [string, string][] } };
    const diff = message.data;
    if (diff?.e !== 'depthUpdate') continue;
    const book = bookOf(`${frame.venue}:${diff.s}`);
    if (!book.synced) {
      book.buffer.push(diff);
      continue;
    }
    if (spot ? diff.u <= book.id : diff.u < book.id) continue;
    // These recordings have no gap; a builder that silently bridged one would prove nothing.
    if (spot) expect(diff.U, `${diff.s} diff chains on the book`).toBeLessThanOrEqual(book.id + 1);
    setLevels(book.bids, diff.b);
    setLevels(book.asks, diff.a);
    book.id = diff.u;
  }
  return books;
}

const sorted = (side: Side, bids: boolean, n: number): { price: string; size: string }[] =>
  [...side.entries()]
    .sort((a, b) => (bids ? Number(b[0]) - Number(a[0]) : Number(a[0]) - Number(b[0])))
    .slice(0, n)
    .map(([price, size]) => ({ price, size }));

interface BookJson {
  seek: { at: number; pastEnd: boolean };
  index: { status: string };
  instruments: {
    key: string;
    book: string;
    bidLevels: number;
    askLevels: number;
    bids: { price: string; size: string; cumulative: number }[];
    asks: { price: string; size: string; cumulative: number }[];
    metrics: { values: Record<string, number> } | null;
  }[];
}

async function book(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await runCli(['book', ...args], io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const LEVELS = 25;
/** Binance COIN-M's real frames (venue `binance-coinm`, issue 12): beside the others in ../shared/data/real. */
const COINM = 'binance-coinm-2021-07-22.jsonl';
const RECORDINGS = [REAL.binanceSpot, REAL.binanceUsdm, REAL.okx, COINM];

describe('surveil book on the real recordings', () => {
  for (const name of RECORDINGS) {
    it(`${name}: the book at several instants is the one the venue's documented rules build`, async () => {
      const file = realRecording(name);
      const frames = readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Frame);
      const first = frames[0]!.t;
      const last = frames[frames.length - 1]!.t;
      let compared = 0;
      for (const at of [first + (last - first) * 0.3, first + (last - first) * 0.7, last]) {
        const run = await book([file, '--at', String(at), '--levels', String(LEVELS), '--json', '--index', join(dir, `${name}.idx`)]);
        expect(run.err).toBe('');
        expect(run.code).toBe(0);
        const json = JSON.parse(run.out) as BookJson;
        const expected = independentBooks(file, at);
        for (const [key, truth] of expected) {
          if (!truth.synced) continue;
          const got = json.instruments.find((i) => i.key === key);
          expect(got, `${key} at ${at}`).toBeDefined();
          expect(got!.book).toBe('valid');
          expect({ bids: got!.bidLevels, asks: got!.askLevels }).toEqual({ bids: truth.bids.size, asks: truth.asks.size });
          expect(got!.bids.map(({ price, size }) => ({ price, size }))).toEqual(sorted(truth.bids, true, LEVELS));
          expect(got!.asks.map(({ price, size }) => ({ price, size }))).toEqual(sorted(truth.asks, false, LEVELS));
          // Cumulative sizes run from the best price out.
          const sum = got!.bids.reduce((s, l) => s + Number(l.size), 0);
          expect(got!.bids[got!.bids.length - 1]!.cumulative).toBeCloseTo(sum, 6);
          const bestBid = Number(got!.bids[0]!.price);
          const bestAsk = Number(got!.asks[0]!.price);
          expect(got!.metrics!.values.mid).toBeCloseTo((bestBid + bestAsk) / 2, 12);
          compared++;
        }
      }
      expect(compared).toBeGreaterThanOrEqual(3);
    }, 60_000);
  }

  it('at the end of each recording reports what capture-format.md says a correct book builder reports', async () => {
    const truth: [string, string, string, string, number, number][] = [
      [REAL.binanceSpot, 'binance-spot:NKNUSDT', '0.35270000', '0.35310000', 614, 994],
      [REAL.binanceUsdm, 'binance-usdm:SUSHIUSDT', '7.6120', '7.6160', 1006, 1000],
      [REAL.binanceUsdm, 'binance-usdm:AKROUSDT', '0.01734', '0.01735', 613, 761],
      [REAL.okx, 'okx:UNI-USD-SWAP', '5.137', '5.145', 125, 118],
      [COINM, 'binance-coinm:ETCUSD_PERP', '42.280', '42.281', 440, 383],
      [COINM, 'binance-coinm:XRPUSD_PERP', '0.5661', '0.5662', 652, 995],
      [COINM, 'binance-coinm:TRXUSD_PERP', '0.05345', '0.05346', 375, 518],
    ];
    for (const [name, key, bid, ask, bids, asks] of truth) {
      // An instant an hour past the end: the state at the end, and said so.
      const run = await book([realRecording(name), '--at', '+1h', '--instrument', key, '--levels', '1', '--json', '--warmup', '0', '--index', join(dir, `${name}.idx`)]);
      expect(run.code).toBe(0);
      const json = JSON.parse(run.out) as BookJson;
      expect(json.seek.pastEnd).toBe(true);
      expect(json.instruments.map((i) => i.key)).toEqual([key]);
      const got = json.instruments[0]!;
      expect([got.bids[0]!.price, got.asks[0]!.price, got.bidLevels, got.askLevels]).toEqual([bid, ask, bids, asks]);
    }
  }, 60_000);

  it('prints a ladder with cumulative sizes, the metrics and the rule states in text', async () => {
    const run = await book([realRecording(REAL.binanceUsdm), '--at', '+20s', '--instrument', 'SUSHIUSDT', '--levels', '3', '--index', join(dir, 'text.idx')]);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^SUSHI-USDT-PERP binance-usdm:SUSHIUSDT: book valid \(ok\), \d+ bid \/ \d+ ask levels, update id \d+$/m);
    const ladder = run.out.split('\n').filter((l) => /^ {2}(ask|bid) /.test(l));
    expect(ladder).toHaveLength(6);
    // Asks from the third best down to the best, then bids from the best: the cumulative column grows away from the spread.
    const cumulative = ladder.map((l) => Number(l.trim().split(/\s+/)[3]));
    expect(cumulative[0]).toBeGreaterThan(cumulative[2]!);
    expect(cumulative[5]).toBeGreaterThan(cumulative[3]!);
    expect(run.out).toMatch(/^ {2}metrics at \S+ \(\+20\.0 s\): mid [\d.]+, spread_abs/m);
    expect(run.out).toMatch(/^ {4}spread_warning +spread_bps +warning +\S/m);
  });

  it('refuses what it cannot do with a clear message', async () => {
    const file = realRecording(REAL.binanceUsdm);
    expect((await book([file])).err).toContain('--at TIME is required');
    expect((await book([file, '--at', 'noon'])).code).toBe(2);
    const levels = await book([file, '--at', '+1s', '--levels', '0']);
    expect([levels.code, levels.err]).toEqual([2, 'surveil book: --levels must be a whole number of at least 1, got "0"']);
    const missing = await book([join(dir, 'nope.jsonl'), '--at', '+1s']);
    expect([missing.code, missing.err]).toEqual([1, `surveil book: ${join(dir, 'nope.jsonl')}: no such file`]);
    const unknown = await book([file, '--at', '+10s', '--instrument', 'BTCUSDT', '--index', join(dir, 'u.idx')]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no instrument "BTCUSDT" .* seen: SUSHI-USDT-PERP \(binance-usdm:SUSHIUSDT\)/);
    // A venue the engine does not speak is named, not guessed (COIN-M was one until issue 12).
    const kraken = join(dir, 'kraken.jsonl');
    writeFileSync(kraken, `${JSON.stringify({ capture: 1, venue: 'kraken-spot' })}\n${JSON.stringify({ t: 1, venue: 'kraken-spot', kind: 'ws', url: 'wss://ws.kraken.com', data: '{}' })}\n`);
    const unspoken = await book([kraken, '--at', '+5s', '--index', join(dir, 'kraken.idx')]);
    expect(unspoken.code).toBe(1);
    expect(unspoken.err).toMatch(/kraken\.jsonl:2: unknown venue "kraken-spot"/);
  });

  it('is registered in the CLI (a child process, as npm run -s surveil runs it)', () => {
    const run = surveil(['book', realRecording(REAL.okx), '--at', '+10s', '--levels', '2', '--index', join(dir, 'okx-child.idx')]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^UNI-USD-PERP okx:UNI-USD-SWAP: book valid/m);
  }, 60_000);
});
