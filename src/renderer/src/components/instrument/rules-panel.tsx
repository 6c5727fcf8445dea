import { useMemo } from 'react';
import { ruleLines, ruleTally } from '../../model/rule-lines';
import { useConsole } from '../context';

/**
 * Where each rule of the selected instrument stands on its latest sample, in
 * words: the answer to "why is this not alerting?" (warming up 15/30, a stale
 * leg, pending 12 of 60 s, z inside its bar) without reading charts. Always
 * shown, not a grid panel, so no saved layout can hide it.
 */
export function RulesPanel({ rowKey }: { rowKey: string | null }) {
  // The row object changes on every sample; the rule list is rebuilt only then.
  const row = useConsole((s) => (rowKey === null ? undefined : s.rows[rowKey]));
  const lines = useMemo(() => ruleLines(row), [row]);
  return (
    <section className="rules" data-testid="rules-panel" data-key={rowKey ?? ''} aria-label="rules">
      <div className="rules-head">
        <span className="panel-title">Rules</span>
        <span className="muted" data-testid="rules-tally">
          {row ? ruleTally(lines) || 'no rules for this instrument' : 'no instrument selected'}
        </span>
      </div>
      <ul className="rules-list">
        {lines.map((l) => (
          <li key={l.rule} className={`rule-line ${l.tone}`} data-testid="rule-status" data-rule={l.rule} data-kind={l.kind} title={`${l.rule} (${l.metric}, ${l.severity}): ${l.text}`}>
            <span className="rule-badge">{l.badge}</span>
            <span className="rule-name">{l.rule}</span>
            <span className="rule-text">{l.text}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
