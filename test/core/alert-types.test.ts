import { describe, expectTypeOf, it } from 'vitest';
import type { AlertHistoryRow, AlertView } from '../../src/shared/contract';
import type { Alert, StoredAlert } from '../../src/shared/core/model';
import type { AlertRecord } from '../../src/engine/storage/history-queries';
import type { ReportAlert as ReplayAlert, ReportFeedAlert } from '../../src/engine/replay/replay-report';
import type { ReportAlert as DayReportAlert } from '../../src/engine/report/report-model';

// Checked by the typechecker (`npm run typecheck` covers test/): every row
// type is derived from the one `Alert`, so a field of the alert is a field of
// each row, with the same type, unless the row says otherwise on purpose.
describe('alert row types derive from the one Alert', () => {
  it('keeps every alert field in the stored, history and console rows', () => {
    expectTypeOf<Exclude<keyof Alert, keyof StoredAlert>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<keyof StoredAlert, keyof AlertRecord>>().toEqualTypeOf<never>();
    // The history row carries the acknowledgement as three flat columns.
    expectTypeOf<Exclude<keyof StoredAlert, keyof AlertHistoryRow>>().toEqualTypeOf<'acknowledged'>();
    expectTypeOf<Exclude<keyof Alert, keyof AlertView>>().toEqualTypeOf<never>();
    expectTypeOf<AlertHistoryRow['metric']>().toEqualTypeOf<Alert['metric']>();
    expectTypeOf<AlertRecord['venue']>().toEqualTypeOf<Alert['venue']>();
  });

  it('gives the report rows the alert field types', () => {
    expectTypeOf<ReplayAlert['severity']>().toEqualTypeOf<Alert['severity']>();
    expectTypeOf<ReplayAlert['state']>().toEqualTypeOf<Alert['state']>();
    expectTypeOf<ReportFeedAlert['detail']>().toEqualTypeOf<StoredAlert['detail']>();
    expectTypeOf<DayReportAlert['peakSeverity']>().toEqualTypeOf<StoredAlert['peakSeverity']>();
    expectTypeOf<DayReportAlert['firedAt']>().toEqualTypeOf<Alert['firedAt']>();
  });
});
