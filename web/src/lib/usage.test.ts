import { describe, expect, test } from 'vitest';
import type { BillingEntry, OwnerReading } from './gateway';
import { balanceSeries, exactWatt, intervals, perBucket, statement, statementCsv } from './usage';

const reading = (seq: number, at_ms: number, cumulative_wh: number, outcome: OwnerReading['outcome'] = 'accepted', block: number | null = seq): OwnerReading =>
  ({ cursor: seq, seq, at_ms, cumulative_wh, flags: 0, outcome, reason: null, block });

const row = (block: number, at_ms: number, credit: bigint, debited: bigint, topped_up = 0n): BillingEntry => ({
  block, at_ms, credit: credit.toString(), debt: '0', emergency_used: '0', tariff: 0, supply: 'Connected',
  topped_up: topped_up.toString(), debited: debited.toString(),
});

describe('intervals', () => {
  test('energy is the register difference between consecutive readings the chain took', () => {
    const spans = intervals([reading(2, 2_000, 150), reading(1, 1_000, 100), reading(3, 3_000, 400)]);
    expect(spans).toEqual([
      { fromMs: 1_000, toMs: 2_000, wh: 50, block: 2 },
      { fromMs: 2_000, toMs: 3_000, wh: 250, block: 3 },
    ]);
  });

  test('refused and tamper readings are no energy, and a register that went down makes no interval', () => {
    const spans = intervals([reading(1, 1_000, 100), reading(2, 2_000, 9_999, 'refused'), reading(3, 3_000, 50, 'tamper'), reading(4, 4_000, 160)]);
    expect(spans).toEqual([{ fromMs: 1_000, toMs: 4_000, wh: 60, block: 4 }]);
  });
});

describe('perBucket', () => {
  test('sums each interval into the bucket of its end, in kWh, in time order', () => {
    const hour = 3_600_000;
    const [x, y] = perBucket([
      { fromMs: 0, toMs: hour + 1, wh: 500, block: 1 },
      { fromMs: 0, toMs: 10, wh: 250, block: 1 },
      { fromMs: 0, toMs: hour + 2, wh: 1_500, block: 2 },
    ], hour);
    expect(x).toEqual([0, hour]);
    expect(y).toEqual([0.25, 2]);
  });
});

describe('statement', () => {
  const dec1 = new Date(2026, 11, 1, 12).getTime();
  const nov30 = new Date(2026, 10, 30, 12).getTime();
  const billing = [row(9, nov30, 10n ** 13n, 0n), row(10, dec1, 9n * 10n ** 12n, 10n ** 12n), row(11, dec1 + 6_000, 14n * 10n ** 12n, 0n, 5n * 10n ** 12n)];
  const spans = [{ fromMs: dec1 - 6_000, toMs: dec1, wh: 4_000, block: 10 }];

  test("keeps the month's rows, each with the energy of the readings its block took", () => {
    const rows = statement(billing, spans, 2026, 11);
    expect(rows.map((r) => [r.block, r.wh, r.readings, r.debited, r.toppedUp])).toEqual([
      [10, 4_000, 1, 10n ** 12n, 0n],
      [11, 0, 0, 0n, 5n * 10n ** 12n],
    ]);
  });

  test('its CSV has exact amounts and the price the debit makes', () => {
    const csv = statementCsv(1000, statement(billing, spans, 2026, 11)).trim().split('\n');
    expect(csv).toHaveLength(3);
    const cells = csv[1].split(',');
    expect(cells.slice(0, 2)).toEqual(['1000', '10']);
    expect(cells[4]).toBe('4.000');
    expect(cells[5]).toBe('1.000000000000');
    expect(cells[6]).toBe('0.250000000000');
    expect(csv[2].split(',')[6]).toBe('');
  });

  test('credit over time is credit less what is owed', () => {
    const owing = { ...row(1, 5, 0n, 0n), debt: '2000000000000', emergency_used: '1000000000000' };
    expect(balanceSeries([owing])).toEqual([[5], [-3]]);
  });
});

test('exactWatt writes every planck', () => {
  expect(exactWatt(1n)).toBe('0.000000000001');
  expect(exactWatt(-1_500_000_000_000n)).toBe('-1.500000000000');
});
