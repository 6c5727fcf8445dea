import { useEffect } from 'react';
import type { BookLadder } from '../../../../shared/contract';
import { formatClock } from '../../format/format';
import { useClient, useConsole } from '../context';

/** Levels shown per side; the rows are always drawn (blank when the book is thinner) so the ladder never changes height. */
export const LADDER_DEPTH = 10;

type Level = readonly [price: string, size: string];

/**
 * The top of one book, asks above bids, as the exchange sent the numbers.
 * Watching a book is one stream per console (`watchBook`): the panel shown
 * last chooses it.
 */
export function BookPanel({ rowKey }: { rowKey: string | null }) {
  const client = useClient();
  const ladder = useConsole((s) => (s.book !== null && s.book.key === rowKey ? s.book : null));
  useEffect(() => {
    if (rowKey === null) return;
    void client.watchBook(rowKey).catch(() => undefined);
    return () => void client.watchBook(null).catch(() => undefined);
  }, [client, rowKey]);
  return (
    <div className="book" data-testid="book-ladder" data-key={rowKey ?? ''}>
      <LadderStatus ladder={ladder} />
      <table className="table ladder">
        <colgroup>
          <col className="col-price" />
          <col className="col-size" />
          <col className="col-cum" />
        </colgroup>
        <thead>
          <tr>
            <th className="num">price</th>
            <th className="num">size</th>
            <th className="num">cum</th>
          </tr>
        </thead>
        <tbody>
          <Side levels={ladder?.asks ?? []} side="ask" />
          <tr className="ladder-mid">
            <td colSpan={3} className="num">{spreadText(ladder)}</td>
          </tr>
          <Side levels={ladder?.bids ?? []} side="bid" />
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

/** One side, best price next to the middle row: asks are listed best-last. */
function Side({ levels, side }: { levels: readonly Level[]; side: 'bid' | 'ask' }) {
  const top = levels.slice(0, LADDER_DEPTH);
  let cum = 0;
  const rows = top.map(([price, size]) => {
    cum += Number(size);
    return { price, size, cum };
  });
  const padded: ({ price: string; size: string; cum: number } | null)[] = [...rows, ...Array<null>(LADDER_DEPTH - rows.length).fill(null)];
  const ordered = side === 'ask' ? padded.reverse() : padded;
  return (
    <>
      {ordered.map((r, i) => (
        <tr key={i} className={`ladder-${side}`}>
          <td className="num price">{r?.price ?? ''}</td>
          <td className="num">{r?.size ?? ''}</td>
          <td className="num muted">{r ? formatCum(r.cum) : ''}</td>
        </tr>
      ))}
    </>
  );
}

const formatCum = (v: number): string => (v >= 1000 ? v.toFixed(0) : v.toPrecision(4));

function spreadText(ladder: BookLadder | null): string {
  const bid = Number(ladder?.bids[0]?.[0]);
  const ask = Number(ladder?.asks[0]?.[0]);
  if (!Number.isFinite(bid) || !Number.isFinite(ask) || bid <= 0) return '';
  const mid = (bid + ask) / 2;
  return `spread ${(ask - bid).toPrecision(4)} · ${(((ask - bid) / mid) * 1e4).toFixed(2)} bp`;
}
