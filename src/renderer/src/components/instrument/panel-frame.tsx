import type { ReactNode } from 'react';
import { PANEL_KINDS, type PanelSpec } from '../../model/panel-layout';
import { useConsole } from '../context';

/**
 * A panel's header: kind, which instrument (follow the view's selection or
 * pin one), move left/right, remove. The body has a fixed height in CSS.
 */
export function PanelFrame({ spec, rowKey, children }: { spec: PanelSpec; rowKey: string | null; children: ReactNode }) {
  const keys = useConsole((s) => s.keys);
  const movePanel = useConsole((s) => s.movePanel);
  const removePanel = useConsole((s) => s.removePanel);
  const setPanelKey = useConsole((s) => s.setPanelKey);
  const label = PANEL_KINDS.find((k) => k.kind === spec.kind)?.label ?? spec.kind;
  return (
    <section className={`panel panel-${spec.kind}`} data-testid="panel" data-panel-kind={spec.kind}>
      <header className="panel-head">
        <span className="panel-title">{label}</span>
        <select
          className="select select-small"
          value={spec.key ?? ''}
          onChange={(e) => setPanelKey(spec.id, e.target.value === '' ? null : e.target.value)}
          title="instrument of this panel"
        >
          <option value="">selected{rowKey && spec.key === null ? ` (${rowKey})` : ''}</option>
          {keys.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <span className="spacer" />
        <button type="button" className="icon-btn" title="move left" onClick={() => movePanel(spec.id, -1)}>
          ◀
        </button>
        <button type="button" className="icon-btn" title="move right" onClick={() => movePanel(spec.id, 1)}>
          ▶
        </button>
        <button type="button" className="icon-btn" title="remove panel" onClick={() => removePanel(spec.id)}>
          ✕
        </button>
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}
