import type { FeedView, OverviewRow } from '../../shared/contract';
import type { Alert } from '../../shared/core/model';
import type { SampleEvaluation } from '../../shared/core/surveillance-evaluator';
import { feedView, overviewRow, type FeedReport, type RowContext } from './overview';

/**
 * What the console shows of one market (live, demo or a replay): the latest
 * evaluation per instrument, the open alerts and the feed reports, turned
 * into overview rows and feed views on demand. The live engine and a replay
 * session each keep one, so switching modes never mixes their rows.
 */
export class MarketView {
  private readonly latest = new Map<string, SampleEvaluation>();
  private readonly rows = new Map<string, OverviewRow>();
  private readonly open = new Map<string, Alert>();
  private readonly feeds = new Map<string, FeedReport>();
  private readonly restarts = new Map<string, { count: number; last: { time: number; worker: string; reason: string } }>();

  constructor(private readonly context: RowContext) {}

  /** Takes the latest evaluations; returns the rows they changed. */
  applyEvaluations(items: readonly SampleEvaluation[]): OverviewRow[] {
    for (const evaluation of items) this.latest.set(evaluation.sample.key, evaluation);
    return this.refresh(new Set(items.map((e) => e.sample.key)));
  }

  /** Takes alerts that changed; returns the rows whose status or open count changed with them. */
  applyAlerts(alerts: readonly Alert[]): OverviewRow[] {
    for (const alert of alerts) {
      if (alert.state === 'resolved') this.open.delete(alert.id);
      else this.open.set(alert.id, alert);
    }
    return this.refresh(new Set(alerts.map((a) => a.key)));
  }

  /** Takes a feed report; returns every feed view. */
  applyFeed(report: FeedReport): FeedView[] {
    const restarts = this.restarts.get(report.venue);
    this.feeds.set(report.venue, restarts ? { ...report, restarts } : report);
    return this.feedViews();
  }

  /**
   * A worker died and was started again: a feed worker concerns its venue,
   * the analytics worker every venue (all their z-scores start over).
   */
  applyRestart(venue: string | null, restart: { time: number; worker: string; reason: string }): FeedView[] {
    const venues = venue === null ? [...this.feeds.keys()] : [venue];
    for (const v of venues) {
      const restarts = { count: (this.restarts.get(v)?.count ?? 0) + 1, last: restart };
      this.restarts.set(v, restarts);
      const report = this.feeds.get(v);
      if (report) this.feeds.set(v, { ...report, restarts });
    }
    return this.feedViews();
  }

  /** An open alert by id. */
  alert(id: string): Alert | undefined {
    return this.open.get(id);
  }

  overview(): OverviewRow[] {
    return [...this.rows.values()];
  }

  /** Alerts pending or firing, oldest first. */
  openAlerts(): Alert[] {
    return [...this.open.values()].sort((a, b) => a.openedAt - b.openedAt);
  }

  feedViews(): FeedView[] {
    const rows = this.overview();
    return [...this.feeds.values()].map((report) => feedView(report, rows));
  }

  private refresh(keys: ReadonlySet<string>): OverviewRow[] {
    const changed: OverviewRow[] = [];
    for (const key of keys) {
      const evaluation = this.latest.get(key);
      if (!evaluation) continue;
      const open = [...this.open.values()].filter((a) => a.key === key);
      const row = overviewRow(evaluation, open, this.context);
      this.rows.set(key, row);
      changed.push(row);
    }
    return changed;
  }
}
