// A forkless runtime upgrade of a live chain, with storage migrations: a dev chain started on
// the previous release's runtime (spec 101, as shipped: e2e/fixtures/README.md), carrying
// meters, credit, tariffs and a vendor, relaying and billing readings, is upgraded with
// sudo(system.setCode) to the runtime of this checkout. Its migrations must move every meter
// (pallet-meters v0 -> v1: a rated power; v1 -> v2: indexed under its owner; pallet-prepaid
// v0 -> v1: its supply state published) and every vendor (pallet-wattcoin v0 -> v1: a
// cash-out limit); blocks must keep being produced and finalized,
// and readings billed exactly as the tariff says, across the upgrade. The node's `wattcoin`
// RPC methods refuse the old runtime with a clear error and serve the new one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { u8aConcat, u8aToHex } from '@polkadot/util';
import { xxhashAsU8a } from '@polkadot/util-crypto';
import { freePort, nodeBinary, repoRoot, sendAndWait, startDevNode, waitFor } from '../lib/node.mjs';
import { allReadings, startGateway } from '../lib/gateway.mjs';
import { RPC_ERROR } from '../lib/rpc.mjs';

const WATT = 10n ** 12n;
const FLAT_PRICE_PER_WH = 250_000_000n; // tariff 0: 0.25 WATT per kWh
const FLAT_METER = 1002; // flat tariff, 50 WATT at genesis
const METER_CREDIT = 50n * WATT;
const OLD_SPEC = 101;
/** The spec of the runtime built from this checkout. */
const NEW_SPEC = 106;
const OLD_RUNTIME = join(repoRoot, 'e2e', 'fixtures', `wattcoin_runtime-${OLD_SPEC}.compact.compressed.wasm`);

/** The runtime of this checkout: $WATTCOIN_RUNTIME_WASM, else the release build's. */
function newRuntime() {
  const targetDir = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'wattcoin', 'target');
  const wasm = process.env.WATTCOIN_RUNTIME_WASM ||
    join(targetDir, 'release', 'wbuild', 'wattcoin-runtime', 'wattcoin_runtime.compact.compressed.wasm');
  if (!existsSync(wasm)) throw new Error(`the runtime is not built at ${wasm}`);
  return readFileSync(wasm);
}

/**
 * The raw dev chain spec of the previous release: the dev preset's genesis (without what
 * only the new runtime knows) built by the old runtime's own genesis builder.
 */
function previousReleaseSpec(dir) {
  const node = nodeBinary();
  const blob = readFileSync(OLD_RUNTIME);
  const expected = readFileSync(`${OLD_RUNTIME}.sha256`, 'utf8').trim().split(/\s+/)[0];
  assert.equal(createHash('sha256').update(blob).digest('hex'), expected,
    `${OLD_RUNTIME} is the shipped runtime (e2e/fixtures/README.md)`);
  const plain = JSON.parse(execFileSync(node, ['export-chain-spec', '--chain', 'dev'],
    { maxBuffer: 64 << 20 }).toString());
  plain.genesis.runtimeGenesis.code = u8aToHex(blob);
  delete plain.genesis.runtimeGenesis.patch.meters.ratedPowers; // new in spec 102
  const plainPath = join(dir, 'previous-plain.json');
  writeFileSync(plainPath, JSON.stringify(plain));
  const raw = execFileSync(node, ['build-spec', '--chain', plainPath, '--raw', '--disable-default-bootnode'],
    { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const rawPath = join(dir, 'previous-raw.json');
  writeFileSync(rawPath, raw);
  return rawPath;
}

/** A pallet's on-chain storage version (`:__STORAGE_VERSION__:` under its prefix). */
async function storageVersion(api, pallet, at) {
  const key = u8aConcat(xxhashAsU8a(pallet, 128), xxhashAsU8a(':__STORAGE_VERSION__:', 128));
  const value = at ? await api.rpc.state.getStorage(u8aToHex(key), at)
    : await api.rpc.state.getStorage(u8aToHex(key));
  return value.isSome ? api.createType('u16', value.unwrap()).toNumber() : 0;
}

describe('forkless runtime upgrade with storage migrations', () => {
  let dir;
  let node;
  let api;
  let gateway;
  let alice;
  let upgradeBlock;
  let seqAtUpgrade;
  let metersBefore;
  let vendorsBefore;

  before(async () => {
    alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    dir = mkdtempSync(join(tmpdir(), 'wattcoin-upgrade-'));
    const spec = previousReleaseSpec(dir);
    const gatewayPort = await freePort();
    node = await startDevNode({
      extraArgs: ['--chain', spec,
        '--meter-gateway', `http://127.0.0.1:${gatewayPort}`],
    });
    api = node.api;
    gateway = await startGateway({
      port: gatewayPort,
      db: join(node.basePath, 'gateway.sqlite'),
      nodeRpc: node.rpcUrl.replace(/^ws/, 'http'),
      logFile: join(node.basePath, 'gateway.log'),
      // Three times a household's load (at most 20 kW): within the 24 kW the migration gives
      // every meter of a chain that had no rated powers.
      // The previous release's off-chain workers do not sign their feed requests: the gateway
      // serves its feed to anyone until the upgrade (docs/upgrades.md, "Upgrading to 102").
      args: ['--simulate', '4', '--interval', '2', '--simulate-scale', '300', '--open-feed'],
    });
  });

  after(async () => {
    if (gateway) await gateway.stop();
    if (node) await node.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const meterInfo = async (meter, at = api) => (await at.query.meters.meters(meter)).unwrap();

  /**
   * A finalized state after block `after` in which `FLAT_METER` has taken at least `seq`
   * readings. (The block that sets the new code already reports the new runtime but still holds
   * the old layouts: its storage is only read once a later block, which migrated it, is final.)
   */
  const finalizedWith = (seq, what, after = 0) => waitFor(async () => {
    const hash = await api.rpc.chain.getFinalizedHead();
    if ((await api.rpc.chain.getHeader(hash)).number.toNumber() <= after) return null;
    const finalized = await api.at(hash);
    return (await meterInfo(FLAT_METER, finalized)).lastSeq.toNumber() >= seq ? finalized : null;
  }, 120_000, what);

  /** The flat meter's credit at `at` is what the tariff charges for the gateway's energy. */
  const assertBilledByTheTariff = async (at) => {
    const info = await meterInfo(FLAT_METER, at);
    const readings = (await allReadings(gateway.url)).filter((r) => r.meter === FLAT_METER);
    const first = readings.find((r) => r.seq === 1);
    const last = readings.find((r) => r.seq === info.lastSeq.toNumber());
    assert.ok(first && last, 'the gateway holds the baseline and the last billed reading');
    const energyWh = BigInt(last.cumulative_wh) - BigInt(first.cumulative_wh);
    // From storage: @polkadot/api decorates no runtime API on a historic block of the new
    // runtime (`api.at(hash).call` lacks `prepaidApi` there).
    const credit = (await at.query.prepaid.meterAccounts(FLAT_METER)).unwrap().credit.toBigInt();
    assert.equal(METER_CREDIT - credit, energyWh * FLAT_PRICE_PER_WH,
      `meter ${FLAT_METER} after ${info.lastSeq} readings (${energyWh} Wh)`);
  };

  test('the chain starts on the previous release and bills readings', async () => {
    assert.equal((await api.rpc.state.getRuntimeVersion()).specVersion.toNumber(), OLD_SPEC);
    assert.equal(await storageVersion(api, 'Meters'), 0);
    assert.equal(await storageVersion(api, 'Prepaid'), 0);
    assert.equal(await storageVersion(api, 'Wattcoin'), 0);
    await assertBilledByTheTariff(await finalizedWith(3, 'readings billed by the previous release'));
    // The node's RPC needs runtime APIs the previous release lacks, and says so.
    await assert.rejects(api.rpc.wattcoin.metersOf(alice.address), (err) =>
      err.message.startsWith(`${RPC_ERROR.UNSUPPORTED}: `) && /spec 104 or later/.test(err.message));
  });

  test('sudo(system.setCode) upgrades the live chain; the migrations move and index every meter and move every vendor', async () => {
    metersBefore = new Map((await api.query.meters.meters.entries())
      .map(([key, value]) => [key.args[0].toNumber(), value.unwrap().toJSON()]));
    vendorsBefore = new Map((await api.query.wattcoin.vendors.entries())
      .map(([key, value]) => [key.args[0].toString(), value.unwrap().toJSON()]));
    assert.equal(metersBefore.size, 20);
    assert.equal(vendorsBefore.size, 1);

    const code = u8aToHex(newRuntime());
    const { blockHash } = await sendAndWait(
      api.tx.sudo.sudoUncheckedWeight(api.tx.system.setCode(code), { refTime: 0, proofSize: 0 }), alice);
    // The upgrade block already reports the new runtime but was written by the old one (its
    // events, its meters: the next block migrates them), so it is read with the old types:
    // @polkadot/api would decode it with the new ones.
    const header = await api.rpc.chain.getHeader(blockHash);
    const old = await api.at(header.parentHash);
    const readOld = async (entry, ...keys) => {
      const { type } = entry.creator.meta;
      return old.registry.createType(
        old.registry.createLookupType(type.isPlain ? type.asPlain : type.asMap.value),
        (await api.rpc.state.getStorage(entry.key(...keys), blockHash)).unwrap());
    };
    const events = await readOld(old.query.system.events);
    const failed = events.find(({ event }) => old.events.system.ExtrinsicFailed.is(event));
    assert.equal(failed, undefined, `no extrinsic of the upgrade block failed: ${failed?.event}`);
    const sudid = events.find(({ event }) => old.events.sudo.Sudid.is(event));
    assert.ok(sudid?.event.data.sudoResult.isOk, `setCode: ${sudid?.event.data.sudoResult}`);
    assert.ok(events.some(({ event }) => old.events.system.CodeUpdated.is(event)), 'a CodeUpdated event');
    upgradeBlock = header.number.toNumber();
    seqAtUpgrade = (await readOld(old.query.meters.meters, FLAT_METER)).lastSeq.toNumber();

    // The block with the new code reports the new version; the next block runs the new
    // runtime and, first, its migrations.
    const version = await api.rpc.state.getRuntimeVersion(blockHash);
    assert.equal(version.specVersion.toNumber(), NEW_SPEC);
    const migrated = await waitFor(async () => {
      const best = await api.rpc.chain.getHeader();
      return best.number.toNumber() > upgradeBlock ? best.hash : null;
    }, 60_000, 'a block after the upgrade');
    await waitFor(async () => api.runtimeVersion.specVersion.toNumber() === NEW_SPEC, 30_000,
      '@polkadot/api to load the new metadata');
    assert.equal(await storageVersion(api, 'Meters', migrated), 2);
    assert.equal(await storageVersion(api, 'Wattcoin', migrated), 1);
    assert.equal(await storageVersion(api, 'Prepaid', migrated), 1);

    const after = await api.at(migrated);
    const metersAfter = await after.query.meters.meters.entries();
    assert.equal(metersAfter.length, metersBefore.size, 'no meter lost');
    for (const [key, value] of metersAfter) {
      const meter = key.args[0].toNumber();
      const [before, now] = [metersBefore.get(meter), value.unwrap()];
      assert.ok(before, `meter ${meter} existed before`);
      assert.equal(now.ratedPowerW.toNumber(), 24_000, `meter ${meter} has the default rated power`);
      assert.equal(now.owner.toString(), before.owner);
      assert.equal(now.operator.toString(), before.operator);
      assert.deepEqual(now.key.toJSON(), before.key);
      assert.equal(now.readingsFromMs.toNumber(), before.readingsFromMs);
    }
    // pallet-prepaid v1: the supply state of every meter not connected is published.
    const accounts = await after.query.prepaid.meterAccounts.entries();
    assert.equal(accounts.length, metersBefore.size);
    for (const [key, account] of accounts) {
      const meter = key.args[0].toNumber();
      const order = await after.query.prepaid.supplyOrders(meter);
      const supply = account.unwrap().supply.type;
      assert.equal(order.isSome ? order.unwrap().type : 'Connected', supply, `meter ${meter}'s supply order`);
    }
    // v2: every meter indexed under its owner, as the RPC lists them.
    const index = await after.query.meters.ownerMeters.keys();
    assert.equal(index.length, metersBefore.size, 'one index entry per meter');
    for (const key of index) {
      const [owner, meter] = key.args;
      assert.equal(owner.toString(), metersBefore.get(meter.toNumber())?.owner, `meter ${meter} indexed under its owner`);
    }
    const listed = (await api.rpc.wattcoin.metersOf(alice.address, null, migrated)).toJSON().meters;
    const owned = [...metersBefore].filter(([, m]) => m.owner === alice.address).map(([id]) => id);
    assert.deepEqual([...listed].sort(), owned.sort());
    const vendorsAfter = await after.query.wattcoin.vendors.entries();
    assert.equal(vendorsAfter.length, vendorsBefore.size, 'no vendor lost');
    for (const [key, value] of vendorsAfter) {
      const vendor = value.unwrap();
      const before = vendorsBefore.get(key.args[0].toString());
      assert.equal(vendor.allowance.toBigInt(), BigInt(before.allowance));
      assert.equal(vendor.cashOutLimit.toBigInt(), vendor.allowance.toBigInt(),
        'a vendor starts with its allowance as cash-out limit');
    }
  });

  test('blocks are produced and finalized across the upgrade, and readings billed as before', async () => {
    const at = await finalizedWith(seqAtUpgrade + 3, 'readings billed by the new runtime, finalized',
      upgradeBlock);
    const finalized = (await at.query.system.number()).toNumber();
    assert.ok(finalized > upgradeBlock, `finalized #${finalized} after the upgrade in #${upgradeBlock}`);
    await assertBilledByTheTariff(at);
  });
});
