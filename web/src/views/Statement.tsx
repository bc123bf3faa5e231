// The monthly statement: every finalized block that billed or credited the meter in the month,
// with the energy of the readings it took, what it debited, the price that makes, and the
// account after it; downloadable as CSV. Each row names its block, so every figure can be
// checked against the chain (`prepaid.meterAccounts` at that block and the one before).

import { useMemo, useState } from 'preact/hooks';
import { kwh, watt } from '../lib/chain';
import type { BillingEntry } from '../lib/gateway';
import { type Interval, statement, statementCsv } from '../lib/usage';

export function Statement({ meter, billing, spans }: { meter: number; billing: BillingEntry[]; spans: Interval[] }) {
  const today = new Date();
  const [month, setMonth] = useState(`${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}`);
  const [year, monthIndex] = [Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1];
  const rows = useMemo(() => statement(billing, spans, year, monthIndex), [billing, spans, year, monthIndex]);
  const totals = rows.reduce(
    (t, r) => ({ wh: t.wh + r.wh, debited: t.debited + r.debited, toppedUp: t.toppedUp + r.toppedUp }),
    { wh: 0, debited: 0n, toppedUp: 0n },
  );
  const download = () => {
    const blob = new Blob([statementCsv(meter, rows)], { type: 'text/csv' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `wattcoin-meter-${meter}-${month}.csv`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  return (
    <div class="statement">
      <h3>Statement</h3>
      <div class="actions">
        <label>Month <input type="month" value={month} onInput={(e) => setMonth((e.target as HTMLInputElement).value)} /></label>
        <button data-testid="download-statement" onClick={download} disabled={rows.length === 0}>Download CSV</button>
      </div>
      <p data-testid="statement-totals">
        {rows.length} blocks: {kwh(totals.wh)}, {watt(totals.debited)} debited, {watt(totals.toppedUp)} topped up.
      </p>
      <div class="scroll">
        <table data-testid="statement">
          <thead>
            <tr><th>Time</th><th>Block</th><th>Energy</th><th>Debited</th><th title="What the block debited divided by the energy: the tariff's price, with any standing charge the block also took">Average price / kWh</th><th>Topped up</th><th>Credit after</th><th>Supply</th></tr>
          </thead>
          <tbody>
            {rows.slice(-50).reverse().map((r) => (
              <tr key={r.block}>
                <td>{new Date(r.atMs).toLocaleString()}</td>
                <td>#{r.block}</td>
                <td>{kwh(r.wh)}</td>
                <td>{watt(r.debited, 4)}</td>
                <td>{r.wh > 0 ? watt((r.debited * 1000n) / BigInt(r.wh), 4) : '—'}</td>
                <td>{r.toppedUp > 0n ? watt(r.toppedUp) : ''}</td>
                <td>{watt(r.credit)}</td>
                <td>{r.supply}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length > 50 && <p class="muted">The 50 latest of {rows.length} rows; the CSV has them all.</p>}
    </div>
  );
}
