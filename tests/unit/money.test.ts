import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatMinor, majorToMinorBig, MoneySum, parseAmountMinor } from '../../shared/money';

describe('parseAmountMinor', () => {
  it.each([
    ['38888.00', 3888800],
    ['38888', 3888800],
    ['0.5', 50],
    ['0', 0],
    ['0.01', 1],
    ['1000000000000', 100000000000000],
    ['1000000000000.00', 100000000000000],
  ])('%s → %d minor units', (text, minor) => {
    expect(parseAmountMinor(text, 2)).toBe(minor);
  });

  it.each([
    ['NaN', 'bad_amount'],
    ['1e309', 'bad_amount'],
    ['-5', 'bad_amount'],
    ['0x10', 'bad_amount'],
    ['', 'bad_amount'],
    ['12.345', 'too_many_decimals'],
    ['1.', 'bad_amount'],
    ['.5', 'bad_amount'],
    [' 1', 'bad_amount'],
    ['1,000', 'bad_amount'],
    ['+1', 'bad_amount'],
    ['Infinity', 'bad_amount'],
    ['1000000000000.01', 'amount_out_of_range'],
    ['99999999999999', 'amount_out_of_range'],
    ['9'.repeat(1_000_000), 'bad_amount'],
  ])('%s is rejected as %s', (text, code) => {
    expect(parseAmountMinor(text, 2)).toBe(code);
  });

  it('honours the currency minor digits', () => {
    expect(parseAmountMinor('100', 0)).toBe(100);
    expect(parseAmountMinor('1.5', 0)).toBe('too_many_decimals');
    expect(parseAmountMinor('1.234', 3)).toBe(1234);
  });

  it('round-trips every amount in range exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000_000 }), (minor) => {
        expect(parseAmountMinor(formatMinor(minor, 2), 2)).toBe(minor);
      }),
    );
  });
});

describe('formatMinor / majorToMinorBig', () => {
  it('formats minor units as a major decimal', () => {
    expect(formatMinor(123450n, 2)).toBe('1234.50');
    expect(formatMinor(5, 2)).toBe('0.05');
    expect(formatMinor('0', 2)).toBe('0.00');
    expect(formatMinor(7n, 0)).toBe('7');
    expect(formatMinor(10n ** 20n + 1n, 2)).toBe('1000000000000000000.01');
  });
  it('parses event-file amounts to BigInt', () => {
    expect(majorToMinorBig('100000000.00', 2)).toBe(10_000_000_000n);
    expect(majorToMinorBig('1.5', 2)).toBe(150n);
    expect(() => majorToMinorBig('1.555', 2)).toThrow(/decimals/);
    expect(() => majorToMinorBig('-1', 2)).toThrow();
  });
});

describe('MoneySum', () => {
  it('stays exact far beyond 2^53', () => {
    const s = new MoneySum();
    const big = 100_000_000_000_000; // the contract maximum, in minor units
    for (let i = 0; i < 1000; i++) s.add(big);
    s.add(1);
    expect(s.value).toBe(1000n * 100_000_000_000_000n + 1n);
  });
  it('equals a BigInt reference sum for any sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000_000_000_000 }), { maxLength: 300 }), (xs) => {
        const s = new MoneySum();
        for (const x of xs) s.add(x);
        expect(s.value).toBe(xs.reduce((a, b) => a + BigInt(b), 0n));
      }),
    );
  });
});
