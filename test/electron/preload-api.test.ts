import { describe, expect, it, vi } from 'vitest';
import { REQUEST_SCHEMAS, type ConsoleEvent } from '../../src/shared/contract';
import { IPC_CHANNELS } from '../../src/preload/ipc-channels';
import { API_METHODS, createPreloadApi, type IpcListener } from '../../src/preload/preload-api';

/**
 * A stand-in for Electron's ipcRenderer (the process boundary, not one of
 * our components): records invokes and keeps listeners per channel.
 */
function fakeIpcRenderer(answer: (channel: string, args: unknown[]) => unknown = () => null) {
  const invoked: { channel: string; args: unknown[] }[] = [];
  const listeners = new Map<string, Set<IpcListener>>();
  const ipc = {
    invoke: async (channel: string, ...args: unknown[]) => {
      invoked.push({ channel, args });
      return answer(channel, args);
    },
    on: (channel: string, listener: IpcListener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    off: (channel: string, listener: IpcListener) => {
      listeners.get(channel)?.delete(listener);
    },
    /** What main's webContents.send does: each listener gets (event, payload). */
    emit: (channel: string, payload: unknown) => {
      const ipcEvent = { sender: 'the IpcRenderer the renderer must never see' };
      for (const listener of [...(listeners.get(channel) ?? [])]) listener(ipcEvent, payload);
    },
    count: (channel: string) => listeners.get(channel)?.size ?? 0,
  };
  return { ipc, invoked, api: createPreloadApi(ipc.invoke, ipc.on, ipc.off) };
}

const OVERVIEW: ConsoleEvent = { type: 'overview', rows: [] };

describe('preload API (window.surveil)', () => {
  it('has exactly the contract methods plus subscribe and the desktop extras, frozen', () => {
    const { api } = fakeIpcRenderer();
    expect([...API_METHODS].sort()).toEqual(Object.keys(REQUEST_SCHEMAS).sort());
    expect(Object.keys(api).sort()).toEqual([...Object.keys(REQUEST_SCHEMAS), 'subscribe', 'onFocusAlert', 'loadLayout', 'saveLayout'].sort());
    expect(Object.isFrozen(api)).toBe(true);
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('sends every request as (method, args) on the one request channel and returns the answer', async () => {
    const { api, invoked } = fakeIpcRenderer((_channel, [method]) => ({ answered: method }));
    await expect(api.snapshot()).resolves.toEqual({ answered: 'snapshot' });
    await api.openCapture({ path: '/captures/a.jsonl.gz', speed: 'max' });
    await api.watchBook(null);
    await api.controlReplay({ action: 'speed', speed: 4 });
    expect(invoked).toEqual([
      { channel: 'surveil:request', args: ['snapshot', []] },
      { channel: 'surveil:request', args: ['openCapture', [{ path: '/captures/a.jsonl.gz', speed: 'max' }]] },
      { channel: 'surveil:request', args: ['watchBook', [null]] },
      { channel: 'surveil:request', args: ['controlReplay', [{ action: 'speed', speed: 4 }]] },
    ]);
  });

  it('passes a refusal from main through as a rejection', async () => {
    const { api } = fakeIpcRenderer(() => {
      throw new Error("Error invoking remote method 'surveil:request': ApiRequestError: series: 0.key: expected venue:symbol");
    });
    await expect(api.series({ key: 'nope', metrics: ['mid'], from: 0, to: 1 })).rejects.toThrow(/expected venue:symbol/);
  });

  it('subscribe delivers the event payload only, never the IPC event, and returns its own unsubscribe', () => {
    const { api, ipc } = fakeIpcRenderer();
    const first = vi.fn();
    const second = vi.fn();
    const stopFirst = api.subscribe(first);
    const stopSecond = api.subscribe(second);
    expect(ipc.count(IPC_CHANNELS.event)).toBe(2);

    ipc.emit(IPC_CHANNELS.event, OVERVIEW);
    expect(first.mock.calls).toEqual([[OVERVIEW]]);
    expect(second.mock.calls).toEqual([[OVERVIEW]]);

    stopFirst();
    stopFirst(); // twice is harmless and does not remove the other listener
    ipc.emit(IPC_CHANNELS.event, OVERVIEW);
    expect(first).toHaveBeenCalledTimes(1);
    expect(second).toHaveBeenCalledTimes(2);
    stopSecond();
    expect(ipc.count(IPC_CHANNELS.event)).toBe(0);
  });

  it('a throwing listener does not stop the others; malformed payloads are dropped', () => {
    const { api, ipc } = fakeIpcRenderer();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const after = vi.fn();
    api.subscribe(() => {
      throw new Error('render failed');
    });
    api.subscribe(after);
    ipc.emit(IPC_CHANNELS.event, OVERVIEW);
    ipc.emit(IPC_CHANNELS.event, 'not an event');
    ipc.emit(IPC_CHANNELS.event, null);
    expect(after.mock.calls).toEqual([[OVERVIEW]]);
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });

  it('refuses a listener that is not a function', () => {
    const { api } = fakeIpcRenderer();
    expect(() => api.subscribe(undefined as never)).toThrow(TypeError);
  });

  it('onFocusAlert hears the focus-alert channel only', () => {
    const { api, ipc } = fakeIpcRenderer();
    const focus = vi.fn();
    const events = vi.fn();
    const stop = api.onFocusAlert(focus);
    api.subscribe(events);
    ipc.emit(IPC_CHANNELS.focusAlert, 'alert-42');
    ipc.emit(IPC_CHANNELS.focusAlert, 42);
    expect(focus.mock.calls).toEqual([['alert-42']]);
    expect(events).not.toHaveBeenCalled();
    stop();
    ipc.emit(IPC_CHANNELS.focusAlert, 'alert-43');
    expect(focus).toHaveBeenCalledTimes(1);
  });

  it('loads and saves the panel layout on their channels', async () => {
    const { api, invoked } = fakeIpcRenderer((channel) => (channel === IPC_CHANNELS.layoutLoad ? { alertsWidth: 320 } : undefined));
    await expect(api.loadLayout()).resolves.toEqual({ alertsWidth: 320 });
    await expect(api.saveLayout({ alertsWidth: 400, chartsOpen: true })).resolves.toBeUndefined();
    expect(invoked).toEqual([
      { channel: 'surveil:layout-load', args: [] },
      { channel: 'surveil:layout-save', args: [{ alertsWidth: 400, chartsOpen: true }] },
    ]);
  });
});
