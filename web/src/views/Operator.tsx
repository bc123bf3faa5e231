// The operator's page: its meters (paged, filtered: low credit, disconnected, tampered), the
// meters waiting for its decision with their actions (resume a tampered meter; bill or
// re-baseline a held implausible reading), its revenue and withdrawal, and its tariffs with
// their versions and announced changes. State is read at the last finalized block.
//
// The chain keeps no index of an operator's meters (only a count), so the page reads every
// meter's record once per refresh and keeps the operator's: fine for thousands of meters;
// an operator of millions would page an indexer's list instead.

import type { ApiPromise } from '@polkadot/api';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { TxButton } from '../components/TxButton';
import type { Account } from '../lib/accounts';
import { parseWatt, watt } from '../lib/chain';
import type { Head } from '../main';

interface Row {
  meter: number;
  owner: string;
  status: string;
  supply: string;
  credit: bigint;
  debt: bigint;
  tariff: number | null;
  review: { seq: number; atMs: number; cumulativeWh: number } | null;
}

interface TariffView {
  id: number;
  meters: number;
  versions: { effectiveFrom: number; pricePerKwh: bigint; standingChargePerDay: bigint; lowCreditThreshold: bigint }[];
}

type Filter = 'all' | 'low' | 'disconnected' | 'tampered';
const PAGE = 25;
const REFRESH_MS = 12_000;

export function Operator({ api, account, head }: { api: ApiPromise; account: Account; head: Head }) {
  const [rows, setRows] = useState<Row[] | null>(null);
  const [tariffs, setTariffs] = useState<TariffView[]>([]);
  const [revenue, setRevenue] = useState<bigint>(0n);
  const [filter, setFilter] = useState<Filter>('all');
  const [page, setPage] = useState(0);
  const [loadedAt, setLoadedAt] = useState(0);
  const [reload, setReload] = useState(0);
  const [withdraw, setWithdraw] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (Date.now() - loadedAt < REFRESH_MS && reload === 0) return;
    let cancelled = false;
    load(api, account.address, head.hash).then(
      (loaded) => {
        if (cancelled) return;
        setRows(loaded.rows); setTariffs(loaded.tariffs); setRevenue(loaded.revenue);
        setLoadedAt(Date.now()); setReload(0); setError(null);
      },
      (e) => setError(e.message),
    );
    return () => { cancelled = true; };
  }, [api, account.address, head.hash, reload]);

  const thresholds = useMemo(() => new Map(tariffs.map((t) => [t.id, current(t)?.lowCreditThreshold ?? 0n])), [tariffs]);
  const shown = useMemo(() => (rows ?? []).filter((row) => {
    switch (filter) {
      case 'all': return true;
      case 'low': return row.supply === 'LowCredit' || row.supply === 'Emergency' || row.credit < (thresholds.get(row.tariff ?? -1) ?? 0n);
      case 'disconnected': return row.supply === 'Disconnected';
      case 'tampered': return row.status === 'Tampered' || row.status === 'Implausible';
    }
  }), [rows, filter, thresholds]);
  if (error) return <p class="error">{error}</p>;
  if (rows === null) return <p>Reading the chain's meters…</p>;
  const review = rows.filter((row) => row.status === 'Tampered' || row.status === 'Implausible');
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const refresh = () => setReload((n) => n + 1);

  return (
    <div>
      <section class="card">
        <h2>Revenue</h2>
        <p><span data-testid="revenue">{watt(revenue)}</span> earned and not yet withdrawn.</p>
        <div class="actions">
          <label>Amount (WATT) <input data-testid="withdraw-amount" value={withdraw} placeholder={watt(revenue).replace(' WATT', '').replace(/,/g, '')} onInput={(e) => setWithdraw((e.target as HTMLInputElement).value)} /></label>
          <TxButton api={api} account={account} label="Withdraw" testId="withdraw" disabled={revenue === 0n}
            build={() => api.tx.prepaid.withdrawRevenue(account.address, withdraw ? parseWatt(withdraw) : revenue)} onFinalized={refresh} />
        </div>
      </section>

      <section class="card" data-testid="review">
        <h2>Waiting for your decision ({review.length})</h2>
        {review.length === 0 ? <p class="muted">No tampered meter, no implausible reading.</p> : (
          <table>
            <thead><tr><th>Meter</th><th>Why</th><th>Action</th></tr></thead>
            <tbody>
              {review.map((row) => (
                <tr key={row.meter} data-testid={`review-${row.meter}`}>
                  <td>{row.meter}</td>
                  <td>{row.status === 'Tampered'
                    ? 'Its register went backwards (tamper suspected): readings are refused until you resume it.'
                    : `A reading of ${row.review ? (row.review.cumulativeWh / 1000).toFixed(1) + ' kWh on the register' : ''} more than its rated power allows is held.`}</td>
                  <td>
                    {row.status === 'Tampered' ? (
                      <TxButton api={api} account={account} label="Resume" testId={`resume-${row.meter}`}
                        build={() => api.tx.meters.resume(row.meter)} onFinalized={refresh} />
                    ) : (
                      <>
                        <TxButton api={api} account={account} label="Bill it" testId={`bill-${row.meter}`}
                          build={() => api.tx.meters.reviewImplausibleReading(row.meter, true)} onFinalized={refresh} />
                        <TxButton api={api} account={account} label="New baseline" testId={`baseline-${row.meter}`}
                          build={() => api.tx.meters.reviewImplausibleReading(row.meter, false)} onFinalized={refresh} />
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section class="card">
        <h2>Meters ({rows.length})</h2>
        <div class="actions" role="group">
          {(['all', 'low', 'disconnected', 'tampered'] as Filter[]).map((f) => (
            <button key={f} class={filter === f ? 'active' : ''} data-testid={`filter-${f}`} onClick={() => { setFilter(f); setPage(0); }}>
              {{ all: 'All', low: 'Low credit', disconnected: 'Disconnected', tampered: 'Tampered' }[f]}
            </button>
          ))}
        </div>
        <table data-testid="meters">
          <thead><tr><th>Meter</th><th>Owner</th><th>Status</th><th>Supply</th><th>Credit</th><th>Debt</th><th>Tariff</th></tr></thead>
          <tbody>
            {shown.slice(page * PAGE, (page + 1) * PAGE).map((row) => (
              <tr key={row.meter} data-testid={`row-${row.meter}`}>
                <td>{row.meter}</td>
                <td title={row.owner}>{row.owner.slice(0, 6)}…{row.owner.slice(-4)}</td>
                <td>{row.status}</td>
                <td><span class={`badge supply-${row.supply}`}>{row.supply}</span></td>
                <td>{watt(row.credit)}</td>
                <td>{watt(row.debt)}</td>
                <td>{row.tariff === null ? '—' : `#${row.tariff}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="actions">
          <button disabled={page === 0} onClick={() => setPage(page - 1)}>Previous</button>
          <span data-testid="page">Page {page + 1} of {pages} ({shown.length} meters)</span>
          <button disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>Next</button>
        </div>
      </section>

      <section class="card" data-testid="tariffs">
        <h2>Tariffs</h2>
        {tariffs.map((t) => (
          <div key={t.id}>
            <h3>Tariff #{t.id} <span class="muted">({t.meters} meters)</span></h3>
            <table>
              <thead><tr><th>From</th><th>Price / kWh</th><th>Standing charge / day</th><th></th></tr></thead>
              <tbody>
                {t.versions.map((v) => (
                  <tr key={v.effectiveFrom}>
                    <td>{v.effectiveFrom === 0 ? 'genesis' : new Date(v.effectiveFrom).toLocaleString()}</td>
                    <td>{watt(v.pricePerKwh, 4)}</td>
                    <td>{watt(v.standingChargePerDay, 4)}</td>
                    <td>{v.effectiveFrom > Date.now() ? <span class="badge warn">announced</span> : v === current(t) ? <span class="badge supply-Connected">in force</span> : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
        {tariffs.length === 0 && <p class="muted">No tariff.</p>}
      </section>
    </div>
  );
}

function current(t: TariffView) {
  return [...t.versions].reverse().find((v) => v.effectiveFrom <= Date.now());
}

async function load(api: ApiPromise, operator: string, at: string) {
  const state = await api.at(at);
  const entries = await state.query.meters.meters.entries();
  const mine = entries
    .map(([key, value]) => [(key.args[0] as any).toNumber() as number, (value as any).unwrap()] as const)
    .filter(([, info]) => info.operator.toString() === operator)
    .sort((a, b) => a[0] - b[0]);
  const ids = mine.map(([id]) => id);
  const [accounts, reviews] = await Promise.all([
    state.query.prepaid.meterAccounts.multi(ids),
    state.query.meters.readingsUnderReview.multi(ids),
  ]);
  const rows: Row[] = mine.map(([meter, info], i) => {
    const account = (accounts[i] as any).unwrapOr(null);
    const review = (reviews[i] as any).unwrapOr(null);
    return {
      meter,
      owner: info.owner.toString(),
      status: info.status.type,
      supply: account ? account.supply.type : 'Connected',
      credit: account ? account.credit.toBigInt() : 0n,
      debt: account ? account.debt.toBigInt() : 0n,
      tariff: account && account.tariff.isSome ? account.tariff.unwrap().toNumber() : null,
      review: review ? { seq: review.seq.toNumber(), atMs: review.atMs.toNumber(), cumulativeWh: review.cumulativeWh.toNumber() } : null,
    };
  });
  const tariffs: TariffView[] = (await state.query.prepaid.tariffs.entries())
    .map(([key, value]) => [(key.args[0] as any).toNumber() as number, (value as any).unwrap()] as const)
    .filter(([, tariff]) => tariff.operator.toString() === operator)
    .sort((a, b) => a[0] - b[0])
    .map(([id, tariff]) => ({
      id,
      meters: tariff.meters.toNumber(),
      versions: tariff.versions.map((v: any) => ({
        effectiveFrom: v.effectiveFrom.toNumber(),
        pricePerKwh: v.params.pricePerKwh.toBigInt(),
        standingChargePerDay: v.params.standingChargePerDay.toBigInt(),
        lowCreditThreshold: v.params.lowCreditThreshold.toBigInt(),
      })),
    }));
  const revenue = (await state.query.prepaid.revenue(operator) as any).toBigInt();
  return { rows, tariffs, revenue };
}
