import { memo } from 'react';
import type { PanelSpec } from '../../model/panel-layout';
import { useConsole } from '../context';
import { BookPanel } from './book-panel';
import { BasisPanel, DepthPanel, SpreadPanel, ZScorePanel } from './chart-panels';
import { PanelFrame } from './panel-frame';

/** The user's panels in a CSS grid of 1-4 columns. */
export function PanelGrid() {
  const layout = useConsole((s) => s.layout);
  return (
    <div className={`panel-grid cols-${layout.columns}`}>
      {layout.panels.map((p) => (
        <Panel key={p.id} spec={p} />
      ))}
      {layout.panels.length === 0 ? <div className="empty">No panels: add one from the toolbar.</div> : null}
    </div>
  );
}

const Panel = memo(function Panel({ spec }: { spec: PanelSpec }) {
  const selectedKey = useConsole((s) => s.selectedKey);
  const rowKey = spec.key ?? selectedKey;
  return (
    <PanelFrame spec={spec} rowKey={rowKey}>
      {spec.kind === 'spread' ? <SpreadPanel rowKey={rowKey} /> : null}
      {spec.kind === 'depth' ? <DepthPanel rowKey={rowKey} /> : null}
      {spec.kind === 'basis' ? <BasisPanel rowKey={rowKey} /> : null}
      {spec.kind === 'zscore' ? <ZScorePanel rowKey={rowKey} /> : null}
      {spec.kind === 'book' ? <BookPanel rowKey={rowKey} /> : null}
    </PanelFrame>
  );
});
