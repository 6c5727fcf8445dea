import type { OverviewRow } from '../../../shared/contract';
import type { Severity } from '../../../shared/core/model';
import { describeRuleStatus, type RuleStatus, type RuleStatusKind } from '../../../shared/core/rule-status';

/** One line of the Rules panel: a rule of the instrument and where it stands on the latest sample. */
export interface RuleLine {
  readonly rule: string;
  readonly metric: string;
  readonly severity: Severity;
  readonly kind: RuleStatusKind;
  /** A short state word for the badge: `WARMUP 15/30`, `PENDING 12/60 s`, `FIRING`. */
  readonly badge: string;
  /** The core's sentence for the status (describeRuleStatus). */
  readonly text: string;
  /** CSS class colouring the line by kind; a firing rule takes its severity's colour. */
  readonly tone: string;
}

const secs = (ms: number | null): number => Math.round((ms ?? 0) / 1000);

function badge(s: RuleStatus): string {
  switch (s.kind) {
    case 'armed':
      return s.rewarming && s.warmup ? `ARMED (re-warm ${s.warmup.samples}/${s.warmup.needed})` : 'ARMED';
    case 'warming_up':
      return s.warmup ? `WARMUP ${s.warmup.samples}/${s.warmup.needed}` : 'WARMUP';
    case 'blind':
      return 'NOT JUDGED';
    case 'paused':
      return 'PAUSED';
    case 'pending':
      return `PENDING ${secs(s.heldMs)}/${secs(s.persistMs)} s`;
    case 'active':
      return 'FIRING';
  }
}

function tone(s: RuleStatus): string {
  if (s.kind === 'active') return `rule-active sev-${s.severity}`;
  return `rule-${s.kind}`;
}

/** The Rules panel's lines for a row, in the engine's order (stable from sample to sample, so lines do not jump). */
export function ruleLines(row: Pick<OverviewRow, 'rules'> | undefined): RuleLine[] {
  if (!row) return [];
  return row.rules.map((s) => ({
    rule: s.rule,
    metric: s.metric,
    severity: s.severity,
    kind: s.kind,
    badge: badge(s),
    text: describeRuleStatus(s),
    tone: tone(s),
  }));
}

/** A count per kind for the panel's heading: `2 firing · 1 pending · 4 armed`, worst first. */
export function ruleTally(lines: readonly RuleLine[]): string {
  const order: readonly [RuleStatusKind, string][] = [
    ['active', 'firing'],
    ['pending', 'pending'],
    ['paused', 'paused'],
    ['blind', 'not judged'],
    ['warming_up', 'warming up'],
    ['armed', 'armed'],
  ];
  return order
    .map(([kind, word]) => [lines.filter((l) => l.kind === kind).length, word] as const)
    .filter(([n]) => n > 0)
    .map(([n, word]) => `${n} ${word}`)
    .join(' · ');
}
