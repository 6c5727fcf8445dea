import { useEffect, useRef, useState } from 'react';
import { useClient } from '../context';

/**
 * Electron's answer to a file the engine wrote (a market report, an export):
 * it serves nothing over HTTP, so the main process opens the file with the
 * system's application (`openWrittenFile`, once when written and again on
 * click); the path is shown either way, and a refusal is shown, never lost.
 */
export function WrittenFile({ path, testId }: { readonly path: string; readonly testId: string }) {
  const client = useClient();
  const [error, setError] = useState<string | null>(null);
  const opened = useRef<string | null>(null);
  const open = client.openWrittenFile?.bind(client);
  const run = () => {
    if (!open) return;
    setError(null);
    open(path).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  useEffect(() => {
    if (opened.current === path) return;
    opened.current = path;
    // Once per written path.
    run();
  }, [path]);
  return (
    <>
      <span className="muted" data-testid={`${testId}-path`} title={path}>
        written to {path}
      </span>
      {open ? (
        <button type="button" className="chip" data-testid={`${testId}-open`} onClick={run}>
          open
        </button>
      ) : null}
      {error ? <span className="error" data-testid={`${testId}-open-error`}>{error}</span> : null}
    </>
  );
}
