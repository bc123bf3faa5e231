// The gateway follows the chain: it learns meters and device keys from finalized blocks
// without a restart, refuses at once what the chain would refuse, and tells each meter what
// became of its readings (GET /v1/meters/{meter}/outcomes).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { freePort, sendAndWait, startDevNode, waitFor } from '../lib/node.mjs';
import { allReadings, ownerAuthorization, relayerAuthorization, startGateway } from '../lib/gateway.mjs';
import { devMeterPair, signingPayload } from '../lib/readings.mjs';

const NEW_METER = 7001; // registered by the test, after the gateway started

describe('the gateway follows the chain', () => {
  let node;
  let api;
  let gateway;
  let alice;
  let device; // the meter's first device
  let replacement; // the device that replaces it
  let clock;

  before(async () => {
    const port = await freePort();
    node = await startDevNode({ extraArgs: ['--meter-gateway', `http://127.0.0.1:${port}`] });
    api = node.api;
    gateway = await startGateway({
      port,
      db: join(node.basePath, 'gateway.sqlite'),
      nodeRpc: node.rpcUrl.replace(/^ws/, 'http'),
      logFile: join(node.basePath, 'gateway.log'),
    });
    alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    device = await devMeterPair(71);
    replacement = await devMeterPair(72);
    clock = Date.now();
  });

  after(async () => {
    if (gateway) await gateway.stop();
    if (node) await node.stop();
  });

  /** POSTs one reading of NEW_METER signed by `pair`; resolves to the status and body. */
  const post = async (pair, seq, cumulativeWh, atMs) => {
    const reading = { meter: NEW_METER, seq, atMs: atMs ?? (clock += 1_000), cumulativeWh };
    const signature = u8aToHex(pair.sign(signingPayload(api, reading)));
    const body = JSON.stringify({
      meter: reading.meter, seq, at_ms: reading.atMs, cumulative_wh: cumulativeWh, flags: 0,
      scheme: 'sr25519', signature,
    });
    const res = await fetch(`${gateway.url}/v1/readings`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body,
    });
    return { status: res.status, body: await res.json() };
  };
  const outcomes = async () =>
    (await (await fetch(`${gateway.url}/v1/meters/${NEW_METER}/outcomes`)).json()).outcomes;
  const finalizedMeter = async () => {
    const at = await api.at(await api.rpc.chain.getFinalizedHead());
    return (await at.query.meters.meters(NEW_METER)).unwrapOr(null);
  };

  test('a meter the chain does not have is refused at once', async () => {
    const { status, body } = await post(device, 1, 100);
    assert.equal(status, 422);
    assert.match(body.error, /unknown meter 7001/);
  });

  test('a meter registered on chain is accepted once finalized, without a restart', async () => {
    const { dispatchError } = await sendAndWait(api.tx.meters.registerMeter(
      NEW_METER, { Sr25519: device.publicKey }, alice.address, null), alice);
    assert.equal(dispatchError, undefined);
    await waitFor(async () => (await finalizedMeter()) !== null, 60_000, 'the registration finalized');
    // The meter's clock keeps real time: a retried reading carries the time it was taken,
    // not a later one (each `post` without a time would move the clock on by a second).
    const firstAt = clock = Math.max(clock, Date.now());
    const first = await waitFor(async () => {
      const res = await post(device, 1, 100, firstAt);
      return res.status === 201 ? res : null;
    }, 30_000, 'the gateway to accept the new meter');
    assert.equal(first.body.new, 1);
    assert.equal((await post(device, 2, 101)).status, 201); // 1 Wh in 1 s: 3.6 kW
  });

  test('each reading is settled from finalized blocks: accepted, with its block', async () => {
    const settled = await waitFor(async () => {
      const list = await outcomes();
      return list.length === 2 && list.every((o) => o.outcome === 'accepted') ? list : null;
    }, 90_000, 'both readings accepted on finalized blocks');
    const onChain = await finalizedMeter();
    assert.equal(onChain.lastSeq.toNumber(), 2);
    for (const outcome of settled) {
      assert.ok(outcome.block > 0 && /^0x[0-9a-f]{64}$/.test(outcome.block_hash), JSON.stringify(outcome));
      const hash = await api.rpc.chain.getBlockHash(outcome.block);
      assert.equal(hash.toHex(), outcome.block_hash, 'the block hash is the finalized chain\'s');
    }
  });

  test('a household reads its own meter\'s readings; nobody else does, and the whole feed is for relayers', async () => {
    const path = `${gateway.url}/v1/meters/${NEW_METER}/readings`;
    const own = await fetch(path, { headers: { authorization: await ownerAuthorization(gateway.url, alice, NEW_METER) } });
    assert.equal(own.status, 200);
    const page = await own.json();
    assert.deepEqual(page.readings.map((r) => [r.seq, r.cumulative_wh, r.outcome]),
      [[1, 100, 'accepted'], [2, 101, 'accepted']]);
    const bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
    const other = await fetch(path, { headers: { authorization: await ownerAuthorization(gateway.url, bob, NEW_METER) } });
    assert.equal(other.status, 403, await other.text());
    assert.equal((await fetch(path)).status, 401);
    // The relayers' feed: not to anyone; to the chain's block author (the node's relayer key).
    const anonymous = await fetch(`${gateway.url}/v1/readings`);
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.headers.get('www-authenticate'), 'WattcoinRelayer');
    const stranger = await fetch(`${gateway.url}/v1/readings`,
      { headers: { authorization: await relayerAuthorization(gateway.url, '//Stranger') } });
    assert.equal(stranger.status, 403);
    assert.ok((await allReadings(gateway.url)).some((r) => r.meter === NEW_METER));
  });

  test("a household reads its meter's billing history, indexed from finalized blocks; nobody else does", async () => {
    const WATT = 10n ** 12n;
    const { blockHash, dispatchError } = await sendAndWait(api.tx.prepaid.topUp(NEW_METER, 7n * WATT), alice);
    assert.equal(dispatchError, undefined);
    const block = (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
    const path = `${gateway.url}/v1/meters/${NEW_METER}/billing`;
    const row = await waitFor(async () => {
      const res = await fetch(path, { headers: { authorization: await ownerAuthorization(gateway.url, alice, NEW_METER) } });
      assert.equal(res.status, 200);
      return (await res.json()).billing.find((entry) => entry.block === block);
    }, 60_000, `the billing row of block #${block}`);
    const account = (await (await api.at(blockHash)).query.prepaid.meterAccounts(NEW_METER)).unwrap();
    assert.equal(row.topped_up, (7n * WATT).toString());
    assert.equal(row.credit, account.credit.toString());
    assert.equal(row.debt, account.debt.toString());
    assert.equal(row.supply, account.supply.type);
    assert.equal(row.debited, '0', 'a top-up alone debits nothing (the meter has no tariff)');
    const bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
    const other = await fetch(path, { headers: { authorization: await ownerAuthorization(gateway.url, bob, NEW_METER) } });
    assert.equal(other.status, 403, await other.text());
    assert.equal((await fetch(path)).status, 401);
  });

  test('a reading the chain already has a later one for is refused at once', async () => {
    // Another reading with seq 2 (a different register), or seq 1: the chain is at seq 2.
    const stale = await post(device, 1, 120);
    assert.equal(stale.status, 422);
    assert.match(stale.body.error, /up to seq 2 are on chain/);
  });

  test('a rotated key is learnt from the chain: the old device is refused, the new one counts from 1', async () => {
    const { dispatchError } = await sendAndWait(
      api.tx.meters.rotateKey(NEW_METER, { Sr25519: replacement.publicKey }), alice);
    assert.equal(dispatchError, undefined);
    await waitFor(async () => {
      const meter = await finalizedMeter();
      return meter && u8aToHex(meter.key.asSr25519) === u8aToHex(replacement.publicKey);
    }, 60_000, 'the rotation finalized');
    const replacementAt = clock = Math.max(clock, Date.now()) + 1_000;
    const accepted = await waitFor(async () => {
      const res = await post(replacement, 1, 5, replacementAt);
      return res.status === 201 ? res : null;
    }, 30_000, 'the gateway to accept the replacement device');
    assert.equal(accepted.body.new, 1);
    const old = await post(device, 3, 102);
    assert.equal(old.status, 422);
    assert.match(old.body.error, /bad signature/);
  });

  test('a meter sold to another household shows the new owner none of the old owner\'s readings', async () => {
    const bob = new Keyring({ type: 'sr25519' }).addFromUri('//Bob');
    // Sold once real time has passed the meter's last reading, as a sale would be.
    await new Promise((ok) => setTimeout(ok, Math.max(0, clock - Date.now() + 1)));
    const { dispatchError } = await sendAndWait(api.tx.meters.setOwner(NEW_METER, bob.address), alice);
    assert.equal(dispatchError, undefined);
    await waitFor(async () => (await finalizedMeter())?.owner.toString() === bob.address,
      60_000, 'the sale finalized');
    const path = `${gateway.url}/v1/meters/${NEW_METER}/readings`;
    const read = async (pair) => fetch(path,
      { headers: { authorization: await ownerAuthorization(gateway.url, pair, NEW_METER) } });
    const bobs = await waitFor(async () => {
      const res = await read(bob);
      return res.status === 200 ? res.json() : null;
    }, 30_000, 'the gateway to learn the new owner');
    assert.ok(bobs.owner_since_ms > clock, 'the sale is later than every reading Alice had');
    assert.deepEqual(bobs.readings, [], 'Alice\'s readings are not shown to Bob');
    assert.equal((await read(alice)).status, 403);
    // What the meter measures after the sale is Bob's.
    const afterSale = await post(replacement, 2, 6, bobs.owner_since_ms + 1_000);
    assert.equal(afterSale.status, 201);
    const later = await (await read(bob)).json();
    assert.deepEqual(later.readings.map((r) => [r.seq, r.cumulative_wh]), [[2, 6]]);
  });
});
