// pallet-meters through a real client: the dev meters registered at genesis, and signed
// readings ingested by an authorized, feeless general transaction (extrinsic v5) that
// @polkadot/api decodes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startDevNode, waitFor } from '../lib/node.mjs';
import { authorizedTransaction, devMeterPair, firstTwoReadings, signReading, submitRaw, DEV_METER_ID_BASE } from '../lib/readings.mjs';

describe('pallet-meters on the dev chain', () => {
  let node;
  let api;

  before(async () => {
    node = await startDevNode();
    api = node.api;
    // Until the first block the chain's clock (pallet-timestamp) reads 0, and every reading
    // would be "from the future".
    await waitFor(async () => (await api.query.timestamp.now()).toBigInt() > 0n, 30_000,
      'the first block');
  });

  after(async () => {
    if (node) await node.stop();
  });

  /**
   * Waits for the block that includes the raw extrinsic `hex`; returns the block as
   * @polkadot/api decodes it, the extrinsic's index and its events.
   *
   * The block is searched by the extrinsic's bytes, not its hash: @polkadot/api 16.5 decodes
   * a general (v5) transaction's call but re-encodes it without its extension bytes, so the
   * hash it computes differs from the node's.
   */
  async function inclusionOf(hex) {
    return waitFor(async () => {
      const best = (await api.rpc.chain.getHeader()).number.toNumber();
      for (let n = best; n > Math.max(0, best - 5); n -= 1) {
        const blockHash = (await api.rpc.chain.getBlockHash(n)).toHex();
        const raw = await node.provider.send('chain_getBlock', [blockHash]);
        const index = raw.block.extrinsics.indexOf(hex);
        if (index >= 0) {
          const { block } = await api.rpc.chain.getBlock(blockHash);
          const events = (await (await api.at(blockHash)).query.system.events())
            .filter((e) => e.phase.isApplyExtrinsic && e.phase.asApplyExtrinsic.eqn(index));
          return { block, index, events };
        }
      }
      return null;
    }, 30_000, 'the ingestion transaction to be included');
  }

  test('genesis registers the 20 dev meters, operated by Alice', async () => {
    const entries = await api.query.meters.meters.entries();
    assert.equal(entries.length, 20);
    const operators = await api.query.meters.operators.entries();
    assert.equal(operators.length, 1);
    const first = (await api.query.meters.meters(DEV_METER_ID_BASE)).unwrap();
    const pair = await devMeterPair(0);
    assert.equal(first.key.asSr25519.toHex(), `0x${Buffer.from(pair.publicKey).toString('hex')}`);
    assert.equal(first.status.type, 'Active');
  });

  test('signed readings are ingested feelessly by an authorized transaction', async () => {
    const batch = await firstTwoReadings(api);
    const call = api.tx.meters.ingestReadings(batch);
    const tx = authorizedTransaction(api, call);
    await submitRaw(node.provider, tx);
    const { block, index, events } = await inclusionOf(tx);

    // @polkadot/api decodes the general transaction in the block.
    const extrinsic = block.extrinsics[index];
    assert.equal(extrinsic.method.section, 'meters');
    assert.equal(extrinsic.method.method, 'ingestReadings');
    assert.equal(extrinsic.isSigned, false);
    assert.equal(extrinsic.version, 0x45, 'a general transaction, extrinsic v5');

    const ingested = events.find(({ event }) => api.events.meters.ReadingsIngested.is(event));
    assert.ok(ingested, `a Meters.ReadingsIngested event; got ${events.map((e) => e.event.method)}`);
    assert.equal(ingested.event.data.accepted.toNumber(), 2);
    assert.equal(ingested.event.data.energyWh.toBigInt(), 750n);
    assert.ok(!events.some(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event)),
      'no fee is charged');

    const info = (await api.query.meters.meters(DEV_METER_ID_BASE)).unwrap();
    assert.equal(info.lastSeq.toBigInt(), 2n);
    assert.equal(info.lastCumulativeWh.toBigInt(), 10_750n);

    // The same readings again (another batch: the pool already knows the first one's
    // bytes) carry nothing new: the pool refuses them as outdated.
    const again = authorizedTransaction(api, api.tx.meters.ingestReadings([batch[1], batch[0]]));
    await assert.rejects(submitRaw(node.provider, again),
      (err) => /outdated/i.test(String(err.message ?? err)));
  });

  test('a reading signed by another meter\'s key is refused by the pool', async () => {
    const wrongPair = await devMeterPair(1);
    const batch = [signReading(api, wrongPair, {
      meter: DEV_METER_ID_BASE + 2n, seq: 1n, atMs: BigInt(Date.now()), cumulativeWh: 1n })];
    await assert.rejects(
      submitRaw(node.provider, authorizedTransaction(api, api.tx.meters.ingestReadings(batch))),
      (err) => /bad proof|bad signature/i.test(String(err.message ?? err)));
  });

  test('a valid reading padded with forged ones is refused whole by the pool', async () => {
    const pair = await devMeterPair(3);
    const forger = await devMeterPair(19);
    const now = BigInt(Date.now());
    const meter = DEV_METER_ID_BASE + 3n;
    const padded = [signReading(api, pair, { meter, seq: 1n, atMs: now - 5_000n, cumulativeWh: 100n })];
    for (let seq = 2n; seq <= 20n; seq++) {
      padded.push(signReading(api, forger, { meter, seq, atMs: now - 5_000n + seq, cumulativeWh: 100n + seq }));
    }
    await assert.rejects(
      submitRaw(node.provider, authorizedTransaction(api, api.tx.meters.ingestReadings(padded))),
      (err) => /bad proof|bad signature/i.test(String(err.message ?? err)));
    const info = (await api.query.meters.meters(meter)).unwrap();
    assert.equal(info.lastSeq.toBigInt(), 0n, 'nothing of the padded batch reached the chain');
  });

  test('forged readings cannot squat the pool tags of honest ones', async () => {
    const now = BigInt(Date.now());
    const honestPair = await devMeterPair(5);
    const forger = await devMeterPair(18);
    const valid = signReading(api, await devMeterPair(4),
      { meter: DEV_METER_ID_BASE + 4n, seq: 1n, atMs: now - 5_000n, cumulativeWh: 100n });
    const squat = signReading(api, forger,
      { meter: DEV_METER_ID_BASE + 5n, seq: 1n, atMs: now - 5_000n, cumulativeWh: 1n });
    await assert.rejects(
      submitRaw(node.provider, authorizedTransaction(api, api.tx.meters.ingestReadings([valid, squat]))),
      (err) => /bad proof|bad signature/i.test(String(err.message ?? err)));
    // The honest relayers' batch carrying the real (meter 1005, seq 1) is taken.
    const honest = signReading(api, honestPair,
      { meter: DEV_METER_ID_BASE + 5n, seq: 1n, atMs: now - 5_000n, cumulativeWh: 1n });
    const tx = authorizedTransaction(api, api.tx.meters.ingestReadings([valid, honest]));
    await submitRaw(node.provider, tx);
    await inclusionOf(tx);
    const info = (await api.query.meters.meters(DEV_METER_ID_BASE + 5n)).unwrap();
    assert.equal(info.lastSeq.toBigInt(), 1n);
  });
});
