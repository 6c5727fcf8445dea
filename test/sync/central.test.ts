import { feedAlertsSyncSuite } from './feed-alerts.suite';
import { idempotentSyncSuite } from './idempotent.suite';
import { outageSuite } from './outage.suite';
import { pgSyncSuite } from './pg-sync.suite';
import { silencesSyncSuite } from './silences.suite';
import { syncCliSuite } from './sync-cli.suite';

// Every test that needs the machine's PostgreSQL is in this one file:
// vitest runs files in parallel but the tests of a file one after another,
// so the outage test (which stops the server) cannot pull it away from the others.
pgSyncSuite();
feedAlertsSyncSuite();
silencesSyncSuite();
syncCliSuite();
idempotentSyncSuite();
outageSuite();
