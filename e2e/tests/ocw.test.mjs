// The whole reading path: simulated meters sign readings, the gateway stores them, the
// node's off-chain worker relays them in authorized feeless transactions, the runtime
// verifies and bills them; and the supply loop back: a meter whose credit ran out opens its
// switch on a proven command, and a neighbour's top-up closes it again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { freePort, sendAndWait, startDevNode, waitFor } from '../lib/node.mjs';
import { allReadings, startGateway } from '../lib/gateway.mjs';
import { devMeterPair, signingPayload } from '../lib/readings.mjs';

const WATT = 10n ** 12n;
const FLAT_PRICE_PER_WH = 250_000_000n; // tariff 0: 0.25 WATT per kWh
const LOW_CREDIT_METER = 1000; // Alice's, 1 WATT at genesis, simulated with a heavy load
const FLAT_METER = 1002; // flat tariff, ordinary load, 50 WATT at genesis
const METER_CREDIT = 50n * WATT;

describe('meter gateway -> off-chain worker -> billing', () => {
  let node;
  let api;
  let gateway;
  let gatewayArgs;
  let unsubscribeFinalized;
  const gatewayPort = { value: 0 };
  /** When this test saw each block number finalized (ms since the epoch). */
  const finalizedAt = new Map();

  before(async () => {
    gatewayPort.value = await freePort();
    node = await startDevNode({
      extraArgs: ['--meter-gateway', `http://127.0.0.1:${gatewayPort.value}`],
    });
    api = node.api;
    unsubscribeFinalized = await api.rpc.chain.subscribeFinalizedHeads((header) => {
      const now = Date.now();
      for (let n = header.number.toNumber(); n >= 0 && !finalizedAt.has(n); n--) finalizedAt.set(n, now);
    });
    gatewayArgs = {
      port: gatewayPort.value,
      db: join(node.basePath, 'gateway.sqlite'),
      nodeRpc: node.rpcUrl.replace(/^ws/, 'http'),
      logFile: join(node.basePath, 'gateway.log'),
      // Ten times a household's load, so every 2 s reading adds whole watt-hours; meter
      // 1000 another 200 times that, so its 1 WATT of credit runs out within seconds.
      args: ['--simulate', '4', '--interval', '2', '--simulate-scale', '1000',
        '--heavy-meter', String(LOW_CREDIT_METER), '--heavy-factor', '200'],
    };
    gateway = await startGateway(gatewayArgs);
  });

  after(async () => {
    if (unsubscribeFinalized) unsubscribeFinalized();
    if (gateway) await gateway.stop();
    if (node) await node.stop();
  });

  const meterInfo = async (meter, at = api) => (await at.query.meters.meters(meter)).unwrap();
  const status = async (meter) => (await api.call.prepaidApi.meterStatus(meter)).unwrap();

  test('readings flow from the gateway onto the chain', async () => {
    await waitFor(async () => (await meterInfo(FLAT_METER)).lastSeq.toNumber() >= 3, 60_000,
      `three readings of meter ${FLAT_METER} on chain`);
  });

  test('a forged reading is refused by the gateway and never billed', async () => {
    const forger = await devMeterPair(9); // not meter 1002's key
    const reading = { meter: BigInt(FLAT_METER), seq: 1_000_000n, atMs: BigInt(Date.now()),
      cumulativeWh: 10n ** 9n, flags: 0 };
    const body = {
      meter: FLAT_METER, seq: 1_000_000, at_ms: Number(reading.atMs), cumulative_wh: 1_000_000_000,
      flags: 0, scheme: 'sr25519', signature: u8aToHex(forger.sign(signingPayload(api, reading))),
    };
    const res = await fetch(`${gateway.url}/v1/readings`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    });
    assert.equal(res.status, 422, await res.text());
  });

  test('the gateway killed and restarted loses no reading and bills none twice', async () => {
    const before = await allReadings(gateway.url);
    assert.ok(before.length > 0);
    await gateway.kill();
    // The chain keeps going without its gateway; the worker logs and retries.
    await new Promise((ok) => setTimeout(ok, 4_000));
    gateway = await startGateway(gatewayArgs);
    const afterRestart = await allReadings(gateway.url);
    const key = (r) => `${r.meter}/${r.seq}`;
    const kept = new Map(afterRestart.map((r) => [key(r), r]));
    for (const r of before) {
      assert.deepEqual(kept.get(key(r)), r, `reading ${key(r)} survived the kill unchanged`);
    }
    // Readings continue after the restart, and the chain catches up with all of them.
    const lastBefore = Math.max(...before.filter((r) => r.meter === FLAT_METER).map((r) => r.seq));
    await waitFor(async () => (await meterInfo(FLAT_METER)).lastSeq.toNumber() > lastBefore + 2,
      90_000, 'meter readings after the restart on chain');
  });

  test('debits equal what the flat tariff charges for the energy the gateway reports', async () => {
    // A finalized state in which the meter has been billed for some energy.
    const at = await waitFor(async () => {
      const finalized = await api.at(await api.rpc.chain.getFinalizedHead());
      const billed = await meterInfo(FLAT_METER, finalized);
      return billed.lastSeq.toNumber() >= 3 ? finalized : null;
    }, 60_000, 'a finalized block with billed readings');
    const info = await meterInfo(FLAT_METER, at);
    const readings = (await allReadings(gateway.url)).filter((r) => r.meter === FLAT_METER);
    const first = readings.find((r) => r.seq === 1);
    const last = readings.find((r) => r.seq === info.lastSeq.toNumber());
    assert.ok(first && last, 'the gateway holds the baseline and the last billed reading');
    assert.equal(info.lastCumulativeWh.toBigInt(), BigInt(last.cumulative_wh));
    const energyWh = BigInt(last.cumulative_wh) - BigInt(first.cumulative_wh);
    assert.ok(energyWh > 0n);
    const credit = (await at.call.prepaidApi.meterStatus(FLAT_METER)).unwrap().credit.toBigInt();
    // The first reading is the baseline; no whole day has passed, so no standing charge.
    assert.equal(METER_CREDIT - credit, energyWh * FLAT_PRICE_PER_WH);
  });

  // The supply loop: the chain disconnects meter 1000 (its credit runs out); the gateway
  // serves the meter a command proving it (finalized header, GRANDPA justification, storage
  // proof); the simulated meter checks it and opens its switch: its readings carry SUPPLY_OFF
  // and no energy. Bob's top-up reconnects it the same way and consumption resumes.
  const SUPPLY_OFF = 1 << 2;
  /** How long after finality the meter must obey: the gateway looks at the finalized head
   * every second and the meter fetches its command before each 2 s reading. */
  const OBEY_BOUND_MS = 10_000;
  const meterReadings = async () =>
    (await allReadings(gateway.url)).filter((r) => r.meter === LOW_CREDIT_METER).sort((a, b) => a.seq - b.seq);
  /** The number of the first block in which meter 1000's supply changed to `state`, and when
   * this test saw it finalized. */
  const supplyChange = async (state, from = 1) => {
    const number = await waitFor(async () => {
      const head = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
      for (let n = from; n <= head; n++) {
        const events = await (await api.at(await api.rpc.chain.getBlockHash(n))).query.system.events();
        if (events.some(({ event }) => api.events.prepaid.SupplyChanged.is(event) &&
          event.data.meter.toNumber() === LOW_CREDIT_METER && event.data.to.type === state)) return n;
      }
      from = head + 1;
      return null;
    }, 180_000, `meter ${LOW_CREDIT_METER} ${state} in a finalized block`);
    return { number, finalizedAt: finalizedAt.get(number) };
  };

  test('a disconnection reaches the meter as a proven command: its switch opens, it uses nothing', async () => {
    const change = await supplyChange('Disconnected');
    const first = await waitFor(async () => (await meterReadings()).find((r) => r.flags & SUPPLY_OFF),
      60_000, `a reading of meter ${LOW_CREDIT_METER} flagged SUPPLY_OFF`);
    const delay = first.at_ms - change.finalizedAt;
    console.log(`# meter ${LOW_CREDIT_METER} opened its switch ${delay} ms after block #${change.number}, ` +
      'which disconnected it, was finalized');
    assert.ok(delay <= OBEY_BOUND_MS, `obeyed within ${OBEY_BOUND_MS} ms of finality, took ${delay} ms`);
    // Three more readings while off: the register does not move.
    const off = await waitFor(async () => {
      const later = (await meterReadings()).filter((r) => r.seq > first.seq);
      return later.length >= 3 ? later.slice(0, 3) : null;
    }, 30_000, 'three readings after the switch opened');
    for (const r of off) {
      assert.ok(r.flags & SUPPLY_OFF, `reading ${r.seq} flagged SUPPLY_OFF`);
      assert.equal(r.cumulative_wh, first.cumulative_wh, `reading ${r.seq}: no energy while off`);
    }
    // The command itself, as a meter fetches it: Disconnected, from a finalized block.
    const res = await fetch(`${gateway.url}/v1/meters/${LOW_CREDIT_METER}/supply`);
    assert.equal(res.status, 200);
    const command = await res.json();
    assert.equal(command.meter, LOW_CREDIT_METER);
    assert.equal(command.supply, 'Disconnected');
    assert.equal((await api.rpc.chain.getBlockHash(command.block_number)).toHex(), command.block_hash);
    assert.ok(command.block_number <= (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber());
    assert.ok(command.justification.length > 2 && command.proof.length > 0);
    assert.equal((await fetch(`${gateway.url}/v1/meters/77777/supply`)).status, 404);
  });

  test('Bob\'s top-up reconnects Alice\'s meter and its consumption resumes', async () => {
    const keyring = new Keyring({ type: 'sr25519' });
    const bob = keyring.addFromUri('//Bob');
    const { blockHash, events, dispatchError } =
      await sendAndWait(api.tx.prepaid.topUp(LOW_CREDIT_METER, 100n * WATT), bob);
    assert.equal(dispatchError, undefined);
    const topUp = events.find(({ event }) => api.events.prepaid.ToppedUp.is(event));
    assert.ok(topUp, 'a Prepaid.ToppedUp event');
    assert.equal(topUp.event.data.payer.toString(), keyring.encodeAddress(bob.publicKey, api.registry.chainSS58));
    const supply = events.find(({ event }) => api.events.prepaid.SupplyChanged.is(event));
    assert.ok(supply, 'a Prepaid.SupplyChanged event');
    assert.equal(supply.event.data.from.type, 'Disconnected');
    assert.equal(supply.event.data.to.type, 'Connected');
    const owner = (await meterInfo(LOW_CREDIT_METER)).owner.toString();
    assert.equal(owner, keyring.encodeAddress(keyring.addFromUri('//Alice').publicKey, api.registry.chainSS58));

    const lastOff = (await meterReadings()).filter((r) => r.flags & SUPPLY_OFF).pop();
    const topUpBlock = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    const toppedUpAt = await waitFor(() => finalizedAt.get(topUpBlock), 60_000, `block #${topUpBlock} finalized`);
    const on = await waitFor(async () => {
      const later = (await meterReadings()).filter((r) => r.seq > lastOff.seq && !(r.flags & SUPPLY_OFF));
      return later.length >= 2 ? later : null;
    }, 60_000, `readings of meter ${LOW_CREDIT_METER} with its switch closed again`);
    const delay = on[0].at_ms - toppedUpAt;
    console.log(`# meter ${LOW_CREDIT_METER} closed its switch ${delay} ms after block #${topUpBlock}, ` +
      'which reconnected it, was finalized');
    assert.ok(delay <= OBEY_BOUND_MS, `obeyed within ${OBEY_BOUND_MS} ms of finality, took ${delay} ms`);
    assert.ok(on[1].cumulative_wh > lastOff.cumulative_wh, 'consumption resumed');
  });

  test('@polkadot/api decodes every block and event of the run, ingestion included', async () => {
    const bestHeader = await api.rpc.chain.getHeader();
    const best = bestHeader.number.toNumber();
    let ingestions = 0;
    let accepted = 0;
    let firstAt = null;
    let lastAt = null;
    for (let n = 1; n <= best; n += 1) {
      const hash = await api.rpc.chain.getBlockHash(n);
      const { block } = await api.rpc.chain.getBlock(hash);
      const events = await (await api.at(hash)).query.system.events();
      for (const ex of block.extrinsics) {
        assert.ok(ex.method.section && ex.method.method, `block ${n}: an extrinsic decodes`);
        if (ex.method.section === 'meters' && ex.method.method === 'ingestReadings') ingestions += 1;
      }
      for (const { event } of events) {
        assert.ok(event.section && event.method, `block ${n}: an event decodes`);
        if (api.events.meters.ReadingsIngested.is(event)) {
          accepted += event.data.accepted.toNumber();
          const now = (await (await api.at(hash)).query.timestamp.now()).toNumber();
          firstAt ??= now;
          lastAt = now;
        }
      }
      assert.ok(!events.some(({ event }) => api.events.system.ExtrinsicFailed.is(event)
        && block.extrinsics.some((ex) => ex.method.section === 'meters')),
        `block ${n}: no failed ingestion`);
    }
    // Every reading the chain holds at that block came in a decoded ingestion: the accepted
    // counts of the decoded events add up to the gateway's readings up to each meter's last
    // sequence number on chain (the baseline reading counts as accepted).
    assert.ok(ingestions >= 1, `ingestion transactions were decoded (${ingestions})`);
    const atBest = await api.at(bestHeader.hash);
    const readings = await allReadings(gateway.url);
    let onChain = 0;
    for (const meter of new Set(readings.map((r) => r.meter))) {
      const info = await atBest.query.meters.meters(meter);
      if (info.isNone) continue;
      const lastSeq = info.unwrap().lastSeq.toNumber();
      onChain += readings.filter((r) => r.meter === meter && r.seq <= lastSeq).length;
    }
    assert.equal(accepted, onChain,
      `accepted readings in ${ingestions} decoded ingestions = readings on chain at block ${best}`);
    const seconds = Math.max(1, (lastAt - firstAt) / 1000);
    console.log(`# ingested ${accepted} readings in ${ingestions} transactions over ${seconds} s ` +
      `of chain time: ${(accepted / seconds).toFixed(2)} readings/s`);
  });
});
