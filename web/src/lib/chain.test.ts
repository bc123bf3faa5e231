import { expect, test } from 'vitest';
import { parseWatt, watt } from './chain';

test('parseWatt reads decimal WATT exactly', () => {
  expect(parseWatt('10')).toBe(10n * 10n ** 12n);
  expect(parseWatt(' 0.000000000001 ')).toBe(1n);
  expect(parseWatt('1.5')).toBe(1_500_000_000_000n);
});

test('parseWatt refuses what is not an amount, with a sentence', () => {
  expect(() => parseWatt('1,5')).toThrow('"1,5" is not an amount of WATT');
  expect(() => parseWatt('-1')).toThrow('is not an amount of WATT');
  expect(() => parseWatt('0.0000000000001')).toThrow('at most 12 decimals');
  expect(() => parseWatt('0')).toThrow('more than 0');
});

test('watt rounds to the digits asked and groups thousands', () => {
  expect(watt('1234567000000000')).toBe('1,234.57 WATT');
  expect(watt(-2_500_000_000_000n, 1)).toBe('-2.5 WATT');
  expect(watt('4999999999', 2)).toBe('0.00 WATT');
  expect(watt('5000000000', 2)).toBe('0.01 WATT');
});
