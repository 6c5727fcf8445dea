import { useState } from 'react';
import type { ExportResult } from '../../../../shared/contract';
import { resolveRange } from '../../model/time-range';
import { consoleNow } from '../../store/selectors';
import { useClient, useConsole, useStoreApi } from '../context';
import { WrittenFile } from './written-file';

const WHATS = [
  { value: 'series', label: 'series' },
  { value: 'alerts', label: 'alerts + audit trail' },
  { value: 'feed-events', label: 'feed events' },
] as const satisfies readonly { value: ExportResult['what']; label: string }[];

const FORMATS = [
  { value: 'csv', label: 'CSV' },
  { value: 'parquet', label: 'Parquet' },
] as const satisfies readonly { value: ExportResult['format']; label: string }[];

/**
 * Export of the selected instrument's history over the range the charts
 * show (docs/exports.md): the engine writes it into the history folder's
 * `exports/`; the browser console downloads it from the web server
 * (`/exports/<file>`), Electron opens it with the system's application
 * (`openWrittenFile`) and shows the path. Exports read the live history,
 * so there is none of a replayed capture.
 */
export function ExportButton() {
  const client = useClient();
  const store = useStoreApi();
  const selectedKey = useConsole((s) => s.selectedKey);
  const replaying = useConsole((s) => s.mode?.kind === 'replay');
  const [what, setWhat] = useState<ExportResult['what']>('series');
  const [format, setFormat] = useState<ExportResult['format']>('csv');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = () => {
    if (selectedKey === null) return;
    const s = store.getState();
    const { from, to } = resolveRange(s.timeRange, consoleNow(s, Date.now()));
    setBusy(true);
    setError(null);
    setResult(null);
    client
      .exportHistory({ instrument: selectedKey, what, format, from: Math.floor(from), to: Math.ceil(to) })
      .then((r) => {
        setResult(r);
        if (client.kind === 'browser') download(r.url);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };
  const disabled = busy || selectedKey === null || replaying;
  return (
    <span className="group export">
      <select className="select select-small" data-testid="export-what" aria-label="what to export" value={what} onChange={(e) => setWhat(e.target.value as ExportResult['what'])}>
        {WHATS.map((w) => (
          <option key={w.value} value={w.value}>
            {w.label}
          </option>
        ))}
      </select>
      <select className="select select-small" data-testid="export-format" aria-label="export format" value={format} onChange={(e) => setFormat(e.target.value as ExportResult['format'])}>
        {FORMATS.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn"
        data-testid="export"
        disabled={disabled}
        title={replaying ? 'exports read the live history, not the replayed capture' : 'export the range shown'}
        onClick={run}
      >
        {busy ? 'Exporting…' : 'Export'}
      </button>
      {result && !error ? (
        <>
          <span className="muted" data-testid="export-rows">
            {result.rows} rows{result.resolution ? ` (${result.resolution})` : ''}
          </span>
          {client.kind === 'browser' ? (
            <a className="muted" data-testid="export-link" href={result.url} download>
              download
            </a>
          ) : (
            <WrittenFile path={result.path} testId="export" />
          )}
        </>
      ) : null}
      {error ? <span className="error" data-testid="export-error">{error}</span> : null}
    </span>
  );
}

/** Starts the download of a served export (Content-Disposition: attachment, so the page stays). */
function download(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
