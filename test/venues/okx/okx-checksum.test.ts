import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OrderBook } from '../../../src/shared/core/order-book';
import { crc32, okxBookChecksum, okxChecksumText } from '../../../src/engine/venues/okx/okx-checksum';

const lv = (priceText: string, sizeText: string) => ({ priceText, sizeText });

describe('crc32', () => {
  it('matches the standard check vector as a signed 32-bit integer', () => {
    // CRC-32/ISO-HDLC check value: 0xCBF43926.
    expect(crc32('123456789')).toBe(0xcbf43926 | 0);
    expect(crc32('123456789')).toBe(-873187034);
    expect(crc32('')).toBe(0);
    expect(crc32('a')).toBe(0xe8b7be43 | 0);
  });

  // Cross-checked with node:zlib crc32 where this Node has it (20.15+); the venue code must not use it.
  const zlibCrc32 = (zlib as { crc32?: (data: string) => number }).crc32;
  it.skipIf(zlibCrc32 === undefined)('agrees with zlib, non-ASCII text hashed as UTF-8', () => {
    for (const text of ['5.137:20:5.145:50', 'é', '€1', '😀x', 'BTC-USDT']) expect(crc32(text)).toBe(zlibCrc32!(text) | 0);
  });
});

describe('okxChecksumText', () => {
  it('interleaves bid and ask, then continues with the longer side alone', () => {
    // The example of the OKX docs: 2 bids, 3 asks.
    const bids = [lv('3366.1', '7'), lv('3366', '6')];
    const asks = [lv('3366.8', '9'), lv('3368', '8'), lv('3372', '8')];
    expect(okxChecksumText(bids, asks)).toBe('3366.1:7:3366.8:9:3366:6:3368:8:3372:8');
    expect(okxChecksumText(asks.map((a) => a), [])).toBe('3366.8:9:3368:8:3372:8');
    expect(okxChecksumText([], [lv('1', '2')])).toBe('1:2');
    expect(okxChecksumText([], [])).toBe('');
  });

  it('takes 25 levels per side at most', () => {
    const bids = Array.from({ length: 30 }, (_, i) => lv(String(100 - i), '1'));
    const asks = Array.from({ length: 3 }, (_, i) => lv(String(101 + i), '2'));
    const parts = okxChecksumText(bids, asks).split(':');
    expect(parts).toHaveLength(2 * (25 + 3));
    expect(parts.at(-2)).toBe('76'); // the 25th bid
  });
});

describe('okxBookChecksum', () => {
  it('hashes the original strings of the top levels, best first', () => {
    const book = new OrderBook();
    book.applySnapshot(
      [
        ['5.14', '427'],
        ['5.137', '146'],
      ],
      [['5.148', '60']],
    );
    expect(okxBookChecksum(book)).toBe(crc32('5.14:427:5.148:60:5.137:146'));
    // "5.140" is the same price but not the same checksum: OKX hashes text.
    book.applyLevel('bid', '5.140', '427');
    expect(okxBookChecksum(book)).toBe(crc32('5.140:427:5.148:60:5.137:146'));
    expect(okxBookChecksum(book)).not.toBe(crc32('5.14:427:5.148:60:5.137:146'));
  });

  it('hashed straight from the book, equals the CRC32 of the joined text on deep, uneven books', () => {
    for (let depth = 0; depth < 40; depth += 3) {
      const book = new OrderBook();
      const bids = Array.from({ length: depth }, (_, i) => [(100 - i * 0.5).toFixed(1), String(i + 1)] as const);
      const asks = Array.from({ length: Math.floor(depth / 2) }, (_, i) => [(101 + i).toFixed(2), `${i}.5`] as const);
      book.applySnapshot(bids, asks);
      expect(okxBookChecksum(book)).toBe(crc32(okxChecksumText(book.top('bid', 25), book.top('ask', 25))));
    }
  });
});
