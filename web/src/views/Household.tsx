// The household's page: each meter the account owns, its credit and supply at the last
// finalized block, its consumption and credit charts, top-up and emergency credit, and the
// monthly statement.

import type { ApiPromise } from '@polkadot/api';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Chart } from '../components/Chart';
import { TxButton } from '../components/TxButton';
import type { Account } from '../lib/accounts';
import { kwh, type MeterStatus, metersOf, parseWatt, watt } from '../lib/chain';
import { type BillingEntry, canReadSilently, type OwnerReading, ownerBilling, ownerReadings } from '../lib/gateway';
import { balanceSeries, intervals, localOffsetMs, perBucket } from '../lib/usage';
import type { Head } from '../main';
import { Statement } from './Statement';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const HISTORY_EVERY_MS = 10_000;

export function Household({ api, account, head }: { api: ApiPromise; account: Account; head: Head }) {
  const [meters, setMeters] = useState<number[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setMeters(null);
    metersOf(api, account.address).then((found) => setMeters([...found].sort((a, b) => a - b)), (e) => setError(e.message));
  }, [api, account.address]);
  if (error) return <p class="error">{error}</p>;
  if (meters === null) return <p>Looking up your meters…</p>;
  if (meters.length === 0) return <p data-testid="no-meters">{account.name} owns no meter on this chain.</p>;
  return (
    <div>
      {meters.map((meter) => <MeterCard key={meter} api={api} account={account} meter={meter} head={head} />)}
    </div>
  );
}

function MeterCard({ api, account, meter, head }: { api: ApiPromise; account: Account; meter: number; head: Head }) {
  const [status, setStatus] = useState<MeterStatus | null>(null);
  const [readings, setReadings] = useState<OwnerReading[]>([]);
  const [billing, setBilling] = useState<BillingEntry[]>([]);
  const [feedError, setFeedError] = useState<string | null>(null);
  const [amount, setAmount] = useState('10');
  const [historyAt, setHistoryAt] = useState(() => Date.now());

  // Chain state at every finalized block.
  useEffect(() => {
    (api.rpc as any).wattcoin.meterStatus(meter, head.hash).then(
      (s: any) => setStatus(s.toJSON()),
      (e: Error) => setFeedError(e.message),
    );
  }, [api, meter, head.hash]);

  // History from the gateway: at first, then with the finalized blocks (at most every
  // HISTORY_EVERY_MS) as long as that needs no new signature from a wallet extension; the
  // "Refresh history" button otherwise.
  useEffect(() => {
    Promise.all([ownerReadings(account, meter), ownerBilling(account, meter)]).then(
      ([r, b]) => { setReadings(r); setBilling(b); setFeedError(null); },
      (e) => setFeedError(e.message),
    );
  }, [account, meter, historyAt]);
  useEffect(() => {
    if (Date.now() - historyAt >= HISTORY_EVERY_MS && canReadSilently(account, meter)) setHistoryAt(Date.now());
  }, [head.hash]);

  const spans = useMemo(() => intervals(readings), [readings]);
  const now = useMemo(() => Date.now(), [spans]);
  const hourly = useMemo(() => perBucket(spans.filter((s) => s.toMs > now - 2 * DAY), HOUR), [spans]);
  const daily = useMemo(() => perBucket(spans.filter((s) => s.toMs > now - 31 * DAY), DAY, localOffsetMs()), [spans]);
  const credit = useMemo(() => balanceSeries(billing), [billing]);

  if (!status) return <section class="card"><h2>Meter {meter}</h2><p>Loading…</p></section>;
  const refresh = () => setHistoryAt(Date.now());
  const emergencyOk = BigInt(status.emergencyCreditAvailable) > 0n;
  return (
    <section class="card" data-testid={`meter-${meter}`}>
      <h2>
        Meter {meter}{' '}
        <span class={`badge supply-${status.supply}`} data-testid="supply">{status.supply}</span>
        {status.status !== 'Active' && <span class="badge warn" data-testid="status">{status.status}</span>}
      </h2>
      <p class="muted">As of finalized block #{status.at.number}</p>
      <div class="figures">
        <Figure label="Credit" value={watt(status.credit)} testId="credit" />
        <Figure label="Debt" value={watt(status.debt)} testId="debt" />
        <Figure label="Emergency credit used / available" value={`${watt(status.emergencyCreditUsed)} / ${watt(status.emergencyCreditAvailable)}`} testId="emergency" />
        <Figure label="Energy the credit buys" value={status.creditBuysWh === null ? '—' : kwh(status.creditBuysWh)} testId="kwh-left" />
        <Figure label="Days left" value={status.projectedDaysLeft === null ? '—' : `${status.projectedDaysLeft}`} testId="days-left" />
        <Figure label="Average cost per day" value={watt(status.averageDailyCost)} testId="daily-cost" />
      </div>
      <h3>Tariff</h3>
      {status.tariff ? (
        <p data-testid="tariff">
          Tariff #{status.tariff.id}: {watt(status.tariff.pricePerKwhNow, 4)} per kWh now, standing charge{' '}
          {watt(status.tariff.standingChargePerDay, 4)} per day.
        </p>
      ) : <p>No tariff yet: energy is recorded, not billed.</p>}
      {status.announcedChanges.length > 0 ? (
        <ul data-testid="announced">
          {status.announcedChanges.map((c) => (
            <li key={c.effectiveFrom}>
              From {new Date(c.effectiveFrom).toLocaleString()}: {c.switch ? `a switch to tariff #${c.tariff}, ` : ''}
              {watt(c.pricePerKwh, 4)} per kWh, {watt(c.standingChargePerDay, 4)} per day.
            </li>
          ))}
        </ul>
      ) : <p class="muted">No announced change.</p>}

      <h3>Top up</h3>
      <div class="actions">
        <label>Amount (WATT) <input data-testid="amount" value={amount} onInput={(e) => setAmount((e.target as HTMLInputElement).value)} /></label>
        <TxButton api={api} account={account} label="Top up" testId="top-up"
          build={() => api.tx.prepaid.topUp(meter, parseWatt(amount))} onFinalized={refresh} />
        <TxButton api={api} account={account} label="Take emergency credit" testId="emergency-credit"
          disabled={!emergencyOk} build={() => api.tx.prepaid.takeEmergencyCredit(meter)} onFinalized={refresh} />
      </div>

      <h3>Consumption</h3>
      <div class="actions">
        <button data-testid="refresh-history" onClick={refresh}>Refresh history</button>
        <span class="muted">From the gateway, to you alone: {readings.length} readings, {billing.length} billed blocks.</span>
      </div>
      {feedError && <p class="error" data-testid="feed-error">{feedError}</p>}
      <div class="charts">
        <Chart title="Energy per hour (last 48 h)" unit="kWh" x={hourly[0]} y={hourly[1]} bars range={[now - 2 * DAY, now + HOUR]} testId="chart-hourly" />
        <Chart title="Energy per day (last 31 days)" unit="kWh" x={daily[0]} y={daily[1]} bars range={[now - 31 * DAY, now + DAY]} testId="chart-daily" />
        <Chart title="Credit less what is owed" unit="WATT" x={credit[0]} y={credit[1]} testId="chart-credit" />
      </div>
      <Statement meter={meter} billing={billing} spans={spans} />
    </section>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div class="figure">
      <div class="label">{label}</div>
      <div class="value" data-testid={testId}>{value}</div>
    </div>
  );
}
