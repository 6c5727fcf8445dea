import { useState } from 'react';
import { useConsole } from '../context';
import { ActiveAlerts } from './active-alerts';
import { AlertHistory } from './alert-history';
import { SilencesPanel } from './silences-panel';
import './alert-desk.css';

/** Active alerts above; below, the history with its case and trail, or the silences. */
export function AlertsView() {
  const [tab, setTab] = useState<'history' | 'silences'>('history');
  const silences = useConsole((s) => s.silences.length);
  return (
    <section className="view view-alerts">
      <ActiveAlerts />
      <div className="tabs" role="tablist">
        <button type="button" role="tab" className={`btn tab${tab === 'history' ? ' active' : ''}`} aria-selected={tab === 'history'} data-testid="tab-history" onClick={() => setTab('history')}>
          History
        </button>
        <button type="button" role="tab" className={`btn tab${tab === 'silences' ? ' active' : ''}`} aria-selected={tab === 'silences'} data-testid="tab-silences" onClick={() => setTab('silences')}>
          Silences ({silences})
        </button>
      </div>
      {tab === 'history' ? <AlertHistory /> : <SilencesPanel />}
    </section>
  );
}
