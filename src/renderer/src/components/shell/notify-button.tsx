import { useState } from 'react';
import { useClient } from '../context';

/**
 * Asks for desktop-notification permission on a click (browsers refuse or
 * penalise prompts on load). Hidden in Electron, where the main process notifies.
 */
export function NotifyButton() {
  const client = useClient();
  const supported = client.kind === 'browser' && typeof Notification !== 'undefined';
  const [permission, setPermission] = useState(() => (supported ? Notification.permission : 'denied'));
  if (!supported) return null;
  if (permission === 'granted') return <span className="muted" data-testid="notify-state">notifications on</span>;
  if (permission === 'denied') return <span className="muted" data-testid="notify-state">notifications blocked</span>;
  return (
    <button
      type="button"
      className="btn"
      data-testid="notify-enable"
      title="Enable critical-alert notifications"
      onClick={() => void Notification.requestPermission().then(setPermission)}
    >
      {/* The short label keeps the header on one line below 1500 px (styles.css). */}
      <span className="wide-only">Enable critical-alert notifications</span>
      <span className="narrow-only">Enable alert notifications</span>
    </button>
  );
}
