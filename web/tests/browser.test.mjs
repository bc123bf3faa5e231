// The web app in a real browser: Debian's Chromium driven by playwright-core, against a dev
// node and a gateway that serves the built app (`npm run build` first) and simulates four
// households (meter 1000, Alice's, with a heavy load that runs out of credit in seconds).
//
// Screenshots of each view, the node's and the gateway's logs, and the browser's console go to
// $WATTCOIN_WEB_LOGS (default web/test-output/).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, startDevNode, waitFor } from '../../e2e/lib/node.mjs';
import { startGateway } from '../../e2e/lib/gateway.mjs';
import { authorizedTransaction, devMeterPair, signReading, submitRaw } from '../../e2e/lib/readings.mjs';

const webRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const dist = join(webRoot, 'dist');
const logs = process.env.WATTCOIN_WEB_LOGS || join(webRoot, 'test-output');
const WATT = 10n ** 12n;
const TAMPERED = 1010; // a dev meter the gateway does not simulate (Eve's, run by Alice)

/** Debian's Chromium, or $CHROMIUM. */
function chromiumPath() {
  const path = process.env.CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`Chromium not found at ${path}: apt-get install chromium (or set CHROMIUM)`);
  return path;
}

/** A figure the page shows ("1,234.56 WATT") as a number. */
const wattShown = (text) => Number(text.replace(/[^\d.-]/g, ''));

describe('the web app in a browser', () => {
  let node;
  let api;
  let gateway;
  let browser;
  let page;
  const consoleLines = [];

  before(async () => {
    if (!existsSync(join(dist, 'index.html'))) throw new Error(`${dist} has no built app: cd web && npm run build`);
    mkdirSync(logs, { recursive: true });
    const port = await freePort();
    node = await startDevNode({ extraArgs: ['--meter-gateway', `http://127.0.0.1:${port}`] });
    api = node.api;
    gateway = await startGateway({
      port,
      db: join(node.basePath, 'gateway.sqlite'),
      nodeRpc: node.rpcUrl.replace(/^ws/, 'http'),
      logFile: join(logs, 'gateway.log'),
      args: ['--web', dist, '--simulate', '4', '--interval', '2', '--simulate-scale', '1000',
        '--heavy-meter', '1000', '--heavy-factor', '200'],
    });
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1100, height: 1400 }, acceptDownloads: true });
    page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
  });

  after(async () => {
    writeFileSync(join(logs, 'browser-console.log'), consoleLines.join('\n') + '\n');
    if (browser) await browser.close();
    if (gateway) await gateway.stop();
    if (node) {
      if (existsSync(node.logFile)) copyFileSync(node.logFile, join(logs, 'node.log'));
      await node.stop();
    }
  });

  const open = async (account, view = 'household') => {
    await page.goto(`${gateway.url}/?rpc=${encodeURIComponent(node.rpcUrl)}&account=${account}#/${view}`);
    await page.getByTestId('account').waitFor();
  };
  const card = (meter) => page.getByTestId(`meter-${meter}`);
  /** The block the card's figures are read at, and the credit it shows. */
  const shown = async (meter) => {
    const at = Number((await card(meter).locator('.muted').first().textContent()).match(/#(\d+)/)[1]);
    return { at, credit: wattShown(await card(meter).getByTestId('credit').textContent()) };
  };
  const chainStatus = async (meter, number) =>
    (await api.rpc.wattcoin.meterStatus(meter, await api.rpc.chain.getBlockHash(number))).toJSON();
  const screenshot = (name) => page.screenshot({ path: join(logs, `${name}.png`), fullPage: true });
  /** One meter's card alone (the household view as a household sees its meter). */
  const cardShot = (meter, name) => card(meter).screenshot({ path: join(logs, `${name}.png`) });

  test("the household page shows the meter's credit, as the chain has it, and charts with data points", async () => {
    await open('Bob');
    await card(1001).getByTestId('credit').waitFor({ timeout: 60_000 });
    const { at, credit } = await shown(1001);
    const chain = await chainStatus(1001, at);
    assert.ok(Math.abs(credit - Number(BigInt(chain.credit)) / 1e12) < 0.006, `shown ${credit}, chain ${chain.credit} at #${at}`);
    assert.equal(await card(1001).getByTestId('supply').textContent(), chain.supply);
    // The owner's feed is read at start and every 30 s: readings billed by then make points.
    await waitFor(async () => Number(await card(1001).getByTestId('chart-hourly').getAttribute('data-points')) > 0
      || (await page.reload(), false), 120_000, 'the hourly chart to have points');
    await waitFor(async () => Number(await card(1001).getByTestId('chart-credit').getAttribute('data-points')) > 1
      || (await page.reload(), await card(1001).getByTestId('credit').waitFor(), false), 90_000, 'the credit chart to have points');
    assert.ok(await card(1001).getByTestId('chart-hourly').locator('canvas').count() > 0, 'a chart is drawn');
    await screenshot('household');
    await cardShot(1001, 'household-meter');
  });

  test('a top-up changes the credit shown once it is finalized', async () => {
    await open('Bob');
    await card(1001).getByTestId('credit').waitFor({ timeout: 60_000 });
    const before = await shown(1001);
    await card(1001).getByTestId('amount').fill('25');
    await card(1001).getByTestId('top-up').click();
    const progress = card(1001).getByTestId('top-up-progress');
    await waitFor(async () => (await progress.getAttribute('data-stage')) === 'finalized', 90_000, 'the top-up to be finalized');
    const block = Number((await progress.textContent()).match(/#(\d+)/)[1]);
    const events = await (await api.at(await api.rpc.chain.getBlockHash(block))).query.system.events();
    const toppedUp = events.find(({ event }) => api.events.prepaid.ToppedUp.is(event) && event.data.meter.toNumber() === 1001);
    assert.ok(toppedUp, `a prepaid.ToppedUp of meter 1001 in block #${block}`);
    assert.equal(toppedUp.event.data.amount.toBigInt(), 25n * WATT);
    // The card follows finalized blocks: it shows the credit of a block at or after the top-up.
    const after = await waitFor(async () => { const s = await shown(1001); return s.at >= block && s; }, 30_000, 'the card to show a block after the top-up');
    const chain = await chainStatus(1001, after.at);
    assert.ok(Math.abs(after.credit - Number(BigInt(chain.credit)) / 1e12) < 0.006);
    assert.ok(after.credit > before.credit + 24, `credit ${before.credit} -> ${after.credit}`);
    await cardShot(1001, 'household-top-up');
  });

  test("a transaction the chain refuses shows the pallet's error, and a bad amount is refused before signing", async () => {
    await open('Bob');
    await card(1001).getByTestId('credit').waitFor({ timeout: 60_000 });
    // Meter 1001 has 50 WATT: emergency credit is for low credit only.
    await card(1001).getByTestId('emergency-credit').click();
    const emergency = card(1001).getByTestId('emergency-credit-progress');
    await waitFor(async () => (await emergency.getAttribute('data-stage')) === 'failed', 90_000, 'the refusal');
    assert.match(await emergency.textContent(), /^Failed: prepaid\.CreditNotLow: \S/);
    await card(1001).getByTestId('amount').fill('1,5');
    await card(1001).getByTestId('top-up').click();
    const topUp = card(1001).getByTestId('top-up-progress');
    assert.equal(await topUp.getAttribute('data-stage'), 'failed');
    assert.match(await topUp.textContent(), /"1,5" is not an amount of WATT/);
  });

  test('a disconnected meter shows as disconnected, and reconnects after a top-up', async () => {
    await open('Alice');
    const supply = card(1000).getByTestId('supply');
    await waitFor(async () => (await supply.textContent()) === 'Disconnected', 240_000, 'meter 1000 to show Disconnected');
    await cardShot(1000, 'household-disconnected');
    await card(1000).getByTestId('amount').fill('100');
    await card(1000).getByTestId('top-up').click();
    await waitFor(async () => (await card(1000).getByTestId('top-up-progress').getAttribute('data-stage')) === 'finalized', 90_000, 'the top-up to be finalized');
    await waitFor(async () => (await supply.textContent()) === 'Connected', 30_000, 'meter 1000 to show Connected');
    const { at } = await shown(1000);
    assert.equal((await chainStatus(1000, at)).supply, 'Connected');
  });

  test("the statement lists the meter's billed blocks and its CSV matches the chain", async () => {
    await open('Alice');
    const table = card(1000).getByTestId('statement');
    await waitFor(async () => (await table.locator('tbody tr').count()) > 0 || (await page.reload(), await card(1000).getByTestId('credit').waitFor(), false), 90_000, 'statement rows');
    const [download] = await Promise.all([page.waitForEvent('download'), card(1000).getByTestId('download-statement').click()]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    assert.match(csv[0], /^meter,block,time_utc,readings,energy_kwh,debited_watt,/);
    const rows = csv.slice(1).map((line) => line.split(','));
    assert.ok(rows.length > 0);
    const plancks = (text) => BigInt(text.replace('.', ''));
    // Every row's debit, checked against the meter's account at its block and the one before.
    for (const row of rows.slice(-5)) {
      const block = Number(row[1]);
      const account = async (n) => (await (await api.at(await api.rpc.chain.getBlockHash(n))).query.prepaid.meterAccounts(1000)).unwrap();
      const [before, now] = [await account(block - 1), await account(block)];
      const balance = (a) => a.credit.toBigInt() - a.debt.toBigInt() - a.emergencyUsed.toBigInt();
      assert.equal(plancks(row[5]), balance(before) - balance(now) + plancks(row[7]), `debit of block #${block}`);
      assert.equal(plancks(row[9]), now.credit.toBigInt(), `credit after block #${block}`);
    }
    await cardShot(1000, 'household-statement');
  });

  test('the operator page lists a tampered meter, and resumes it', async () => {
    // Meter 1010's register goes backwards: the chain suspects tamper.
    const pair = await devMeterPair(TAMPERED - 1000);
    const now = BigInt(Date.now());
    const batch = [
      signReading(api, pair, { meter: BigInt(TAMPERED), seq: 1n, atMs: now - 60_000n, cumulativeWh: 10_000n }),
      signReading(api, pair, { meter: BigInt(TAMPERED), seq: 2n, atMs: now - 30_000n, cumulativeWh: 5_000n }),
    ];
    await submitRaw(node.provider, authorizedTransaction(api, api.tx.meters.ingestReadings(batch)));
    await waitFor(async () => {
      const at = await api.at(await api.rpc.chain.getFinalizedHead());
      return (await at.query.meters.meters(TAMPERED)).unwrap().status.isTampered;
    }, 60_000, `meter ${TAMPERED} Tampered on a finalized block`);
    await open('Alice', 'operator');
    await page.getByTestId(`review-${TAMPERED}`).waitFor({ timeout: 60_000 });
    await page.getByTestId('filter-tampered').click();
    await page.getByTestId(`row-${TAMPERED}`).waitFor();
    assert.equal(await page.getByTestId('meters').locator('tbody tr').count(), 1, 'only the tampered meter is listed');
    await screenshot('operator');
    await page.getByTestId(`resume-${TAMPERED}`).click();
    await waitFor(async () => (await page.getByTestId(`review-${TAMPERED}`).count()) === 0, 90_000, 'the meter to leave the review list');
    const at = await api.at(await api.rpc.chain.getFinalizedHead());
    assert.ok((await at.query.meters.meters(TAMPERED)).unwrap().status.isActive);
  });
});
