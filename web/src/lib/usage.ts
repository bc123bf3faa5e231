// What a household's readings and billing history say, computed in the page: consumption per
// hour and per day, credit over time, and the monthly statement (and its CSV).
//
// Energy is the difference of the meter's register between consecutive readings the chain
// took; the register of a reading the chain refused, or of a tamper or implausible reading, is
// not energy billed.

import type { BillingEntry, OwnerReading } from './gateway';

export interface Interval { fromMs: number; toMs: number; wh: number; block: number | null }

/** The energy between each reading the chain took and the one it took before. */
export function intervals(readings: OwnerReading[]): Interval[] {
  const taken = readings
    .filter((r) => r.outcome === 'accepted' || r.outcome === 'pending')
    .sort((a, b) => a.seq - b.seq || a.cursor - b.cursor);
  const out: Interval[] = [];
  for (let i = 1; i < taken.length; i++) {
    const wh = taken[i].cumulative_wh - taken[i - 1].cumulative_wh;
    if (wh >= 0) out.push({ fromMs: taken[i - 1].at_ms, toMs: taken[i].at_ms, wh, block: taken[i].block });
  }
  return out;
}

/** Energy per bucket of `bucketMs` (the bucket of each interval's end), as [start ms, kWh]. */
export function perBucket(spans: Interval[], bucketMs: number, offsetMs = 0): [number[], number[]] {
  const sums = new Map<number, number>();
  for (const span of spans) {
    const bucket = Math.floor((span.toMs + offsetMs) / bucketMs) * bucketMs - offsetMs;
    sums.set(bucket, (sums.get(bucket) ?? 0) + span.wh);
  }
  const keys = [...sums.keys()].sort((a, b) => a - b);
  return [keys, keys.map((k) => (sums.get(k) ?? 0) / 1000)];
}

/** The local-time offset that makes day buckets start at local midnight. */
export function localOffsetMs(): number {
  return -new Date().getTimezoneOffset() * 60_000;
}

/** Credit less what is owed, in WATT (for the chart), after each billing row. */
export function balanceSeries(billing: BillingEntry[]): [number[], number[]] {
  const toWatt = (p: bigint) => Number(p) / 1e12;
  return [
    billing.map((row) => row.at_ms),
    billing.map((row) => toWatt(BigInt(row.credit) - BigInt(row.debt) - BigInt(row.emergency_used))),
  ];
}

export interface StatementRow {
  block: number;
  atMs: number;
  readings: number;
  wh: number;
  debited: bigint;
  toppedUp: bigint;
  tariff: number | null;
  credit: bigint;
  debt: bigint;
  emergencyUsed: bigint;
  supply: string;
}

/** The month's billing rows (local time), each with the energy of the readings its block took. */
export function statement(billing: BillingEntry[], spans: Interval[], year: number, month: number): StatementRow[] {
  const from = new Date(year, month, 1).getTime();
  const to = new Date(year, month + 1, 1).getTime();
  const energy = new Map<number, { wh: number; readings: number }>();
  for (const span of spans) {
    if (span.block === null) continue;
    const e = energy.get(span.block) ?? { wh: 0, readings: 0 };
    e.wh += span.wh;
    e.readings += 1;
    energy.set(span.block, e);
  }
  return billing
    .filter((row) => row.at_ms >= from && row.at_ms < to)
    .map((row) => ({
      block: row.block,
      atMs: row.at_ms,
      readings: energy.get(row.block)?.readings ?? 0,
      wh: energy.get(row.block)?.wh ?? 0,
      debited: BigInt(row.debited),
      toppedUp: BigInt(row.topped_up),
      tariff: row.tariff,
      credit: BigInt(row.credit),
      debt: BigInt(row.debt),
      emergencyUsed: BigInt(row.emergency_used),
      supply: row.supply,
    }));
}

/** A plancks amount as exact decimal WATT (12 decimals), for the CSV. */
export function exactWatt(plancks: bigint): string {
  const negative = plancks < 0n;
  const abs = negative ? -plancks : plancks;
  return `${negative ? '-' : ''}${abs / 10n ** 12n}.${(abs % 10n ** 12n).toString().padStart(12, '0')}`;
}

/**
 * The statement as CSV: one line per block, amounts exact, times in ISO 8601 (UTC). The average
 * price is what the block debited divided by its energy: the tariff's price for the hours the
 * readings cover, with any standing charge the block also took.
 */
export function statementCsv(meter: number, rows: StatementRow[]): string {
  const header = 'meter,block,time_utc,readings,energy_kwh,debited_watt,average_price_per_kwh_watt,topped_up_watt,tariff,credit_watt,debt_watt,emergency_used_watt,supply';
  const lines = rows.map((r) => [
    meter,
    r.block,
    new Date(r.atMs).toISOString(),
    r.readings,
    (r.wh / 1000).toFixed(3),
    exactWatt(r.debited),
    r.wh > 0 ? exactWatt((r.debited * 1000n) / BigInt(r.wh)) : '',
    exactWatt(r.toppedUp),
    r.tariff ?? '',
    exactWatt(r.credit),
    exactWatt(r.debt),
    exactWatt(r.emergencyUsed),
    r.supply,
  ].join(','));
  return [header, ...lines].join('\n') + '\n';
}
