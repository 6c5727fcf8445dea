import { basename } from 'node:path';
import type { RawLevel, VenueId } from '../../shared/core/model';
import { priceProblem, sizeProblem } from '../../shared/core/level-rules';
import { readCsvBatches } from './csv-reader';
import type { ReasonTally } from './import-tally';
import type { BookRecord, ImportRecord } from './import-records';

/**
 * Tardis.dev CSV datasets -> import records, one file at a time, in the
 * file's order. Columns as documented at
 * https://docs.tardis.dev/downloadable-csv-files/data-types (read for this
 * module on 2026-12-01):
 *
 * - every dataset: `exchange`, `symbol` (as the exchange writes it, upper
 *   case), `timestamp` (exchange time in microseconds; "if exchange does not
 *   provide one local_timestamp value is used as a fallback", so an equal
 *   value is taken as "no exchange time"), `local_timestamp` (arrival time in
 *   microseconds). Files are sorted by `local_timestamp`.
 * - `incremental_book_L2`: `is_snapshot` (true/false), `side` (bid/ask),
 *   `price`, `amount` (0 removes the level). Rows of one message share a
 *   `local_timestamp`. "If last update was not a snapshot and current one is,
 *   then existing order book state must be discarded"; "files may contain
 *   non-snapshot updates before the first snapshot - skip these rows".
 * - `book_snapshot_25` (and `_5`): `asks[0].price`, `asks[0].amount`,
 *   `bids[0].price`, ... best first, empty cells where the book has fewer levels.
 * - `quotes`: `bid_price`, `bid_amount`, `ask_price`, `ask_amount` (empty
 *   when a side has no level).
 * - `derivative_ticker`: `funding_rate`, `predicted_funding_rate`,
 *   `funding_timestamp` (microseconds), `mark_price`, `index_price`,
 *   `open_interest`, `last_price`. The console uses mark, index and funding;
 *   predicted funding, open interest and last price are not carried.
 *
 * A row the format does not allow (a bad side, a price that is not a
 * positive decimal, a time that is not microseconds or goes back, a column
 * count that does not match, an exchange the console does not speak) is
 * counted in `rejected` and never guessed. A refused row of a book message
 * refuses the whole message (as the venue mappers refuse a book message with
 * one bad level) and breaks that book: see tardis-frames.ts.
 */

/** Tardis exchange ids -> capture venue ids. https://api.tardis.dev/v1/exchanges */
const TARDIS_VENUES: Readonly<Record<string, VenueId>> = {
  binance: 'binance-spot',
  'binance-futures': 'binance-usdm',
  'binance-delivery': 'binance-coinm',
  okex: 'okx',
  'okex-swap': 'okx',
  'okex-futures': 'okx',
  'okex-options': 'okx',
  okx: 'okx',
  'okx-swap': 'okx',
  'okx-futures': 'okx',
  'okx-options': 'okx',
};

/** The capture venue of a Tardis exchange id; undefined for one the importer has no frames for (bybit, deribit, ...). */
export function venueOfTardisExchange(exchange: string): VenueId | undefined {
  return TARDIS_VENUES[exchange];
}

export type TardisDataset = 'incremental_book_L2' | 'book_snapshot' | 'quotes' | 'derivative_ticker';

const COMMON = ['exchange', 'symbol', 'timestamp', 'local_timestamp'];

/** Which dataset a header is, by its columns; null when none the import reads. */
export function tardisDatasetOf(columns: readonly string[]): TardisDataset | null {
  const has = (c: string): boolean => columns.includes(c);
  if (has('is_snapshot') || (has('side') && has('price') && has('amount'))) return 'incremental_book_L2';
  if (columns.some((c) => /^(bids|asks)\[\d+\]\.price$/.test(c))) return 'book_snapshot';
  if (has('bid_price') || has('ask_price')) return 'quotes';
  if (has('mark_price') || has('funding_rate') || has('index_price')) return 'derivative_ticker';
  return null;
}

const REQUIRED: Readonly<Record<Exclude<TardisDataset, 'book_snapshot'>, readonly string[]>> = {
  incremental_book_L2: [...COMMON, 'is_snapshot', 'side', 'price', 'amount'],
  quotes: [...COMMON, 'bid_price', 'bid_amount', 'ask_price', 'ask_amount'],
  derivative_ticker: [...COMMON, 'funding_rate', 'funding_timestamp', 'mark_price', 'index_price'],
};

const MICROS = /^\d{1,17}$/;
const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
/** Rows of one book message held before it is passed on as a snapshot and its continuation (bounded memory). */
const MAX_MESSAGE_ROWS = 50_000;

/** A row refused: thrown inside the row readers, counted by the caller. */
class RowProblem {
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {}
}

function micros(value: string, column: string): number {
  if (!MICROS.test(value)) throw new RowProblem(column === 'local_timestamp' ? 'bad_local_timestamp' : 'bad_timestamp', `${column} ${JSON.stringify(value)} is not microseconds since the epoch`);
  return Number(value);
}

function price(value: string, column: string): string {
  const problem = priceProblem(value);
  if (problem !== undefined) throw new RowProblem('bad_price', `${column} ${JSON.stringify(value)} ${problem}`);
  return value;
}

function amount(value: string, column: string): string {
  const problem = sizeProblem(value);
  if (problem !== undefined) throw new RowProblem('bad_amount', `${column} ${JSON.stringify(value)} ${problem.problem}`);
  return value;
}

/** `undefined` for an empty cell, else a decimal. */
function optionalDecimal(value: string, column: string): string | undefined {
  if (value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !/^-?\d*\.?\d+(e[-+]?\d+)?$/i.test(value)) throw new RowProblem('bad_number', `${column} ${JSON.stringify(value)} is not a number`);
  return value;
}

/** The state a file reader shares with the rows it reads. */
interface Context {
  readonly path: string;
  readonly name: string;
  readonly rejected: ReasonTally;
  readonly columns: Map<string, number>;
  /** Column indexes, read once from the header (-1: absent). */
  readonly at: Record<string, number>;
  /** What could be read of the current row before it was refused (which book it was for). */
  readonly partial: Partial<{ venue: VenueId; exchange: string; symbol: string; local: number }>;
  /** Latest `local_timestamp` accepted, microseconds. */
  lastLocal: number;
}

const INDEXED = ['exchange', 'symbol', 'timestamp', 'local_timestamp', 'is_snapshot', 'side', 'price', 'amount', 'bid_price', 'bid_amount', 'ask_price', 'ask_amount', 'funding_rate', 'funding_timestamp', 'mark_price', 'index_price'];

/**
 * Reads one Tardis CSV file into records (batches in file order). Never
 * throws for bad rows; an unreadable file (corrupt gzip) throws an
 * ImportFileError after the records before the damage were handed over.
 */
export async function* readTardisFile(path: string, rejected: ReasonTally, result: { dataset: TardisDataset | null; rows: number; records: number }): AsyncGenerator<ImportRecord[], void, undefined> {
  const name = basename(path);
  const ctx: Context = { path, name, rejected, columns: new Map(), at: {}, partial: {}, lastLocal: -1 };
  let dataset: TardisDataset | null = null;
  let missing: string[] = [];
  let header: readonly string[] = [];
  const book = new BookMessages(ctx);
  let snapshotLevels: SnapshotColumn[] = [];
  const batches = readCsvBatches(path, {
    onHeader: (columns) => {
      header = columns;
      columns.forEach((c, i) => ctx.columns.set(c, i));
      for (const c of INDEXED) ctx.at[c] = ctx.columns.get(c) ?? -1;
      dataset = tardisDatasetOf(columns);
      result.dataset = dataset;
      if (dataset === 'book_snapshot') {
        snapshotLevels = columns.flatMap((c) => {
          const m = /^(bids|asks)\[(\d+)\]\.price$/.exec(c);
          if (!m) return [];
          const amountAt = ctx.columns.get(`${m[1]}[${m[2]}].amount`);
          if (amountAt === undefined) {
            missing.push(`${m[1]}[${m[2]}].amount`);
            return [];
          }
          return [{ side: m[1] === 'bids' ? ('bid' as const) : ('ask' as const), name: `${m[1]}[${m[2]}]`, price: ctx.columns.get(c)!, amount: amountAt }];
        });
        // Best first on each side, whatever the column order.
        snapshotLevels.sort((a, b) => (a.side === b.side ? levelNo(header[a.price]!) - levelNo(header[b.price]!) : a.side === 'bid' ? -1 : 1));
        missing.push(...COMMON.filter((c) => !ctx.columns.has(c)));
      } else if (dataset !== null) {
        missing = REQUIRED[dataset].filter((c) => !ctx.columns.has(c));
      }
    },
    onProblem: (problem) => {
      result.rows++;
      rejected.add(problem.reason, name, problem.line, problem.detail);
    },
  });
  for await (const batch of batches) {
    const out: ImportRecord[] = [];
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i]!;
      const line = batch.lines[i]!;
      result.rows++;
      if (dataset === null) {
        rejected.add('unknown_dataset', name, line, `the header (${header.slice(0, 8).join(',')}) is none of incremental_book_L2, book_snapshot_25, quotes, derivative_ticker`);
        continue;
      }
      if (missing.length > 0) {
        rejected.add('missing_column', name, line, `the header has no ${missing.join(', ')}`);
        continue;
      }
      if (dataset === 'incremental_book_L2') book.row(row, line, out);
      else readOtherRow(ctx, dataset, row, line, snapshotLevels, out);
    }
    book.endOfBatch(out);
    result.records += out.length;
    if (out.length > 0) yield out;
  }
  const tail: ImportRecord[] = [];
  book.flush(tail);
  result.records += tail.length;
  if (tail.length > 0) yield tail;
}

/** One level's two columns of a book_snapshot_N header. */
interface SnapshotColumn {
  readonly side: 'bid' | 'ask';
  readonly name: string;
  readonly price: number;
  readonly amount: number;
}

function levelNo(column: string): number {
  return Number(/\[(\d+)\]/.exec(column)![1]);
}

interface RowHead {
  readonly exchange: string;
  readonly venue: VenueId;
  readonly symbol: string;
  readonly local: number;
  readonly exchangeTime: number | undefined;
}

/**
 * The columns every dataset has. Throws a RowProblem; `ctx.partial` gets
 * what could be read first (which book a refused row belonged to).
 */
function readHead(ctx: Context, row: readonly string[]): RowHead {
  const at = ctx.at;
  const partial = ctx.partial;
  partial.venue = partial.exchange = partial.symbol = partial.local = undefined;
  const exchange = row[at.exchange!]!;
  const venue = venueOfTardisExchange(exchange);
  if (venue === undefined) throw new RowProblem(exchange === '' ? 'missing_value' : 'unsupported_exchange', exchange === '' ? 'exchange is empty' : `exchange ${JSON.stringify(exchange)} is not a venue the console speaks (binance, binance-futures, binance-delivery, okex, okex-swap, okex-futures, okex-options)`);
  partial.venue = venue;
  partial.exchange = exchange;
  const symbol = row[at.symbol!]!;
  if (!SYMBOL.test(symbol)) throw new RowProblem(symbol === '' ? 'missing_value' : 'bad_symbol', `symbol ${JSON.stringify(symbol)}`);
  partial.symbol = symbol;
  const local = micros(row[at.local_timestamp!]!, 'local_timestamp');
  partial.local = local;
  const exchangeMicros = micros(row[at.timestamp!]!, 'timestamp');
  if (local < ctx.lastLocal) throw new RowProblem('unsorted_time', `local_timestamp ${local} is before the previous row's ${ctx.lastLocal}`);
  return { exchange, venue, symbol, local, exchangeTime: exchangeMicros === local ? undefined : Math.floor(exchangeMicros / 1000) };
}

/** book_snapshot_N, quotes and derivative_ticker rows: one record per row. */
function readOtherRow(ctx: Context, dataset: TardisDataset, row: readonly string[], line: number, levels: readonly SnapshotColumn[], out: ImportRecord[]): void {
  const partial = ctx.partial;
  const cell = (c: string): string => row[ctx.at[c]!]!;
  try {
    const head = readHead(ctx, row);
    const base = { t: head.local / 1000, venue: head.venue, exchange: head.exchange, symbol: head.symbol, file: ctx.name, line };
    if (dataset === 'book_snapshot') {
      const bids: RawLevel[] = [];
      const asks: RawLevel[] = [];
      for (const level of levels) {
        const p = row[level.price]!;
        const a = row[level.amount]!;
        if (p === '' && a === '') continue;
        (level.side === 'bid' ? bids : asks).push([price(p, `${level.name}.price`), amount(a, `${level.name}.amount`)]);
      }
      out.push({ ...base, kind: 'book', dataset: 'book_snapshot', snapshot: true, exchangeTime: head.exchangeTime, bids, asks, rows: 1 });
    } else if (dataset === 'quotes') {
      const side = (p: string, a: string, name: string): [string, string] => (p === '' && a === '' ? ['0', '0'] : [price(p, `${name}_price`), amount(a, `${name}_amount`)]);
      const [bidPrice, bidAmount] = side(cell('bid_price'), cell('bid_amount'), 'bid');
      const [askPrice, askAmount] = side(cell('ask_price'), cell('ask_amount'), 'ask');
      out.push({ ...base, kind: 'quote', exchangeTime: head.exchangeTime, bidPrice, bidAmount, askPrice, askAmount });
    } else {
      const fundingMicros = cell('funding_timestamp');
      out.push({
        ...base,
        kind: 'derivative',
        exchangeTime: head.exchangeTime,
        markPrice: optionalDecimal(cell('mark_price'), 'mark_price'),
        indexPrice: optionalDecimal(cell('index_price'), 'index_price'),
        fundingRate: optionalDecimal(cell('funding_rate'), 'funding_rate'),
        fundingTime: fundingMicros === '' ? undefined : Math.floor(micros(fundingMicros, 'funding_timestamp') / 1000),
      });
    }
    ctx.lastLocal = head.local;
  } catch (error) {
    if (!(error instanceof RowProblem)) throw error;
    ctx.rejected.add(error.reason, ctx.name, line, `${error.detail}: ${row.join(',')}`);
    // A refused snapshot row: the book it would have replaced is not the venue's any more.
    if (dataset === 'book_snapshot' && partial.symbol !== undefined && partial.venue !== undefined) {
      out.push({ kind: 'book_break', dataset: 'book_snapshot', t: breakTime(ctx, partial.local), venue: partial.venue, exchange: partial.exchange!, symbol: partial.symbol, file: ctx.name, line });
    }
  }
}

/** Where a break goes in time: at its row when that time is in order, else at the latest time of the file. */
function breakTime(ctx: Context, local: number | undefined): number {
  return (local !== undefined && local >= ctx.lastLocal ? local : Math.max(ctx.lastLocal, 0)) / 1000;
}

interface OpenMessage {
  readonly key: string;
  readonly venue: VenueId;
  readonly exchange: string;
  readonly symbol: string;
  readonly local: number;
  readonly isSnapshot: boolean;
  readonly exchangeTime: number | undefined;
  readonly line: number;
  bids: RawLevel[];
  asks: RawLevel[];
  rows: number;
  /** A row of it was refused: the whole message is. */
  refused: boolean;
}

/**
 * incremental_book_L2 rows -> book messages: consecutive rows of one symbol
 * with the same `local_timestamp` and `is_snapshot`. A snapshot message
 * that follows an update of its symbol (or is the first) starts a new book;
 * one that follows a snapshot message continues it (more levels of the same
 * snapshot run).
 */
class BookMessages {
  private open: OpenMessage | null = null;
  /** `venue:symbol` -> the last message was a snapshot. */
  private readonly lastWasSnapshot = new Map<string, boolean>();

  constructor(private readonly ctx: Context) {}

  row(row: readonly string[], line: number, out: ImportRecord[]): void {
    const ctx = this.ctx;
    const at = ctx.at;
    let head: RowHead;
    let isSnapshot: boolean;
    let side: string;
    let level: RawLevel;
    try {
      head = readHead(ctx, row);
      const snap = row[at.is_snapshot!]!;
      if (snap !== 'true' && snap !== 'false') throw new RowProblem('bad_is_snapshot', `is_snapshot ${JSON.stringify(snap)} is neither true nor false`);
      isSnapshot = snap === 'true';
      side = row[at.side!]!;
      if (side !== 'bid' && side !== 'ask') throw new RowProblem('bad_side', `side ${JSON.stringify(side)} is neither bid nor ask`);
      level = [price(row[at.price!]!, 'price'), amount(row[at.amount!]!, 'amount')];
    } catch (error) {
      if (!(error instanceof RowProblem)) throw error;
      ctx.rejected.add(error.reason, ctx.name, line, `${error.detail}: ${row.join(',')}`);
      this.refuse(ctx.partial, line, out);
      return;
    }
    let open = this.open;
    if (open !== null && (open.symbol !== head.symbol || open.venue !== head.venue || open.local !== head.local || open.isSnapshot !== isSnapshot || open.rows >= MAX_MESSAGE_ROWS)) {
      this.close(out);
      open = null;
    }
    ctx.lastLocal = head.local;
    if (open === null) {
      open = this.open = { key: `${head.venue}:${head.symbol}`, venue: head.venue, exchange: head.exchange, symbol: head.symbol, local: head.local, isSnapshot, exchangeTime: head.exchangeTime, line, bids: [], asks: [], rows: 0, refused: false };
    }
    open.rows++;
    if (open.refused) {
      ctx.rejected.add('rest_of_refused_message', ctx.name, line, `${head.symbol}: a row of this message was refused`);
      return;
    }
    (side === 'bid' ? open.bids : open.asks).push(level);
  }

  /** A refused row: its message goes whole, and its book is broken. */
  private refuse(partial: Context['partial'], line: number, out: ImportRecord[]): void {
    if (partial.venue === undefined || partial.symbol === undefined) return;
    const key = `${partial.venue}:${partial.symbol}`;
    const open = this.open;
    if (open !== null && open.key === key && (partial.local === undefined || partial.local === open.local)) {
      if (!open.refused) this.ctx.rejected.addMany('rest_of_refused_message', open.rows, this.ctx.name, open.line, `${open.symbol}: ${open.rows} rows before the refused row of the same message`);
      open.refused = true;
      return;
    }
    this.close(out);
    out.push({ kind: 'book_break', dataset: 'incremental_book_L2', t: breakTime(this.ctx, partial.local), venue: partial.venue, exchange: partial.exchange!, symbol: partial.symbol, file: this.ctx.name, line });
  }

  /** Nothing to do between batches: a message may go on in the next one. */
  endOfBatch(_out: ImportRecord[]): void {}

  flush(out: ImportRecord[]): void {
    this.close(out);
  }

  private close(out: ImportRecord[]): void {
    const open = this.open;
    if (open === null) return;
    this.open = null;
    const t = open.local / 1000;
    const file = this.ctx.name;
    if (open.refused) {
      out.push({ kind: 'book_break', dataset: 'incremental_book_L2', t, venue: open.venue, exchange: open.exchange, symbol: open.symbol, file, line: open.line });
      return;
    }
    // Only a snapshot message decides a continuation; most messages are updates and skip the lookup.
    const continues = open.isSnapshot && this.lastWasSnapshot.get(open.key) === true;
    if (open.isSnapshot || continues || this.lastWasSnapshot.get(open.key) !== false) this.lastWasSnapshot.set(open.key, open.isSnapshot);
    const record: BookRecord = { kind: 'book', dataset: 'incremental_book_L2', t, venue: open.venue, exchange: open.exchange, symbol: open.symbol, file, line: open.line, snapshot: open.isSnapshot && !continues, exchangeTime: open.exchangeTime, bids: open.bids, asks: open.asks, rows: open.rows };
    out.push(record);
  }
}
