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
      onClick={() => void Notification.requestPermission().then(setPermission)}
    >
      Enable critical-alert notifications
    </button>
  );
}
