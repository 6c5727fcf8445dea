import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EMPTY_WINDOW_STATE,
  MIN_WINDOW_SIZE,
  createWindowStateKeeper,
  createWindowStateStore,
  fitToDisplays,
  parsePanelLayout,
  parseWindowState,
  serializeWindowState,
  type WindowState,
} from '../../src/main/window-state';

const SAVED: WindowState = {
  bounds: { x: 100, y: 80, width: 1400, height: 900 },
  maximized: false,
  layout: { alertsWidth: 360, chartsOpen: true, order: ['overview', 'alerts'], split: [0.6, 0.4] },
};

const dirs: string[] = [];
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'surveil-window-state-'));
  dirs.push(dir);
  return join(dir, 'nested', 'window-state.json');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('window state file', () => {
  it('round-trips', () => {
    expect(parseWindowState(serializeWindowState(SAVED))).toEqual(SAVED);
  });

  it.each([
    ['empty', ''],
    ['not JSON', '{"version": 1,'],
    ['JSON of another shape', '[1, 2]'],
    ['another version', JSON.stringify({ ...SAVED, version: 2 })],
    ['no version', JSON.stringify(SAVED)],
    ['an unknown key', JSON.stringify({ version: 1, ...SAVED, extra: true })],
    ['a window below the minimum size', JSON.stringify({ version: 1, ...SAVED, bounds: { x: 0, y: 0, width: 10, height: 10 } })],
    ['fractional coordinates', JSON.stringify({ version: 1, ...SAVED, bounds: { x: 0.5, y: 0, width: 1400, height: 900 } })],
    ['absurd coordinates', JSON.stringify({ version: 1, ...SAVED, bounds: { x: 1e9, y: 0, width: 1400, height: 900 } })],
    ['a string for a number', JSON.stringify({ version: 1, ...SAVED, bounds: { x: '0', y: 0, width: 1400, height: 900 } })],
    ['maximized as a string', JSON.stringify({ version: 1, ...SAVED, maximized: 'yes' })],
    ['a layout with an object value', JSON.stringify({ version: 1, ...SAVED, layout: { a: { nested: 1 } } })],
    ['a layout key with odd characters', JSON.stringify({ version: 1, ...SAVED, layout: { 'a b<script>': 1 } })],
  ])('falls back to defaults for %s', (_what, text) => {
    expect(parseWindowState(text)).toEqual(EMPTY_WINDOW_STATE);
  });

  it('accepts null bounds and layout', () => {
    const state = { bounds: null, maximized: true, layout: null };
    expect(parseWindowState(serializeWindowState(state))).toEqual(state);
  });

  it('store: missing file gives defaults; save is atomic and readable back', () => {
    const file = tempFile();
    const store = createWindowStateStore(file);
    expect(store.load()).toEqual(EMPTY_WINDOW_STATE);
    store.save(SAVED);
    expect(store.load()).toEqual(SAVED);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
    writeFileSync(file, '{ broken');
    expect(store.load()).toEqual(EMPTY_WINDOW_STATE);
  });

  it('keeper: rounds and raises bounds before saving, keeps layout and window apart', () => {
    const file = tempFile();
    const keeper = createWindowStateKeeper(createWindowStateStore(file));
    keeper.setWindow({ x: 10.4, y: -20.6, width: 300, height: 1000.5 }, true);
    keeper.setLayout({ alertsWidth: 300 });
    const expected = { bounds: { x: 10, y: -21, width: MIN_WINDOW_SIZE.width, height: 1001 }, maximized: true, layout: { alertsWidth: 300 } };
    expect(keeper.current()).toEqual(expected);
    // What was written passes the validation on the next start.
    expect(createWindowStateStore(file).load()).toEqual(expected);
  });
});

describe('panel layout from the renderer', () => {
  it('accepts numbers, flags, short strings and short arrays', () => {
    expect(parsePanelLayout(SAVED.layout)).toEqual(SAVED.layout);
  });

  it.each([
    ['null', null],
    ['an array', [1, 2]],
    ['a nested object', { a: { b: 1 } }],
    ['NaN', { a: Number.NaN }],
    ['a long string', { a: 'x'.repeat(201) }],
    ['a long array', { a: Array(33).fill(1) }],
    ['a mixed array', { a: [1, 'x'] }],
    ['too many entries', Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i]))],
    ['a prototype key', JSON.parse('{"__proto__": {"polluted": true}}')],
  ])('refuses %s', (_what, value) => {
    expect(() => parsePanelLayout(value)).toThrow(/invalid panel layout/);
  });
});

describe('fitToDisplays', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 875 };
  const external = { x: 1440, y: 0, width: 2560, height: 1415 };

  it('keeps bounds that are on a display', () => {
    const bounds = { x: 1600, y: 100, width: 1400, height: 900 };
    expect(fitToDisplays(bounds, [laptop, external])).toBe(bounds);
  });

  it('drops bounds left on a monitor that is gone', () => {
    expect(fitToDisplays({ x: 1600, y: 100, width: 1400, height: 900 }, [laptop])).toBeNull();
  });

  it('needs 100 px visible both ways', () => {
    expect(fitToDisplays({ x: 1340, y: 0, width: 1000, height: 700 }, [laptop])).not.toBeNull(); // exactly 100 px
    expect(fitToDisplays({ x: 1341, y: 0, width: 1000, height: 700 }, [laptop])).toBeNull();
    expect(fitToDisplays({ x: 0, y: 800, width: 1000, height: 700 }, [laptop])).toBeNull(); // 75 px tall
  });

  it('null stays null', () => {
    expect(fitToDisplays(null, [laptop])).toBeNull();
  });
});
