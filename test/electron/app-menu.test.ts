import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate, flattenMenu, type MenuActions } from '../../src/main/app-menu';

function actions() {
  return {
    openCapture: vi.fn<() => void>(),
    startRecording: vi.fn<(venue: string) => void>(),
    stopRecording: vi.fn<() => void>(),
    openSettings: vi.fn<() => void>(),
  } satisfies MenuActions;
}

const BASE = { dev: false, platform: 'linux' as NodeJS.Platform, venues: ['binance-spot', 'okx'], recording: false };

function items(options: Partial<typeof BASE> = {}, acts = actions()) {
  return flattenMenu(buildMenuTemplate(acts, { ...BASE, ...options }));
}
const byId = (list: ReturnType<typeof items>, id: string) => list.find((item) => item.id === id);
const roles = (list: ReturnType<typeof items>) => list.map((item) => item.role).filter(Boolean);

describe('application menu', () => {
  it('offers reload and DevTools in development only', () => {
    for (const role of ['reload', 'forceReload', 'toggleDevTools']) {
      expect(roles(items({ dev: false }))).not.toContain(role);
      expect(roles(items({ dev: true }))).toContain(role);
    }
  });

  it('wires Open capture, recording per venue and Settings to their actions', () => {
    const acts = actions();
    const list = items({}, acts);
    const click = (id: string) => (byId(list, id)?.click as (() => void) | undefined)?.();
    click('open-capture');
    click('record:okx');
    click('settings');
    expect(acts.openCapture).toHaveBeenCalledOnce();
    expect(acts.startRecording).toHaveBeenCalledWith('okx');
    expect(acts.openSettings).toHaveBeenCalledOnce();
    expect(byId(list, 'open-capture')?.label).toBe('Open capture…');
  });

  it('enables Start or Stop recording by state', () => {
    const idle = items({ recording: false });
    expect(byId(idle, 'start-recording')?.enabled).toBe(true);
    expect(byId(idle, 'stop-recording')?.enabled).toBe(false);
    const busy = items({ recording: true });
    expect(byId(busy, 'start-recording')?.enabled).toBe(false);
    expect(byId(busy, 'record:okx')?.enabled).toBe(false);
    expect(byId(busy, 'stop-recording')?.enabled).toBe(true);
  });

  it('puts Settings in the app menu on macOS, in File elsewhere', () => {
    const mac = buildMenuTemplate(actions(), { ...BASE, platform: 'darwin' });
    expect(mac[0]?.role).toBe('appMenu');
    expect(flattenMenu([mac[0]!]).some((item) => item.id === 'settings')).toBe(true);
    const linux = buildMenuTemplate(actions(), BASE);
    expect(linux[0]?.label).toBe('File');
    expect(flattenMenu([linux[0]!]).some((item) => item.id === 'settings')).toBe(true);
  });

  it('says so when no venue is enabled', () => {
    const list = items({ venues: [] });
    expect(list.some((item) => item.label === 'No venue enabled' && item.enabled === false)).toBe(true);
  });
});
