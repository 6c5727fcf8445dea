/**
 * The window's size, position and maximized state, and the renderer's panel
 * layout, remembered in one JSON file in the user data folder. The file is
 * input like any other: it is validated on read, and anything wrong in it
 * (hand edits, a crash mid-write, a version from the future) falls back to
 * defaults rather than failing start-up. No electron import: tested directly.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { PanelLayout } from '../preload/preload-api';

/** A window rectangle in screen coordinates (DIP). */
export interface WindowBounds {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** What is remembered between runs. */
export interface WindowState {
  /** Null: never saved, let the window open at its default size, centred. */
  readonly bounds: WindowBounds | null;
  readonly maximized: boolean;
  readonly layout: PanelLayout | null;
}

/** The file name inside `app.getPath('userData')`. */
export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_WINDOW_SIZE = { width: 1600, height: 1000 } as const;
/** Below this the console's panels do not fit; also the BrowserWindow minimum. */
export const MIN_WINDOW_SIZE = { width: 960, height: 600 } as const;
/** At least this much of the window must be on a display for saved bounds to be reused. */
const MIN_VISIBLE = 100;
/** Layout limits: generous for panel sizes and ids, small enough that the file stays tiny. */
const LAYOUT_MAX_KEYS = 64;
const LAYOUT_MAX_JSON = 16_384;

export const EMPTY_WINDOW_STATE: WindowState = { bounds: null, maximized: false, layout: null };

const coordinate = z.number().int().min(-100_000).max(100_000);
const boundsSchema = z
  .object({
    x: coordinate,
    y: coordinate,
    width: z.number().int().min(MIN_WINDOW_SIZE.width).max(20_000),
    height: z.number().int().min(MIN_WINDOW_SIZE.height).max(20_000),
  })
  .strict();

/** Starts with a letter, so `__proto__` and friends are refused, not merely skipped. */
const LAYOUT_KEY = /^[A-Za-z][A-Za-z0-9_.:-]{0,63}$/;
const layoutKey = z.string().regex(LAYOUT_KEY);
const layoutValue = z.union([
  z.number().finite(),
  z.boolean(),
  z.string().max(200),
  z.array(z.number().finite()).max(32),
  z.array(z.string().max(200)).max(32),
]);
// Keys are checked on the raw object first: zod's record silently drops a
// `__proto__` key, and a layout carrying one was not written by the renderer.
const layoutSchema = z
  .custom<Record<string, unknown>>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).every((key) => LAYOUT_KEY.test(key)),
    'expected an object with keys of letters, digits and _.:-',
  )
  .pipe(z.record(layoutKey, layoutValue))
  .refine((layout) => Object.keys(layout).length <= LAYOUT_MAX_KEYS, `at most ${LAYOUT_MAX_KEYS} entries`)
  .refine((layout) => JSON.stringify(layout).length <= LAYOUT_MAX_JSON, `at most ${LAYOUT_MAX_JSON} characters`);

const fileSchema = z
  .object({
    version: z.literal(1),
    bounds: boundsSchema.nullable(),
    maximized: z.boolean(),
    layout: layoutSchema.nullable(),
  })
  .strict();

/** Parses the file's text; invalid or unreadable content gives `EMPTY_WINDOW_STATE`. */
export function parseWindowState(text: string): WindowState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return EMPTY_WINDOW_STATE;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) return EMPTY_WINDOW_STATE;
  return { bounds: parsed.data.bounds, maximized: parsed.data.maximized, layout: parsed.data.layout };
}

/** The file's text for a state. */
export function serializeWindowState(state: WindowState): string {
  return `${JSON.stringify({ version: 1, ...state }, null, 2)}\n`;
}

/**
 * Validates a panel layout sent by the renderer (`surveil.saveLayout`).
 *
 * @throws Error naming the first problem
 */
export function parsePanelLayout(value: unknown): PanelLayout {
  const parsed = layoutSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid panel layout: ${issue ? `${issue.path.join('.') || 'layout'}: ${issue.message}` : 'bad value'}`);
  }
  return parsed.data;
}

/**
 * Saved bounds if at least `MIN_VISIBLE` px of them (both ways) are on one of
 * the displays' work areas now; null otherwise (a monitor was unplugged, the
 * resolution changed) so the window opens centred at its default size.
 */
export function fitToDisplays(bounds: WindowBounds | null, workAreas: readonly WindowBounds[]): WindowBounds | null {
  if (bounds === null) return null;
  const visible = workAreas.some((area) => {
    const w = Math.min(bounds.x + bounds.width, area.x + area.width) - Math.max(bounds.x, area.x);
    const h = Math.min(bounds.y + bounds.height, area.y + area.height) - Math.max(bounds.y, area.y);
    return w >= MIN_VISIBLE && h >= MIN_VISIBLE;
  });
  return visible ? bounds : null;
}

/** Reads and writes the state file. */
export interface WindowStateStore {
  /** The saved state, or `EMPTY_WINDOW_STATE` when the file is missing or invalid. */
  load(): WindowState;
  /** Writes the state (to a temporary file, then renamed: a crash never leaves half a file). */
  save(state: WindowState): void;
}

/** A store over `filePath` (normally `<userData>/window-state.json`). */
export function createWindowStateStore(filePath: string): WindowStateStore {
  return {
    load() {
      try {
        return parseWindowState(readFileSync(filePath, 'utf8'));
      } catch {
        return EMPTY_WINDOW_STATE;
      }
    },
    save(state) {
      mkdirSync(dirname(filePath), { recursive: true });
      const temporary = `${filePath}.tmp`;
      writeFileSync(temporary, serializeWindowState(state), { mode: 0o600 });
      renameSync(temporary, filePath);
    },
  };
}

/** The remembered state of this run, saved on every change. */
export interface WindowStateKeeper {
  /** The current state (as loaded, then as updated). */
  current(): WindowState;
  /** The window moved, resized, or was (un)maximized. `bounds` are the normal (unmaximized) bounds. */
  setWindow(bounds: WindowBounds, maximized: boolean): void;
  /** The renderer saved its panel layout (already validated with `parsePanelLayout`). */
  setLayout(layout: PanelLayout): void;
}

/**
 * Keeps the state in memory and writes it through `store` on each change.
 * Bounds are rounded and raised to the minimum size first, so what is written
 * always passes the validation it will meet when read back.
 */
export function createWindowStateKeeper(store: WindowStateStore): WindowStateKeeper {
  let state = store.load();
  return {
    current: () => state,
    setWindow(bounds, maximized) {
      const clean: WindowBounds = {
        x: clamp(Math.round(bounds.x), -100_000, 100_000),
        y: clamp(Math.round(bounds.y), -100_000, 100_000),
        width: clamp(Math.round(bounds.width), MIN_WINDOW_SIZE.width, 20_000),
        height: clamp(Math.round(bounds.height), MIN_WINDOW_SIZE.height, 20_000),
      };
      state = { ...state, bounds: clean, maximized };
      store.save(state);
    },
    setLayout(layout) {
      state = { ...state, layout };
      store.save(state);
    },
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
