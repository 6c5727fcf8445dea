import type { BookLevel, OrderBook } from '../../../shared/core/order-book';

/**
 * OKX book checksum: CRC32 (IEEE 802.3, the zlib one) of the top 25 levels
 * of each side, interleaved `bidPx:bidSz:askPx:askSz:...`, compared as a
 * signed 32-bit integer. When one side runs out the other continues alone.
 * The exchange's ORIGINAL strings are hashed ("5.140" and "5.14" differ).
 * https://www.okx.com/docs-v5/en/#order-book-trading-market-data-ws-order-book-channel
 * (see "Checksum"). OKX fixed the field at 0 in June 2026: 0 means "no checksum".
 *
 * Pure and table-based: `node:zlib` `crc32` is missing on parts of Node 20,
 * and the mapper/sync must not depend on Node modules.
 */

/** How many levels per side OKX hashes. */
export const OKX_CHECKSUM_DEPTH = 25;

/** The reflected CRC32 table for polynomial 0xEDB88320, built once. */
const CRC32_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function update(crc: number, byte: number): number {
  return CRC32_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
}

/**
 * CRC32 of a string's UTF-8 bytes, as a signed 32-bit integer (how OKX sends
 * it). `crc32("123456789")` is 0xCBF43926, i.e. -873187034.
 */
export function crc32(text: string): number {
  return (crc32Update(0xffffffff, text) ^ 0xffffffff) | 0;
}

/** Feeds a string's UTF-8 bytes into a running CRC (pre-inverted state). */
function crc32Update(state: number, text: string): number {
  let crc = state;
  for (let i = 0; i < text.length; i += 1) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      crc = update(crc, code);
      continue;
    }
    // Book strings are ASCII; encode anything else as UTF-8 so the hash
    // still matches what a server would compute over the same text.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
        i += 1;
      }
    }
    if (code < 0x800) {
      crc = update(crc, 0xc0 | (code >> 6));
    } else if (code < 0x10000) {
      crc = update(crc, 0xe0 | (code >> 12));
      crc = update(crc, 0x80 | ((code >> 6) & 0x3f));
    } else {
      crc = update(crc, 0xf0 | (code >> 18));
      crc = update(crc, 0x80 | ((code >> 12) & 0x3f));
      crc = update(crc, 0x80 | ((code >> 6) & 0x3f));
    }
    crc = update(crc, 0x80 | (code & 0x3f));
  }
  return crc;
}

/** A level as the checksum sees it: the exchange's strings. */
type TextLevel = Pick<BookLevel, 'priceText' | 'sizeText'>;

/**
 * The text OKX hashes: up to 25 bids and 25 asks interleaved, best first,
 * `bidPx:bidSz:askPx:askSz:...`; the longer side continues alone.
 */
export function okxChecksumText(bids: readonly TextLevel[], asks: readonly TextLevel[]): string {
  const parts: string[] = [];
  const n = Math.min(OKX_CHECKSUM_DEPTH, Math.max(bids.length, asks.length));
  for (let i = 0; i < n; i += 1) {
    const bid = bids[i];
    if (bid !== undefined) parts.push(bid.priceText, bid.sizeText);
    const ask = asks[i];
    if (ask !== undefined) parts.push(ask.priceText, ask.sizeText);
  }
  return parts.join(':');
}

const COLON = 58;

/**
 * The checksum OKX would send for this book, as a signed 32-bit integer.
 * Same result as `crc32(okxChecksumText(top bids, top asks))`, but hashed
 * straight from the book's strings: it runs on every book message, and
 * building the joined text cost more than the rest of the update.
 */
export function okxBookChecksum(book: OrderBook): number {
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  book.forEachOutward('bid', (level) => bids.push(level) < OKX_CHECKSUM_DEPTH);
  book.forEachOutward('ask', (level) => asks.push(level) < OKX_CHECKSUM_DEPTH);
  const n = Math.max(bids.length, asks.length);
  let crc = 0xffffffff;
  let first = true;
  for (let i = 0; i < n; i += 1) {
    const bid = bids[i];
    if (bid !== undefined) {
      if (!first) crc = update(crc, COLON);
      first = false;
      crc = update(crc32Update(crc, bid.priceText), COLON);
      crc = crc32Update(crc, bid.sizeText);
    }
    const ask = asks[i];
    if (ask !== undefined) {
      if (!first) crc = update(crc, COLON);
      first = false;
      crc = update(crc32Update(crc, ask.priceText), COLON);
      crc = crc32Update(crc, ask.sizeText);
    }
  }
  return (crc ^ 0xffffffff) | 0;
}
