// The gateway's owner feed (gateway/src/api/owner.rs): a meter's readings and billing history,
// served to its owner only. Every request carries `Authorization: WattcoinOwner ...`, a
// signature by the account over `wattcoin/feed/owner/v1:<genesis>:<meter>:<ms>`
// (docs/protocol.md, "Who can read what"). The gateway takes a header for five minutes: one is
// reused for four, so a wallet extension asks the person to sign at most that often.

import { gatewayUrl } from './config';
import { type Account, signText } from './accounts';

export interface OwnerReading {
  cursor: number;
  seq: number;
  at_ms: number;
  cumulative_wh: number;
  flags: number;
  outcome: 'pending' | 'accepted' | 'refused' | 'tamper' | 'implausible' | 'superseded';
  reason: string | null;
  block: number | null;
}

export interface BillingEntry {
  block: number;
  at_ms: number;
  credit: string;
  debt: string;
  emergency_used: string;
  tariff: number | null;
  supply: string;
  topped_up: string;
  debited: string;
}

let genesis: Promise<string> | undefined;

function gatewayGenesis(): Promise<string> {
  genesis ??= fetch(`${gatewayUrl()}/healthz`)
    .then((response) => response.json())
    .then((health) => health.genesis_hash as string);
  return genesis;
}

/** How long a signed header is reused: the gateway takes one for 5 minutes (AUTH_MAX_SKEW_MS). */
const HEADER_REUSE_MS = 4 * 60_000;
const headers = new Map<string, { at: number; header: string }>();

/** Whether reading `meter`'s feed now needs no new signature (no wallet prompt). */
export function canReadSilently(account: Account, meter: number): boolean {
  const cached = headers.get(`${account.address}/${meter}`);
  return account.pair !== undefined || (cached !== undefined && Date.now() - cached.at < HEADER_REUSE_MS);
}

async function authorization(account: Account, meter: number): Promise<string> {
  const key = `${account.address}/${meter}`;
  const cached = headers.get(key);
  if (cached && Date.now() - cached.at < HEADER_REUSE_MS) return cached.header;
  const at = Date.now();
  const text = `wattcoin/feed/owner/v1:${await gatewayGenesis()}:${meter}:${at}`;
  const header = `WattcoinOwner account=${account.address}, at=${at}, signature=${await signText(account, text)}`;
  headers.set(key, { at, header });
  return header;
}

/** Every page of `/v1/meters/{meter}/{what}`; the key of the list is `field`. */
async function pages<T>(account: Account, meter: number, what: string, field: string): Promise<T[]> {
  // One signature serves every page of this read.
  const header = await authorization(account, meter);
  const rows: T[] = [];
  let after = 0;
  for (;;) {
    const response = await fetch(`${gatewayUrl()}/v1/meters/${meter}/${what}?after=${after}&limit=1000`, {
      headers: { Authorization: header },
    });
    const body = await response.json();
    if (!response.ok) throw new Error(`the gateway refused ${what} of meter ${meter}: ${body.error ?? response.status}`);
    const page: T[] = body[field];
    rows.push(...page);
    if (page.length < 1000 || body.next === after) return rows;
    after = body.next;
  }
}

export const ownerReadings = (account: Account, meter: number) =>
  pages<OwnerReading>(account, meter, 'readings', 'readings');

export const ownerBilling = (account: Account, meter: number) =>
  pages<BillingEntry>(account, meter, 'billing', 'billing');
