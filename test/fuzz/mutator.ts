import type { RawFrame } from '../../src/engine/feed/raw-frame';

/**
 * Mutations of real captures, as a broken network, a broken venue or an
 * attacker would produce them. Every mutation is one a correct engine can
 * notice: it breaks the syntax, a type, a number or the sequence. Mutations
 * that leave a frame valid but different (a digit changed into another
 * digit, a lost OKX update below the 25 levels its checksum covers) are left
 * out: no book builder can tell them from the truth, so they would test
 * nothing but the venue's protocol.
 */

export type Rng = () => number;

/** Values no price or size may take: each must be refused wherever it lands. */
const HOSTILE_DECIMALS = ['1e999', '-1', 'NaN', '', 'Infinity', '1.2.3', '--5', '0x1A', ' 5', '5 ', '1e', '.', '-'];
/** Characters that make JSON text invalid wherever they replace one (inside a string or out). */
const BREAKING_CHARS = ['"', '\\', '\u0001', '\n'];
const WRONG_TYPES = ['null', '5', '"x"', '[]', '{}', 'true', '[[]]', '{"data":null}'];
/** One more than the fuzz's `limits.book_levels_per_side` (invariants.ts). */
export const FLOOD_LEVELS = 2_001;
const BAD_TIMES = [Number.NaN, 1e300, 1e19, -1, 0, Number.POSITIVE_INFINITY];

/** What one capture of the fuzz run looks like: the frames and which were mutated, for a report. */
export interface MutatedCapture {
  readonly frames: RawFrame[];
  /** One line per mutation: `#index kind detail`. */
  readonly mutations: string[];
}

const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;
const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);

/** Every match of a regex in a text, as [start, end) of group 1 (or the match). */
function spans(text: string, re: RegExp): [number, number][] {
  const out: [number, number][] = [];
  for (const m of text.matchAll(re)) {
    const start = m.index + (m[1] === undefined ? 0 : m[0].indexOf(m[1]));
    out.push([start, start + (m[1] ?? m[0]).length]);
  }
  return out;
}

function splice(text: string, [start, end]: [number, number], value: string): string {
  return `${text.slice(0, start)}${value}${text.slice(end)}`;
}

type DataMutation = (data: string, rng: Rng) => { data: string; what: string } | undefined;

/** Mutations of a frame's text; undefined when the frame has nothing to mutate that way. */
const DATA_MUTATIONS: Readonly<Record<string, DataMutation>> = {
  hostile_decimal(data, rng) {
    const found = spans(data, /"(-?\d+(?:\.\d+)?)"/g);
    if (found.length === 0) return undefined;
    const value = pick(rng, HOSTILE_DECIMALS);
    return { data: splice(data, pick(rng, found), value), what: JSON.stringify(value) };
  },
  zero_price(data, rng) {
    const found = spans(data, /\["(\d+(?:\.\d+)?)","/g);
    if (found.length === 0) return undefined;
    const value = pick(rng, ['0', '0.000', '0e5', '-0']);
    return { data: splice(data, pick(rng, found), value), what: value };
  },
  huge_integer(data, rng) {
    const found = spans(data, /[:,[](\d{4,})[,}\]]/g);
    if (found.length === 0) return undefined;
    const value = pick(rng, ['1e400', '9007199254740993', '1.5', '-1e999']);
    return { data: splice(data, pick(rng, found), value), what: value };
  },
  breaking_char(data, rng) {
    if (data.length === 0) return undefined;
    const at = Math.floor(rng() * data.length);
    const c = pick(rng, BREAKING_CHARS);
    return { data: splice(data, [at, at + 1], c), what: `${JSON.stringify(c)} at ${at}` };
  },
  truncate(data, rng) {
    if (data.length < 2) return undefined;
    const at = Math.floor(rng() * (data.length - 1));
    return { data: data.slice(0, at), what: `at ${at} of ${data.length}` };
  },
  nest_inside(data, rng) {
    const found = spans(data, /\[/g);
    if (found.length === 0) return undefined;
    const n = pick(rng, [40, 500, 5_000, 20_000]);
    const [, end] = pick(rng, found);
    return { data: `${data.slice(0, end)}${deep(n)},${data.slice(end)}`, what: `depth ${n}` };
  },
  nest_whole(_data, rng) {
    const n = pick(rng, [33, 5_000, 50_000]);
    return { data: rng() < 0.5 ? deep(n) : `{"arg":${deep(n)},"data":${deep(n)}}`, what: `depth ${n}` };
  },
  wrong_type(data, rng) {
    const value = pick(rng, WRONG_TYPES);
    // The whole frame, or the value of a random key.
    const found = spans(data, /"[A-Za-z]+":(\[|\{|"[^"]*"|-?\d+)/g);
    if (found.length === 0 || rng() < 0.3) return { data: value, what: `frame ${value}` };
    return { data: splice(data, pick(rng, found), value), what: `value ${value}` };
  },
  drop_key(data, rng) {
    const found = spans(data, /"[A-Za-z]+":(?:"[^"]*"|-?\d+),/g);
    if (found.length === 0) return undefined;
    const span = pick(rng, found);
    return { data: splice(data, span, ''), what: data.slice(span[0], Math.min(span[1], span[0] + 20)) };
  },
  level_flood(data, rng) {
    // More new levels than FUZZ_LIMITS lets a side hold: valid data, so only the cap can refuse it.
    const found = spans(data, /"(?:b|a|bids|asks)":\[/g);
    if (found.length === 0) return undefined;
    const [, at] = pick(rng, found);
    const levels: string[] = [];
    for (let i = 0; i < FLOOD_LEVELS; i += 1) levels.push(`["${i + 1}.${Math.floor(rng() * 1e6)}","1"]`);
    const closes = data[at] === ']';
    return { data: `${data.slice(0, at)}${levels.join(',')}${closes ? '' : ','}${data.slice(at)}`, what: `${FLOOD_LEVELS} levels` };
  },
  oversize(data, rng) {
    const size = pick(rng, [2 * 1024 * 1024, 6 * 1024 * 1024]);
    const at = data.indexOf('{');
    if (at === -1) return undefined;
    return { data: `${data.slice(0, at + 1)}"pad":"${'x'.repeat(size)}",${data.slice(at + 1)}`, what: `+${size} chars` };
  },
};

const FRAME_KINDS = Object.keys(DATA_MUTATIONS);

export interface MutateOptions {
  /** Frames to mutate in this capture. */
  readonly count: number;
  /** Indexes that must not be touched (see `protectedTail`). */
  readonly protect: ReadonlySet<number>;
  /** Sequence mutations (drop, swap) only where the venue's sequence numbers reveal them (Binance). */
  readonly sequenced: boolean;
}

/**
 * A mutated copy of `frames`: `count` frames changed in text or time, or
 * duplicated, or (sequenced venues) dropped or swapped with the next one.
 */
export function mutateCapture(frames: readonly RawFrame[], rng: Rng, options: MutateOptions): MutatedCapture {
  const out: (RawFrame | RawFrame[] | null)[] = [...frames];
  const mutations: string[] = [];
  const candidates = frames.length - 1;
  for (let tries = 0; mutations.length < options.count && tries < options.count * 20; tries += 1) {
    const index = Math.floor(rng() * candidates);
    const frame = out[index];
    if (options.protect.has(index) || options.protect.has(index + 1) || frame === null || Array.isArray(frame) || frame === undefined) continue;
    const roll = rng();
    if (roll < 0.06) {
      const t = pick(rng, BAD_TIMES);
      out[index] = { ...frame, t };
      mutations.push(`#${index} bad_time ${t}`);
    } else if (roll < 0.1) {
      out[index] = [frame, frame];
      mutations.push(`#${index} duplicate`);
    } else if (roll < 0.14 && options.sequenced) {
      out[index] = null;
      mutations.push(`#${index} drop`);
    } else if (roll < 0.18 && options.sequenced) {
      const next = out[index + 1];
      if (next === null || Array.isArray(next) || next === undefined) continue;
      out[index] = next;
      out[index + 1] = frame;
      mutations.push(`#${index} swap with next`);
    } else {
      const kind = pick(rng, FRAME_KINDS);
      const changed = DATA_MUTATIONS[kind]!(frame.data, rng);
      if (changed === undefined || changed.data === frame.data) continue;
      out[index] = { ...frame, data: changed.data };
      mutations.push(`#${index} ${kind} ${changed.what}`);
    }
  }
  const flat: RawFrame[] = [];
  for (const item of out) {
    if (item === null) continue;
    if (Array.isArray(item)) flat.push(...item);
    else flat.push(item);
  }
  return { frames: flat, mutations };
}
