import { InstrumentSummary } from './instrument-summary';
import { InstrumentToolbar } from './instrument-toolbar';
import { PanelGrid } from './panel-grid';

/** Several panels of one (or several pinned) instruments over a chosen time range. */
export function InstrumentView() {
  return (
    <section className="view view-instrument">
      <InstrumentToolbar />
      <InstrumentSummary />
      <PanelGrid />
    </section>
  );
}
