// The node: one @polkadot/api connection, with the node's `wattcoin_*` RPC methods
// (docs/rpc.md, declared in e2e/lib/rpc.mjs) so that `api.rpc.wattcoin.*` exists.

import { ApiPromise, WsProvider } from '@polkadot/api';
// One declaration of the methods for the app and the e2e tests.
import { wattcoinRpc } from '../../../e2e/lib/rpc.mjs';

/** 1 WATT in plancks (12 decimals). */
export const WATT = 10n ** 12n;

export async function connect(url: string): Promise<ApiPromise> {
  const provider = new WsProvider(url, 2_000);
  return ApiPromise.create({ provider, rpc: wattcoinRpc, noInitWarn: true, throwOnConnect: true });
}

/** `wattcoin_meterStatus` (docs/rpc.md): amounts are decimal strings. */
export interface MeterStatus {
  meter: number;
  at: { hash: string; number: number };
  owner: string;
  operator: string;
  status: 'Active' | 'Suspended' | 'Tampered' | 'Implausible';
  ratedPowerW: number;
  lastReading: { seq: number; atMs: number; cumulativeWh: number } | null;
  credit: string;
  debt: string;
  emergencyCreditUsed: string;
  emergencyCreditAvailable: string;
  supply: 'Connected' | 'LowCredit' | 'Emergency' | 'Disconnected';
  tariff: {
    id: number;
    effectiveFrom: number;
    pricePerKwhNow: string;
    standingChargePerDay: string;
    nextChange: number | null;
  } | null;
  announcedChanges: {
    effectiveFrom: number;
    tariff: number;
    switch: boolean;
    pricePerKwh: string;
    standingChargePerDay: string;
  }[];
  creditBuysWh: number | null;
  averageDailyCost: string;
  projectedDaysLeft: number | null;
  lastBilledMs: number | null;
  unbilledWh: number;
}

export async function meterStatus(api: ApiPromise, meter: number): Promise<MeterStatus> {
  return (await (api.rpc as any).wattcoin.meterStatus(meter)).toJSON() as MeterStatus;
}

/** Every meter `owner` owns, page after page. */
export async function metersOf(api: ApiPromise, owner: string): Promise<number[]> {
  const meters: number[] = [];
  let after: number | null = null;
  do {
    const page: any = (await (api.rpc as any).wattcoin.metersOf(owner, after === null ? { limit: 1000 } : { after, limit: 1000 })).toJSON();
    meters.push(...page.meters);
    after = page.next;
  } while (after !== null);
  return meters;
}

/** An amount of plancks as WATT, with `digits` decimals. */
export function watt(plancks: string | bigint, digits = 2): string {
  const value = BigInt(plancks);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(12 - digits);
  const rounded = (abs + scale / 2n) / scale;
  const whole = rounded / 10n ** BigInt(digits);
  const frac = (rounded % 10n ** BigInt(digits)).toString().padStart(digits, '0');
  return `${negative ? '-' : ''}${whole.toLocaleString('en')}${digits ? '.' + frac : ''} WATT`;
}

/** A decimal amount of WATT typed by a person, in plancks; throws a sentence on bad input. */
export function parseWatt(text: string): bigint {
  const trimmed = text.trim();
  if (!/^\d+(\.\d{1,12})?$/.test(trimmed)) {
    throw new Error(`"${text}" is not an amount of WATT (digits, a dot, at most 12 decimals)`);
  }
  const [whole, frac = ''] = trimmed.split('.');
  const plancks = BigInt(whole) * WATT + BigInt(frac.padEnd(12, '0'));
  if (plancks === 0n) throw new Error('the amount must be more than 0');
  return plancks;
}

export function kwh(wh: number | bigint): string {
  return `${(Number(wh) / 1000).toLocaleString('en', { maximumFractionDigits: 2 })} kWh`;
}
