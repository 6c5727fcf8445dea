import { NumericBookMessage } from '../decode/numeric-book-message';
import type { VenueId } from '../../shared/core/model';
import type { MapResult } from './venue';

/**
 * A mapper's results carried from one thread to another (a replay decoding
 * ahead: capture/capture-read-ahead.ts) as one array of numbers and a table
 * of strings per batch, and rebuilt equal on the other side: the same plain
 * objects with the same keys in the same order, and a hot decoder's
 * `NumericBookMessage` as that class again (the book sync takes its numeric
 * levels). A structured clone would lose the class and build every object
 * twice over; this builds each once. A result holding anything else (a
 * class it does not know, a function, a Map) is not encoded: the receiver
 * maps that frame itself.
 */

const enum Tag {
  Number = 0,
  String = 1,
  Undefined = 2,
  False = 3,
  True = 4,
  Null = 5,
  Object = 6,
  Array = 7,
  Book = 8,
}

/** A batch's strings, each sent once (venues, URLs, symbols, key lists repeat on nearly every frame). */
export class StringTable {
  readonly strings: string[] = [];
  private readonly index = new Map<string, number>();

  indexOf(text: string): number {
    let at = this.index.get(text);
    if (at === undefined) {
      at = this.strings.push(text) - 1;
      this.index.set(text, at);
    }
    return at;
  }
}

/** Keys of a plain object, as one string of the table (a separator no key of ours holds). */
const KEY_SEPARATOR = '\u0000';

/** Thrown inside the encoder to leave a result out (any other throw leaves it out the same way). */
const UNENCODABLE = new Error('not carried by the map-result codec');

export class MapResultEncoder {
  private out = new Float64Array(4096);
  private length = 0;

  constructor(private readonly strings: StringTable) {}

  /** Appends the result; false (and nothing appended) when it holds something this codec does not carry. */
  encode(result: MapResult): boolean {
    const start = this.length;
    try {
      this.value(result);
      return true;
    } catch {
      // Unencodable, or anything else that went wrong (a cycle's RangeError): the replay's thread maps the frame itself.
      this.length = start;
      return false;
    }
  }

  finish(): Float64Array {
    return this.out.slice(0, this.length);
  }

  private push(value: number): void {
    if (this.length === this.out.length) {
      const grown = new Float64Array(this.out.length * 2);
      grown.set(this.out);
      this.out = grown;
    }
    this.out[this.length++] = value;
  }

  private push2(a: number, b: number): void {
    this.push(a);
    this.push(b);
  }

  private value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.push2(Tag.Number, v);
        return;
      case 'string':
        this.push2(Tag.String, this.strings.indexOf(v));
        return;
      case 'undefined':
        this.push(Tag.Undefined);
        return;
      case 'boolean':
        this.push(v ? Tag.True : Tag.False);
        return;
      case 'object':
        if (v === null) {
          this.push(Tag.Null);
          return;
        }
        if (Array.isArray(v)) {
          // A subclass would come back as a plain array.
          if (Object.getPrototypeOf(v) !== Array.prototype) throw UNENCODABLE;
          this.push2(Tag.Array, v.length);
          for (const item of v) this.value(item);
          return;
        }
        if (Object.getPrototypeOf(v) === NumericBookMessage.prototype) return this.book(v as NumericBookMessage);
        if (Object.getPrototypeOf(v) !== Object.prototype) throw UNENCODABLE;
        {
          const keys = Object.keys(v);
          // Keys travel joined: one that is empty or holds the separator would not split back, and `__proto__` would set the prototype.
          for (const key of keys) if (key === '' || key === '__proto__' || key.includes(KEY_SEPARATOR)) throw UNENCODABLE;
          this.push2(Tag.Object, this.strings.indexOf(keys.join(KEY_SEPARATOR)));
          for (const key of keys) this.value((v as Record<string, unknown>)[key]);
        }
        return;
      default:
        throw UNENCODABLE;
    }
  }

  private book(m: NumericBookMessage): void {
    const fields = m as unknown as { readonly timeKey: boolean };
    this.push(Tag.Book);
    this.value(m.type);
    this.value(m.venue);
    this.value(m.symbol);
    this.value(m.exchangeTime);
    this.value(m.receiveTime);
    this.levels(m.bidLevels);
    this.levels(m.askLevels);
    this.value(m.seq);
    this.value(m.checksum);
    this.value(fields.timeKey);
  }

  private levels(levels: readonly number[]): void {
    this.push(levels.length);
    for (let i = 0; i < levels.length; i++) this.push(levels[i]!);
  }
}

/** Reads back, in order, what a {@link MapResultEncoder} wrote into one batch. */
export class MapResultDecoder {
  private at = 0;
  private readonly keyLists = new Map<number, string[]>();

  constructor(
    private readonly values: Float64Array,
    private readonly strings: readonly string[],
  ) {}

  next(): MapResult {
    return this.value() as MapResult;
  }

  private value(): unknown {
    const values = this.values;
    const tag = values[this.at++]!;
    switch (tag) {
      case Tag.Number:
        return values[this.at++]!;
      case Tag.String:
        return this.strings[values[this.at++]!]!;
      case Tag.Undefined:
        return undefined;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Null:
        return null;
      case Tag.Array: {
        const n = values[this.at++]!;
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.value();
        return out;
      }
      case Tag.Object: {
        const keys = this.keys(values[this.at++]!);
        const out: Record<string, unknown> = {};
        for (const key of keys) out[key] = this.value();
        return out;
      }
      case Tag.Book: {
        const type = this.value() as 'book_snapshot' | 'book_delta';
        const venue = this.value() as VenueId;
        const symbol = this.value() as string;
        const exchangeTime = this.value() as number | undefined;
        const receiveTime = this.value() as number;
        const bids = this.levels();
        const asks = this.levels();
        const seq = this.value() as NumericBookMessage['seq'];
        const checksum = this.value() as number | undefined;
        const timeKey = this.value() as boolean;
        return new NumericBookMessage(type, venue, symbol, exchangeTime, receiveTime, bids, asks, seq, checksum, timeKey);
      }
      default:
        throw new Error(`map-result codec: unknown tag ${tag} at ${this.at - 1}`);
    }
  }

  private keys(index: number): string[] {
    let keys = this.keyLists.get(index);
    if (keys === undefined) {
      const text = this.strings[index]!;
      keys = text === '' ? [] : text.split(KEY_SEPARATOR);
      this.keyLists.set(index, keys);
    }
    return keys;
  }

  private levels(): number[] {
    const values = this.values;
    const n = values[this.at++]!;
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = values[this.at++]!;
    return out;
  }
}
