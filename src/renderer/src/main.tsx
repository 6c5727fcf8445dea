import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { chooseClient } from './api/choose-client';
import { ClientContext, StoreContext } from './components/context';
import { App } from './components/shell/app';
import { createEventPump } from './live/event-pump';
import { frameScheduler } from './live/frame-scheduler';
import { startInterestSync } from './live/interest-sync';
import { followReplayRules } from './live/replay-rules';
import { createNotifier } from './live/notifier';
import { createConsoleStore } from './store/console-store';
import { storagePrefs } from './store/prefs';
import './styles.css';

/**
 * Start-up, the one place things are wired: the API client (Electron IPC
 * when the preload exposed it, the page's WebSocket otherwise), the store,
 * the event pump between them, then React.
 */
const client = chooseClient(window);
const store = createConsoleStore(storagePrefs(window.localStorage));

const interest = startInterestSync(store, client);

// The interest goes first: the engine answers the snapshot with full rows for it and the rest in brief.
const reload = (): void => {
  void interest
    .send()
    .then(() => client.snapshot())
    .then((snapshot) => store.getState().loadSnapshot(snapshot, Date.now()))
    .catch((error: unknown) => console.error('snapshot failed', error)); // a reconnect reloads it
};

followReplayRules(store, reload);

const pump = createEventPump({ store, schedule: frameScheduler, onMode: reload, onNotify: createNotifier(client.kind) });
client.subscribe(pump.push);
store.getState().setLink(client.link());
client.onLink((link, reconnected) => {
  store.getState().setLink(link);
  if (reconnected) reload();
});
reload();
// A click on a desktop notification (Electron) opens that alert.
client.onFocusAlert?.((alertId) => {
  store.getState().setView('alerts');
  store.getState().setAlertSel(alertId);
});

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <ClientContext.Provider value={client}>
        <App />
      </ClientContext.Provider>
    </StoreContext.Provider>
  </StrictMode>,
);
