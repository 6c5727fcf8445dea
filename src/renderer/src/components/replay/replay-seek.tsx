import { useEffect, useMemo, useState } from 'react';
import type { SeekInstrument } from '../../../../shared/contract';
import { formatMetric, formatSigma } from '../../format/format';
import { ruleLines, ruleTally } from '../../model/rule-lines';
import { formatInstant, formatOffset, parseInstant } from '../../model/seek-time';
import { useConsole } from '../context';
import { SEEK_PANEL_LEVELS, type ReplaySeekState } from './use-replay-seek';

type Level = readonly [price: string, size: string];

/**
 * The opened capture at an instant: seek by time (typed, or on the slider over
 * the capture's range), step frame by frame through one instrument's book,
 * and the book ladder, metrics and rule states as they were then, labelled
 * with the instant and the frame the book is as of (docs/seek.md).
 */
export function ReplaySeekPanel({ seek }: { seek: ReplaySeekState }) {
  const replay = useConsole((s) => s.replay);
  const keys = useConsole((s) => s.keys);
  const view = seek.view;
  const firstT = view?.firstT ?? replay?.firstT ?? null;
  const lastT = view?.lastT ?? replay?.lastT ?? null;
  const [text, setText] = useState('');
  const [typed, setTyped] = useState<string | null>(null);
  // The field follows the instant shown; typing takes it over until the next seek.
  useEffect(() => {
    if (view) setText(formatInstant(view.at));
  }, [view]);
  const go = (): void => {
    const at = parseInstant(text, firstT);
    if (at === null) return setTyped(`"${text}" is not a time: type 2026-03-02 00:01:15.250 (UTC), +45s from the capture's start, or epoch ms`);
    setTyped(null);
    seek.seekTo(at);
  };
  const shown = view?.instruments[0] ?? null;
  const busy = seek.loading !== null;
  if (seek.capture === null) {
    return (
      <section className="seek pane" data-testid="seek-panel">
        <div className="toolbar">
          <span className="pane-title">At an instant</span>
        </div>
        <div className="empty">Open a capture to seek in it.</div>
      </section>
    );
  }
  return (
    <section className="seek pane" data-testid="seek-panel">
      <div className="toolbar seek-toolbar">
        <span className="pane-title">At an instant</span>
        <select className="select" data-testid="seek-instrument" value={seek.instrument ?? ''} onChange={(e) => seek.setInstrument(e.target.value)} title="the instrument whose book is shown and stepped through">
          {seek.instrument === null ? <option value="">instrument…</option> : null}
          {(keys.includes(seek.instrument ?? '') || seek.instrument === null ? keys : [seek.instrument, ...keys]).map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <input
          className="input input-time"
          data-testid="seek-time"
          data-filter
          placeholder="2026-03-02 00:01:15.250 or +45s"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') go();
          }}
        />
        <button type="button" className="btn btn-primary" data-testid="seek-go" disabled={busy || text.trim() === ''} onClick={go}>
          Seek
        </button>
        <button type="button" className="btn" data-testid="seek-prev" disabled={busy || !shown} onClick={() => seek.step('previous')} title="the previous frame that touched this book">
          ◀ frame
        </button>
        <button type="button" className="btn" data-testid="seek-next" disabled={busy || !shown} onClick={() => seek.step('next')} title="the next frame that touches this book">
          frame ▶
        </button>
        {firstT !== null && lastT !== null && lastT > firstT ? (
          <input
            type="range"
            className="seek-slider"
            data-testid="seek-slider"
            min={firstT}
            max={lastT}
            step={1}
            value={view?.at ?? firstT}
            disabled={busy}
            title={`${formatInstant(firstT)} to ${formatInstant(lastT)} (UTC)`}
            onChange={(e) => setText(formatInstant(Number(e.target.value)))}
            onPointerUp={(e) => seek.seekTo(Number((e.target as HTMLInputElement).value))}
            onKeyUp={(e) => seek.seekTo(Number((e.target as HTMLInputElement).value))}
          />
        ) : null}
      </div>
      <div className="seek-status">
        {seek.loading ? (
          <span className="muted" data-testid="seek-loading">
            {seek.loading}
          </span>
        ) : null}
        {typed ? <span className="error">{typed}</span> : null}
        {seek.error ? (
          <span className="error" data-testid="seek-error">
            {seek.error}
          </span>
        ) : null}
        {seek.note ? (
          <span className="warning" data-testid="seek-note">
            {seek.note}
          </span>
        ) : null}
        {!view && !seek.loading && !seek.error ? <span className="muted">Type a time, use the slider, or jump from an alert of this run.</span> : null}
      </div>
      {view && shown ? <SeekResult instrument={shown} at={view.at} firstT={view.firstT} warmFrom={view.warmFrom} frames={view.framesReplayed} ms={view.elapsedMs} stale={busy} /> : null}
    </section>
  );
}

function SeekResult({ instrument, at, firstT, warmFrom, frames, ms, stale }: { instrument: SeekInstrument; at: number; firstT: number; warmFrom: number; frames: number; ms: number; stale: boolean }) {
  const lines = useMemo(() => ruleLines({ rules: instrument.rules?.statuses ?? [] }), [instrument]);
  const book = instrument.book;
  return (
    <div className={`seek-result${stale ? ' stale' : ''}`} data-testid="seek-result" data-key={instrument.key} data-at={String(at)}>
      <div className="seek-instant" data-testid="seek-instant">
        <b>{instrument.instrumentId}</b> <span className="muted">{instrument.key}</span> at <b>{formatInstant(at)}Z</b> <span className="muted">({formatOffset(at, firstT)})</span> · book as of{' '}
        <span data-testid="seek-asof" data-asof={instrument.bookAsOf === null ? '' : String(instrument.bookAsOf)}>
          {instrument.bookAsOf === null ? 'no frame of this book yet' : `${formatInstant(instrument.bookAsOf)}Z`}
        </span>{' '}
        <span className="muted">
          · {frames.toLocaleString('en-US')} frames replayed from {formatInstant(warmFrom)}Z in {ms} ms
        </span>
      </div>
      <div className="seek-body">
        <div className="book">
          <div className={book.status === 'valid' ? 'ladder-status' : 'ladder-status st-invalid'} data-testid="seek-book-status">
            {book.status === 'valid' ? 'book in sync' : book.status === 'none' ? 'NO BOOK (ticker only)' : 'BOOK INVALID (waiting for a snapshot or resyncing)'} · {book.bidLevels}/{book.askLevels} levels
            {book.updateId === null ? '' : ` · update id ${book.updateId}`}
          </div>
          <table className="table ladder" data-testid="seek-ladder">
            <colgroup>
              <col className="col-price" />
              <col className="col-size" />
            </colgroup>
            <thead>
              <tr>
                <th className="num">price</th>
                <th className="num">size</th>
              </tr>
            </thead>
            <tbody>
              <Side levels={book.asks} side="ask" />
              <tr className="ladder-mid">
                <td colSpan={2} className="num">
                  {book.bids[0] && book.asks[0] ? `spread ${(Number(book.asks[0][0]) - Number(book.bids[0][0])).toPrecision(4)}` : ''}
                </td>
              </tr>
              <Side levels={book.bids} side="bid" />
            </tbody>
          </table>
        </div>
        <div className="seek-metrics" data-testid="seek-metrics">
          <div className="panel-title">Metrics {instrument.metrics ? <span className="muted">at {formatInstant(instrument.metrics.time)}Z</span> : null}</div>
          {instrument.metrics ? (
            <table className="table">
              <tbody>
                {Object.entries(instrument.metrics.values).map(([name, v]) => (
                  <tr key={name} data-testid="seek-metric" data-metric={name}>
                    <td className="txt">{name}</td>
                    <td className="num">{formatMetric(name, v)}</td>
                    <td className="num muted">{formatSigma(instrument.rules?.zscores[name as keyof typeof instrument.rules.zscores] ?? null)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <div className="muted">no sample (no book or mid yet)</div>
          )}
        </div>
        <div className="seek-rules" data-testid="seek-rules">
          <div className="panel-title">
            Rules {instrument.rules ? <span className="muted">at the sample of {formatInstant(instrument.rules.time)}Z · {ruleTally(lines) || 'no rules'}</span> : <span className="muted">no sample yet</span>}
          </div>
          <ul className="rules-list">
            {lines.map((l) => (
              <li key={l.rule} className={`rule-line ${l.tone}`} data-testid="seek-rule" data-rule={l.rule} data-kind={l.kind} title={`${l.rule} (${l.metric}, ${l.severity}): ${l.text}`}>
                <span className="rule-badge">{l.badge}</span>
                <span className="rule-name">{l.rule}</span>
                <span className="rule-text">{l.text}</span>
              </li>
            ))}
          </ul>
          <div className="muted seek-caveat">
            {warmFrom > firstT
              ? `Alert episodes that began more than ${Math.round((at - warmFrom) / 1000)} s before the instant are not seen by a seek (docs/seek.md).`
              : "Replayed from the capture's first frame: rule states as in the full replay."}
          </div>
        </div>
      </div>
    </div>
  );
}

/** One side, best price next to the middle row (asks listed best-last), always {@link SEEK_PANEL_LEVELS} rows. */
function Side({ levels, side }: { levels: readonly Level[]; side: 'bid' | 'ask' }) {
  const rows: (Level | null)[] = [...levels.slice(0, SEEK_PANEL_LEVELS), ...Array<null>(Math.max(0, SEEK_PANEL_LEVELS - levels.length)).fill(null)];
  const ordered = side === 'ask' ? rows.reverse() : rows;
  return (
    <>
      {ordered.map((l, i) => (
        <tr key={i} className={`ladder-${side}`} data-testid={l ? 'seek-level' : undefined} data-side={side}>
          <td className="num price">{l?.[0] ?? ''}</td>
          <td className="num">{l?.[1] ?? ''}</td>
        </tr>
      ))}
    </>
  );
}
