import { AckDialog } from '../alerts/ack-dialog';
import { AlertsView } from '../alerts/alerts-view';
import { useClient, useConsole, useStoreApi } from '../context';
import { FeedsView } from '../feeds/feeds-view';
import { InstrumentView } from '../instrument/instrument-view';
import { OverviewView } from '../overview/overview-view';
import { ReplayView } from '../replay/replay-view';
import { FeedBanner } from './feed-banner';
import { KeyHints } from './key-hints';
import { LinkBanner, LinkStatus } from './link-status';
import { ModeBadge } from './mode-badge';
import { NavBar } from './nav-bar';
import { NotifyButton } from './notify-button';
import { OperatorField } from './operator-field';
import { SimulatedBanner } from './simulated-banner';
import { useKeyboard } from './use-keyboard';

/** The console: banners, header, one view at a time, key hints; the acknowledge dialog over any view. */
export function App() {
  const store = useStoreApi();
  const client = useClient();
  useKeyboard(store, client);
  return (
    <div className="app">
      <SimulatedBanner />
      <LinkBanner />
      <FeedBanner />
      <header className="header">
        <span className="brand">SURVEIL</span>
        <NavBar />
        <ModeBadge />
        <span className="spacer" />
        <NotifyButton />
        <OperatorField />
        <LinkStatus />
      </header>
      <main className="main">
        <CurrentView />
      </main>
      <KeyHints />
      <AckDialog />
    </div>
  );
}

function CurrentView() {
  const view = useConsole((s) => s.view);
  switch (view) {
    case 'overview':
      return <OverviewView />;
    case 'instrument':
      return <InstrumentView />;
    case 'alerts':
      return <AlertsView />;
    case 'feeds':
      return <FeedsView />;
    case 'replay':
      return <ReplayView />;
  }
}
