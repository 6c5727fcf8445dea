import { InstrumentSummary } from './instrument-summary';
import { InstrumentToolbar } from './instrument-toolbar';
import { PanelGrid } from './panel-grid';
import { RulesPanel } from './rules-panel';
import { useConsole } from '../context';

/** Several panels of one (or several pinned) instruments over a chosen time range. */
export function InstrumentView() {
  const selectedKey = useConsole((s) => s.selectedKey);
  return (
    <section className="view view-instrument">
      <InstrumentToolbar />
      <InstrumentSummary />
      <RulesPanel rowKey={selectedKey} />
      <PanelGrid />
    </section>
  );
}
