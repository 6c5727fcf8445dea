import { useState } from 'react';
import type { MarketReportResult } from '../../../../shared/contract';
import { useClient, useConsole } from '../context';
import { WrittenFile } from './written-file';

/** Yesterday (UTC) as YYYY-MM-DD: the T+1 report's usual day. */
export function yesterdayUtc(now = Date.now()): string {
  return new Date(now - 86_400_000).toISOString().slice(0, 10);
}

/**
 * The T+1 market-quality report (docs/report.md) of the selected instrument
 * for a UTC day: the engine writes it into the history folder's `reports/`
 * and the browser console opens it from the web server in a new tab.
 * Electron serves nothing over HTTP: the main process opens the file with
 * the system's browser (`openWrittenFile`) and the path is shown.
 */
export function MarketReportButton() {
  const client = useClient();
  const selectedKey = useConsole((s) => s.selectedKey);
  const [day, setDay] = useState(yesterdayUtc);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<MarketReportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = () => {
    setBusy(true);
    setError(null);
    client
      .marketReport({ day, ...(selectedKey ? { instruments: [selectedKey] } : {}) })
      .then((r) => {
        setResult(r);
        if (client.kind === 'browser') window.open(r.url, '_blank', 'noopener');
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };
  return (
    <span className="group market-report">
      <input
        type="date"
        className="select select-small"
        data-testid="report-day"
        aria-label="report day (UTC)"
        value={day}
        onChange={(e) => setDay(e.target.value)}
      />
      <button type="button" className="btn" data-testid="market-report" disabled={busy || !/^\d{4}-\d{2}-\d{2}$/.test(day)} onClick={run}>
        {busy ? 'Writing report…' : 'Market report'}
      </button>
      {result && !error ? (
        client.kind === 'browser' ? (
          <a className="muted" data-testid="market-report-link" href={result.url} target="_blank" rel="noopener noreferrer">
            {result.empty ? 'report (no data that day)' : 'open report'}
          </a>
        ) : (
          <WrittenFile path={result.path} testId="market-report" />
        )
      ) : null}
      {error ? <span className="error" data-testid="market-report-error">{error}</span> : null}
    </span>
  );
}
