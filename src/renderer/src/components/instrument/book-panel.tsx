import { useEffect } from 'react';
import type { BookLadder } from '../../../../shared/contract';
import { formatClock } from '../../format/format';
import { bookTopText, ladderInstrument, ladderView, sampleTopText, type LadderRowView, type LadderView } from '../../model/book-ladder';
import { useClient, useConsole } from '../context';

/** Levels shown per side; the rows are always drawn (blank when the book is thinner) so the ladder never changes height. */
export const LADDER_DEPTH = 10;

/**
 * The top of one book, asks above bids: prices to the tick's decimals, sizes
 * to the lot's (the exchange's own decimals when unknown), cumulative quote
 * notional, size bars scaled to the largest size shown. The middle row is
 * this book's spread and mid at the ladder's instant; the header line above
 * is the latest sample's, the numbers the summary shows, with its time.
 * Watching a book is one stream per console (`watchBook`): the panel shown
 * last chooses it.
 */
export function BookPanel({ rowKey }: { rowKey: string | null }) {
  const client = useClient();
  const ladder = useConsole((s) => (s.book !== null && s.book.key === rowKey ? s.book : null));
  const row = useConsole((s) => (rowKey === null ? undefined : s.rows[rowKey]));
  useEffect(() => {
    if (rowKey === null) return;
    void client.watchBook(rowKey).catch(() => undefined);
    return () => void client.watchBook(null).catch(() => undefined);
  }, [client, rowKey]);
  const view = ladderView(ladder, ladderInstrument(row), LADDER_DEPTH);
  return (
    <div className="book" data-testid="book-ladder" data-key={rowKey ?? ''} data-price-decimals={view.priceDecimals} data-price-from={view.priceFrom} data-size-decimals={view.sizeDecimals} data-size-from={view.sizeFrom}>
      <LadderStatus ladder={ladder} />
      <div className="ladder-sample muted" data-testid="ladder-sample" data-time={row?.time ?? ''} title="the latest sample: the figures of the summary line">
        {sampleTopText(row, view.priceDecimals)}
      </div>
      <table className="table ladder">
        <colgroup>
          <col className="col-price" />
          <col className="col-size" />
          <col className="col-cum" />
        </colgroup>
        <thead>
          <tr>
            <th className="num">price</th>
            <th className="num" title={view.sizeFrom === 'lot' ? `to the lot size (${view.sizeDecimals} decimals)` : 'lot size unknown: to the most decimals the exchange sends among these levels'}>
              size
            </th>
            <th className="num" data-testid="ladder-cum-label" title={view.cumNotional ? 'cumulative notional from the best price' : 'cumulative size from the best price (contract value unknown)'}>
              {view.cumLabel}
            </th>
          </tr>
        </thead>
        <tbody>
          <Side rows={view.asks} side="ask" />
          <tr className="ladder-mid">
            <td colSpan={3} className="num" data-testid="ladder-top" data-time={view.top?.time ?? ''}>
              {bookTopText(view.top, view.priceDecimals)}
            </td>
          </tr>
          <Side rows={view.bids} side="bid" />
        </tbody>
      </table>
    </div>
  );
}

function LadderStatus({ ladder }: { ladder: BookLadder | null }) {
  if (!ladder) return <div className="ladder-status muted">waiting for book…</div>;
  return (
    <div className={ladder.valid ? 'ladder-status' : 'ladder-status st-invalid'}>
      {ladder.valid ? 'book in sync' : 'BOOK INVALID (resyncing)'} · {ladder.bidLevels}/{ladder.askLevels} levels · {formatClock(ladder.time)}Z
    </div>
  );
}

/** One side, best price next to the middle row (asks come best-last), padded to the depth. */
function Side({ rows, side }: { rows: LadderView['asks']; side: 'bid' | 'ask' }) {
  const blank = Array<null>(Math.max(0, LADDER_DEPTH - rows.length)).fill(null);
  const ordered: (LadderRowView | null)[] = side === 'ask' ? [...blank, ...rows] : [...rows, ...blank];
  return (
    <>
      {ordered.map((r, i) => (
        <tr key={i} className={`ladder-${side}`} data-testid={r ? 'ladder-level' : undefined}>
          <td className="num price">{r?.price ?? ''}</td>
          <td className="num size">
            {r ? (
              <>
                <span className="size-bar" data-testid="size-bar" style={{ width: `${r.bar}%` }} />
                <span className="size-text">{r.size}</span>
              </>
            ) : null}
          </td>
          <td className="num muted">{r?.cum ?? ''}</td>
        </tr>
      ))}
    </>
  );
}
