import { describe, expect, it } from 'vitest';
import { localHistory, surveilSync } from './helpers';

// No PostgreSQL needed: these fail before or at connecting.
describe('surveil sync: configuration errors', () => {
  it('without SURVEIL_PG_URL says where the URL must come from', () => {
    const run = surveilSync(['--db', '/nonexistent/history.sqlite', '--once'], undefined);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/SURVEIL_PG_URL is not set: sync reads the PostgreSQL URL only from this environment variable/);
    expect(run.stderr).toMatch(/never from a config file/);
  });

  it('never prints the password: connection errors show the URL redacted', () => {
    const history = localHistory();
    try {
      history.write(5);
      // Port 1 refuses at once; the password would appear in a naive error message.
      const run = surveilSync(['--db', history.path, '--once', '--desk', 'd'], 'postgres://ops:Sup3r%40Secret@127.0.0.1:1/test?password=Other5ecret');
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('surveil sync: postgres://ops:***@127.0.0.1:1/test?password=***: ');
      expect(run.stderr).toMatch(/ECONNREFUSED|refused/);
      expect(run.stdout + run.stderr).not.toMatch(/Sup3r|Secret|Other5ecret/);
    } finally {
      history.close();
    }
  });

  it('rejects a URL that is not postgres:// without echoing it', () => {
    const run = surveilSync(['--db', 'x.sqlite', '--once', '--desk', 'd'], 'mysql://u:hunter2@h/db');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/must start with postgres:\/\/ or postgresql:\/\//);
    expect(run.stderr).not.toMatch(/hunter2/);
  });

  it('requires --db, and refuses a database file that does not exist', () => {
    expect(surveilSync(['--once'], 'postgres://u@127.0.0.1:1/db')).toMatchObject({ code: 2 });
    const missing = surveilSync(['--db', '/nonexistent/history.sqlite', '--once', '--desk', 'd'], 'postgres://u@127.0.0.1:1/db');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no such file/);
  });
});
