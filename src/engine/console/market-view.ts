import type { FeedView, OverviewRow } from '../../shared/contract';
import type { Alert } from '../../shared/core/model';
import type { ShownEvaluation } from '../workers/ui-evaluation';
import { feedView, overviewRow, type FeedReport, type RowContext } from './overview';

/**
 * What the console shows of one market (live, demo or a replay): the latest
 * evaluation per instrument, the open alerts and the feed reports, turned
 * into overview rows and feed views on demand. The live engine and a replay
 * session each keep one, so switching modes never mixes their rows.
 */
export class MarketView {
  private readonly latest = new Map<string, ShownEvaluation>();
  private readonly rows = new Map<string, OverviewRow>();
  private readonly open = new Map<string, Alert>();
  /** Open alerts by instrument key: a row is rebuilt per evaluation, 2,500 a second at whole-market scale. */
  private readonly openByKey = new Map<string, Map<string, Alert>>();
  private readonly feeds = new Map<string, FeedReport>();
  private readonly restarts = new Map<string, { count: number; last: { time: number; worker: string; reason: string } }>();

  constructor(private readonly context: RowContext) {}

  /** Takes the latest evaluations; returns the rows they changed. */
  applyEvaluations(items: readonly ShownEvaluation[]): OverviewRow[] {
    for (const evaluation of items) this.latest.set(evaluation.sample.key, evaluation);
    return this.refresh(new Set(items.map((e) => e.sample.key)));
  }

  /** Takes alerts that changed; returns the rows whose status or open count changed with them. */
  applyAlerts(alerts: readonly Alert[]): OverviewRow[] {
    for (const alert of alerts) {
      const forKey = this.openByKey.get(alert.key);
      if (alert.state === 'resolved') {
        this.open.delete(alert.id);
        forKey?.delete(alert.id);
        if (forKey?.size === 0) this.openByKey.delete(alert.key);
      } else {
        this.open.set(alert.id, alert);
        if (forKey) forKey.set(alert.id, alert);
        else this.openByKey.set(alert.key, new Map([[alert.id, alert]]));
      }
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
    // Rows grouped once per call: each venue's view reads only its own.
    const byVenue = new Map<string, OverviewRow[]>();
    for (const row of this.rows.values()) {
      const list = byVenue.get(row.venue);
      if (list) list.push(row);
      else byVenue.set(row.venue, [row]);
    }
    return [...this.feeds.values()].map((report) => feedView(report, byVenue.get(report.venue) ?? []));
  }

  private refresh(keys: ReadonlySet<string>): OverviewRow[] {
    const changed: OverviewRow[] = [];
    for (const key of keys) {
      const evaluation = this.latest.get(key);
      if (!evaluation) continue;
      const forKey = this.openByKey.get(key);
      const open = forKey ? [...forKey.values()] : [];
      const row = overviewRow(evaluation, open, this.context);
      this.rows.set(key, row);
      changed.push(row);
    }
    return changed;
  }
}
