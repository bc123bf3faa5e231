// Wattcoin's JSON-RPC methods on a real dev node, called through @polkadot/api
// (`api.rpc.wattcoin.*`, e2e/lib/rpc.mjs): a meter's status, the meters an account owns page by
// page, a quote, and the errors for unknown meters and bad arguments. Each answer is checked
// against chain storage or a runtime API at the same block.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { sendAndWait, startDevNode } from '../lib/node.mjs';
import { RPC_ERROR } from '../lib/rpc.mjs';

const WATT = 10n ** 12n;
const FLAT_METER = 1002; // dev meter 2: flat tariff 0, 50 WATT, owned by Charlie
const TOU_METER = 1003; // dev meter 3: time-of-use tariff 1, owned by Dave
const ALICE_METERS = [1000, 1006, 1012, 1018]; // dev meter i is owned by dev account i mod 6
const NEW_METER = 4242;
const WEEK_MS = 7 * 24 * 3600 * 1000;

describe('the wattcoin JSON-RPC methods', () => {
  let node;
  let api;
  let alice;
  let bob;
  let charlie;
  let dave;

  before(async () => {
    node = await startDevNode();
    api = node.api;
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
    [alice, bob, charlie, dave] = ['//Alice', '//Bob', '//Charlie', '//Dave'].map((u) => keyring.addFromUri(u));
  });

  after(async () => {
    if (node) await node.stop();
  });

  /** The JSON-RPC error code and message of a failed call, from @polkadot/api's error. */
  const rpcError = async (call) => {
    try {
      await call();
    } catch (err) {
      const match = /^(-?\d+): (.*)$/s.exec(String(err.message));
      assert.ok(match, `a JSON-RPC error "code: message", got ${err.message}`);
      return { code: Number(match[1]), message: match[2] };
    }
    assert.fail('the call succeeded');
  };

  /** Calls a method with raw JSON params, below @polkadot/api's own type checks. */
  const rawError = (method, params) => rpcError(() => node.provider.send(method, params));

  test('meterStatus reports the registry record and the prepaid account, as storage holds them', async () => {
    const hash = await api.rpc.chain.getFinalizedHead();
    const status = (await api.rpc.wattcoin.meterStatus(FLAT_METER, hash)).toJSON();
    const at = await api.at(hash);
    const meter = (await at.query.meters.meters(FLAT_METER)).unwrap();
    const account = (await at.query.prepaid.meterAccounts(FLAT_METER)).unwrap();
    const header = await api.rpc.chain.getHeader(hash);

    assert.deepEqual(status.at, { hash: hash.toHex(), number: header.number.toNumber() });
    assert.equal(status.meter, FLAT_METER);
    assert.equal(status.owner, charlie.address);
    assert.equal(status.operator, alice.address);
    assert.equal(status.owner, meter.owner.toString());
    assert.equal(status.status, 'Active');
    assert.equal(status.lastReading, null, 'no reading relayed on a node without a gateway');
    assert.equal(typeof status.credit, 'string', 'amounts are decimal strings');
    assert.equal(BigInt(status.credit), account.credit.toBigInt());
    assert.equal(BigInt(status.credit), 50n * WATT);
    assert.equal(BigInt(status.debt), 0n);
    assert.equal(status.supply, 'Connected');
    assert.equal(status.tariff.id, account.tariff.unwrap().toNumber());
    assert.equal(BigInt(status.tariff.pricePerKwhNow), WATT / 4n, 'tariff 0 charges 0.25 WATT a kWh');
    assert.deepEqual(status.announcedChanges, []);
    // The runtime API it is built on, at the same block.
    const viaApi = await at.call.prepaidApi.meterStatus(FLAT_METER);
    assert.equal(viaApi.unwrap().credit.toBigInt(), BigInt(status.credit));
    assert.equal(BigInt(status.creditBuysWh), 50n * 4n * 1000n, '50 WATT buy 200 kWh');
  });

  test('meterStatus at an earlier block shows the credit then; a top-up shows at its block', async () => {
    const before = await api.rpc.chain.getFinalizedHead();
    const { blockHash } = await sendAndWait(api.tx.prepaid.topUp(FLAT_METER, 3n * WATT), bob);
    const then = (await api.rpc.wattcoin.meterStatus(FLAT_METER, before)).toJSON();
    const now = (await api.rpc.wattcoin.meterStatus(FLAT_METER, blockHash)).toJSON();
    assert.equal(BigInt(now.credit) - BigInt(then.credit), 3n * WATT);
  });

  test('meterStatus lists a tariff change the operator announced', async () => {
    const tariff = (await api.query.prepaid.tariffs(1)).unwrap();
    const params = tariff.versions[tariff.versions.length - 1].params.toJSON();
    const effectiveFrom = (await api.query.timestamp.now()).toNumber() + WEEK_MS + 3_600_000;
    const { dispatchError } = await sendAndWait(api.tx.prepaid.scheduleTariffChange(1, effectiveFrom,
      { ...params, pricePerKwh: 7n * WATT / 10n }), alice);
    assert.equal(dispatchError, undefined);
    const status = (await api.rpc.wattcoin.meterStatus(TOU_METER)).toJSON();
    assert.deepEqual(status.announcedChanges, [{
      effectiveFrom, tariff: 1, switch: false, pricePerKwh: String(7n * WATT / 10n),
      standingChargePerDay: String(BigInt(params.standingChargePerDay)),
    }]);
    assert.equal(status.tariff.nextChange, effectiveFrom);
    assert.equal(status.owner, dave.address);
  });

  test('metersOf lists an owner\'s meters page by page, each once', async () => {
    const all = (await api.rpc.wattcoin.metersOf(alice.address)).toJSON();
    assert.deepEqual([...all.meters].sort(), ALICE_METERS);
    assert.equal(all.next, null);
    assert.equal(all.owner, alice.address);

    const seen = [];
    let page = { limit: 3 };
    let pages = 0;
    for (;;) {
      const got = (await api.rpc.wattcoin.metersOf(alice.address, page)).toJSON();
      pages += 1;
      assert.ok(got.meters.length <= 3);
      seen.push(...got.meters);
      if (got.next === null) break;
      page = { after: got.next, limit: 3 };
    }
    assert.equal(pages, 2);
    assert.deepEqual(seen.sort(), ALICE_METERS);
    const nobody = new Keyring({ type: 'sr25519' }).addFromUri('//Nobody').address;
    assert.deepEqual((await api.rpc.wattcoin.metersOf(nobody)).toJSON().meters, []);
  });

  test('metersOf follows registration and a change of owner', async () => {
    const { dispatchError } = await sendAndWait(api.tx.meters.registerMeter(
      NEW_METER, { Sr25519: bob.publicKey }, dave.address, 'e2e rpc'), alice);
    assert.equal(dispatchError, undefined);
    assert.ok((await api.rpc.wattcoin.metersOf(dave.address)).toJSON().meters.includes(NEW_METER));
    await sendAndWait(api.tx.meters.setOwner(NEW_METER, bob.address), alice);
    assert.ok(!(await api.rpc.wattcoin.metersOf(dave.address)).toJSON().meters.includes(NEW_METER));
    assert.ok((await api.rpc.wattcoin.metersOf(bob.address)).toJSON().meters.includes(NEW_METER));
  });

  test('quote prices energy at the tariff in force, against the credit', async () => {
    const quote = (await api.rpc.wattcoin.quote(FLAT_METER, 2_000)).toJSON();
    assert.equal(quote.meter, FLAT_METER);
    assert.equal(quote.tariff, 0);
    assert.equal(quote.energyWh, 2_000);
    assert.equal(BigInt(quote.cost), WATT / 2n, '2 kWh at 0.25 WATT');
    assert.equal(quote.coveredByCredit, true);
    const tooMuch = (await api.rpc.wattcoin.quote(FLAT_METER, 1_000_000)).toJSON();
    assert.equal(BigInt(tooMuch.cost), 250n * WATT);
    assert.equal(tooMuch.coveredByCredit, false);
    // The runtime API it is built on agrees.
    const viaApi = (await api.call.prepaidApi.quote(FLAT_METER, 2_000)).unwrap();
    assert.equal(viaApi.cost.toBigInt(), BigInt(quote.cost));
  });

  test('an unknown meter, a meter without a tariff and bad arguments are JSON-RPC errors', async () => {
    let e = await rpcError(() => api.rpc.wattcoin.meterStatus(77_777));
    assert.equal(e.code, RPC_ERROR.UNKNOWN_METER);
    assert.match(e.message, /no meter 77777 is registered at block #\d+/);
    e = await rpcError(() => api.rpc.wattcoin.quote(77_777, 1_000));
    assert.equal(e.code, RPC_ERROR.UNKNOWN_METER);
    e = await rpcError(() => api.rpc.wattcoin.quote(NEW_METER, 1_000));
    assert.equal(e.code, RPC_ERROR.NO_TARIFF);
    assert.match(e.message, /meter 4242 has no tariff in force/);

    e = await rpcError(() => api.rpc.wattcoin.metersOf(alice.address, { limit: 0 }));
    assert.equal(e.code, RPC_ERROR.INVALID_PARAMS);
    assert.match(e.message, /a page holds 1 to 1000 meters, not 0/);
    e = await rpcError(() => api.rpc.wattcoin.metersOf(alice.address, { limit: 1001 }));
    assert.equal(e.code, RPC_ERROR.INVALID_PARAMS);
    e = await rawError('wattcoin_metersOf', [alice.address, { size: 3 }]);
    assert.equal(e.code, RPC_ERROR.INVALID_PARAMS, 'an unknown page field');
    e = await rawError('wattcoin_metersOf', ['not-an-address']);
    assert.equal(e.code, RPC_ERROR.INVALID_PARAMS);
    e = await rawError('wattcoin_quote', [FLAT_METER, 'lots']);
    assert.equal(e.code, RPC_ERROR.INVALID_PARAMS);
    e = await rawError('wattcoin_meterStatus', [FLAT_METER, `0x${'ab'.repeat(32)}`]);
    assert.equal(e.code, RPC_ERROR.INVALID_PARAMS);
    assert.match(e.message, /unknown block/);
  });
});
