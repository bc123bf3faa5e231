// The `wattcoin` command-line wallet against a dev node: every subcommand, checked against the
// chain through @polkadot/api, accounts checked against polkadot.js's own keyring, and the
// errors a household or an operator meets (wrong password, unknown account, no node, a call
// the chain refuses).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, mnemonicGenerate, randomAsU8a, signatureVerify } from '@polkadot/util-crypto';
import { freePort, repoRoot, startDevNode, waitFor } from '../lib/node.mjs';
import { cliWallet } from '../lib/cli.mjs';
import { authorizedTransaction, firstTwoReadings, submitRaw } from '../lib/readings.mjs';

const WATT = 10n ** 12n;
const METER = 1002; // a dev meter (tariff 0, 50 WATT of credit at genesis)
const BULK = 10_000; // meters registered from one CSV

describe('wattcoin, the command-line wallet', () => {
  let node;
  let api;
  let cli;
  let keyring;
  let household; // { address, mnemonic } made by `wallet new`

  before(async () => {
    await cryptoWaitReady();
    keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    node = await startDevNode();
    api = node.api;
    cli = cliWallet(node.rpcUrl);
  });

  after(async () => {
    if (node) await node.stop();
  });

  const finalized = async () => api.at(await api.rpc.chain.getFinalizedHead());
  const freeOf = async (address) => (await (await finalized()).query.system.account(address)).data.free.toBigInt();
  const line = (stdout, label) => {
    const found = stdout.split('\n').find((l) => l.startsWith(`${label}:`));
    assert.ok(found, `a "${label}:" line in:\n${stdout}`);
    return found.slice(label.length + 1).trim();
  };

  test('wallet new: a mnemonic polkadot.js derives the same address from, shown once', async () => {
    const out = await cli.ok(['wallet', 'new', 'household']);
    household = { address: line(out, 'address'), mnemonic: line(out, 'mnemonic') };
    assert.equal(household.mnemonic.split(' ').length, 12);
    assert.equal(keyring.addFromUri(household.mnemonic).address, household.address);
    const stored = readFileSync(join(cli.walletDir, `${household.address}.json`), 'utf8');
    assert.ok(!stored.includes(household.mnemonic.split(' ')[0] + ' '), 'the mnemonic is not stored');
  });

  test('wallet import --dev and wallet list', async () => {
    await cli.ok(['wallet', 'import', '--name', 'alice', '--dev', '//Alice']);
    await cli.ok(['wallet', 'import', '--name', 'charlie', '--dev', '//Charlie']);
    const list = await cli.ok(['wallet', 'list']);
    const names = list.trim().split('\n').map((l) => l.split(/\s+/));
    assert.deepEqual(names, [
      ['alice', keyring.addFromUri('//Alice').address],
      ['charlie', keyring.addFromUri('//Charlie').address],
      ['household', household.address],
    ]);
    const again = await cli.run(['wallet', 'import', '--name', 'alice2', '--dev', '//Alice']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already has this account, as 'alice'/);
  });

  test('wallet export: polkadot.js opens the file with the password, or with a new one', async () => {
    const out = join(dirname(cli.walletDir), 'household.json');
    await cli.ok(['wallet', 'export', 'household', '--out', out]);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    const pair = keyring.createFromJson(json);
    assert.throws(() => pair.decodePkcs8('wrong'), /Unable to decode/);
    pair.decodePkcs8('e2e password');
    assert.equal(pair.address, household.address);
    const signature = pair.sign('wattcoin');
    assert.ok(signatureVerify('wattcoin', signature, household.address).isValid);
    assert.equal(json.meta.name, 'household');

    const newPassword = join(dirname(cli.walletDir), 'new-password');
    writeFileSync(newPassword, 'a new password\n');
    const out2 = join(dirname(cli.walletDir), 'household-2.json');
    await cli.ok(['wallet', 'export', 'household', '--out', out2, '--new-password-file', newPassword]);
    const pair2 = keyring.createFromJson(JSON.parse(readFileSync(out2, 'utf8')));
    assert.throws(() => pair2.decodePkcs8('e2e password'), /Unable to decode/);
    pair2.decodePkcs8('a new password');
    assert.equal(pair2.address, household.address);
  });

  test('wallet import --json: an account polkadot.js made signs here', async () => {
    const made = keyring.addFromUri(mnemonicGenerate(), { name: 'from-apps' });
    const file = join(dirname(cli.walletDir), 'from-apps.json');
    writeFileSync(file, JSON.stringify(made.toJson('apps password')));
    const wrong = await cli.run(['wallet', 'import', '--json', file], { env: { WATTCOIN_PASSWORD: 'nope' } });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /wrong password for account 'from-apps'/);
    await cli.ok(['wallet', 'import', '--json', file], { env: { WATTCOIN_PASSWORD: 'apps password' } });
    await cli.ok(['transfer', '--from', 'alice', '--to', made.address, '--amount', '10']);
    const before = await freeOf(household.address);
    await cli.ok(['transfer', '--from', 'from-apps', '--to', 'household', '--amount', '2.5'],
      { env: { WATTCOIN_PASSWORD: 'apps password' } });
    assert.equal(await freeOf(household.address), before + 25n * WATT / 10n);
  });

  test('balance is the finalized chain\'s', async () => {
    const out = await cli.ok(['balance', 'alice']);
    const free = await freeOf(keyring.addFromUri('//Alice').address);
    const shown = line(out, 'free').replace(' WATT', '');
    const [whole, fraction = ''] = shown.split('.');
    assert.equal(BigInt(whole) * WATT + BigInt(fraction.padEnd(12, '0')), free);
    assert.match(line(out, 'at block'), /^#\d+ \(finalized\)$/);
  });

  test('transfer: finalized, and the receiver has it', async () => {
    const before = await freeOf(household.address);
    const res = await cli.run(['transfer', '--from', 'alice', '--to', household.address, '--amount', '100']);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /in block #\d+ \(not final yet\)/);
    assert.match(res.stderr, /finalized in block #\d+/);
    assert.equal(await freeOf(household.address), before + 100n * WATT);
  });

  test('vendor issue: the household receives WATT against a receipt, once', async () => {
    const before = await freeOf(household.address);
    await cli.ok(['vendor', 'issue', '--from', 'charlie', '--to', 'household', '--amount', '20', '--receipt', 'till-7/0001']);
    assert.equal(await freeOf(household.address), before + 20n * WATT);
    const again = await cli.run(['vendor', 'issue', '--from', 'charlie', '--to', 'household', '--amount', '20', '--receipt', 'till-7/0001']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Wattcoin\.DuplicateReceipt/);
  });

  test('meter status is the node\'s wattcoin_meterStatus', async () => {
    const json = JSON.parse(await cli.ok(['meter', 'status', String(METER), '--json']));
    const fromApi = (await api.rpc.wattcoin.meterStatus(METER, json.at.hash)).toJSON();
    assert.deepEqual(json, fromApi);
    const out = await cli.ok(['meter', 'status', String(METER)]);
    assert.match(line(out, 'supply'), /^Connected$/);
    assert.match(line(out, 'tariff'), /^#0: 0\.25 WATT per kWh now, 0\.1 WATT per day$/);
    const missing = await cli.run(['meter', 'status', '424242']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /meter 424242: no meter 424242 is registered at block #\d+ \(error 9001\)/);
  });

  test('meter top-up: the credit grows by the amount', async () => {
    const creditOf = async () => (await (await finalized()).query.prepaid.meterAccounts(METER)).unwrap().credit.toBigInt();
    const before = await creditOf();
    const out = await cli.ok(['meter', 'top-up', String(METER), '--from', 'household', '--amount', '7.5']);
    assert.match(out, /7\.5 WATT to credit/);
    assert.equal(await creditOf(), before + 75n * WATT / 10n);
  });

  test('tariff show prints the tariff\'s versions as stored', async () => {
    const out = await cli.ok(['tariff', 'show', '0']);
    const tariff = (await (await finalized()).query.prepaid.tariffs(0)).unwrap();
    assert.equal(line(out, 'operator'), tariff.operator.toString());
    assert.equal(line(out, 'meters'), String(tariff.meters.toNumber()));
    assert.equal(tariff.versions[0].params.pricePerKwh.toBigInt(), WATT / 4n);
    assert.match(out, /price: +0\.25 WATT per kWh/);
    const missing = await cli.run(['tariff', 'show', '999']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no tariff #999/);
  });

  test(`meter register: one meter, then ${BULK.toLocaleString('en')} from one CSV, every one landed`, async () => {
    const key = u8aToHex(randomAsU8a(32));
    await cli.ok(['meter', 'register', '--from', 'alice', '--meter', '500000', '--key', key, '--owner', 'household']);
    const one = (await (await finalized()).query.meters.meters(500000)).unwrap();
    assert.equal(one.owner.toString(), household.address);
    assert.equal(u8aToHex(one.key.asSr25519), key);
    const refused = await cli.run(['meter', 'register', '--from', 'household', '--meter', '500001', '--key', key, '--owner', 'household']);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /meter 500001: Meters\.NotOperator: The account is not a licensed operator/);

    const csv = join(dirname(cli.walletDir), 'meters.csv');
    const rows = ['meter,key,owner,metadata'];
    for (let i = 0; i < BULK; i += 1) rows.push(`${600000 + i},${u8aToHex(randomAsU8a(32))},${household.address},flat ${i}`);
    writeFileSync(csv, `${rows.join('\n')}\n`);
    const started = Date.now();
    const res = await cli.run(['meter', 'register', '--from', 'alice', '--csv', csv]);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
    assert.match(res.stdout, new RegExp(`registered ${BULK} meter\\(s\\), 0 already there, 0 failed, 0 not landed`));
    assert.match(res.stderr, /submitted \d+ of 10000/, 'progress is shown');
    const at = await finalized();
    const owned = await at.query.meters.ownerMeters.keys(household.address);
    const bulk = owned.map((k) => k.args[1].toNumber()).filter((m) => m >= 600000);
    assert.equal(bulk.length, BULK);
    console.log(`# ${BULK} meters registered from one CSV in ${seconds.toFixed(0)} s`);
    // Run again: nothing is sent twice.
    const rerun = await cli.ok(['meter', 'register', '--from', 'alice', '--csv', csv]);
    assert.match(rerun, new RegExp(`registered 0 meter\\(s\\), ${BULK} already there, 0 failed`));
    // A bad file is refused whole, naming its lines, before anything is signed.
    writeFileSync(csv, `meter,key,owner\n700000,0x12,${household.address}\n700000,${key},nobody\n`);
    const bad = await cli.run(['meter', 'register', '--from', 'alice', '--csv', csv]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /2 bad line\(s\); nothing was sent/);
    assert.match(bad.stderr, /line 2: a Sr25519 key is 32 bytes; this one is 1/);
    assert.match(bad.stderr, /line 3: owner: unknown account 'nobody'/);
  });

  test('tariff assign bills a meter at the operator\'s tariff; others may not', async () => {
    const out = await cli.ok(['tariff', 'assign', '--from', 'alice', '--meter', '600000', '--tariff', '0']);
    assert.match(out, /meter 600000 is billed at tariff #0/);
    const account = (await (await finalized()).query.prepaid.meterAccounts(600000)).unwrap();
    assert.equal(account.tariff.unwrap().toNumber(), 0);
    const refused = await cli.run(['tariff', 'assign', '--from', 'household', '--meter', '600001', '--tariff', '0']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /failed on chain: Prepaid\.NotOperator/);
  });

  test('operator revenue and withdraw: billed energy is paid out to the operator', async () => {
    // Two readings of dev meter 1000 billed: 750 Wh at 0.25 WATT/kWh and the standing charge.
    const batch = await firstTwoReadings(api);
    await submitRaw(node.provider, authorizedTransaction(api, api.tx.meters.ingestReadings(batch)));
    const alice = keyring.addFromUri('//Alice').address;
    const revenueOf = async () => (await (await finalized()).query.prepaid.revenue(alice)).toBigInt();
    const held = await waitFor(async () => { const r = await revenueOf(); return r > 0n ? r : null; },
      60_000, 'revenue from the billed readings');
    assert.ok(held >= 1875n * WATT / 10_000n, `at least the energy's 0.1875 WATT; got ${held}`);
    const out = await cli.ok(['operator', 'revenue', 'alice']);
    const shown = line(out, 'revenue').replace(' WATT', '');
    const [whole, fraction = ''] = shown.split('.');
    assert.equal(BigInt(whole) * WATT + BigInt(fraction.padEnd(12, '0')), held);

    const tooMuch = await cli.run(['operator', 'withdraw', '--from', 'alice', '--amount', '1000']);
    assert.equal(tooMuch.code, 1);
    assert.match(tooMuch.stderr, /Prepaid\.InsufficientRevenue/);
    await cli.ok(['operator', 'withdraw', '--from', 'alice', '--amount', shown, '--to', 'charlie']);
    assert.equal(await revenueOf(), 0n);
  });

  test('errors say what is wrong: password, account, node, amount, a call the chain refuses', async () => {
    const wrong = await cli.run(['transfer', '--from', 'alice', '--to', 'household', '--amount', '1'],
      { env: { WATTCOIN_PASSWORD: 'not it' } });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /wrong password for account 'alice'/);

    const unknown = await cli.run(['balance', 'nobody']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown account 'nobody': the wallet in .* has alice, charlie, from-apps, household/);

    const port = await freePort();
    const down = await cli.run(['--url', `ws://127.0.0.1:${port}`, 'balance', 'alice']);
    assert.equal(down.code, 1);
    assert.match(down.stderr, new RegExp(`cannot reach a node at ws://127.0.0.1:${port}`));
    assert.match(down.stderr, /Is the node running\?/);

    const amount = await cli.run(['transfer', '--from', 'alice', '--to', 'household', '--amount', '1,5']);
    assert.equal(amount.code, 1);
    assert.match(amount.stderr, /"1,5" is not an amount of WATT/);

    const before = await freeOf(household.address);
    const failed = await cli.run(['meter', 'top-up', '424242', '--from', 'household', '--amount', '1']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /failed on chain: Prepaid\.UnknownMeter: The meter is not registered\./);
    assert.ok(await freeOf(household.address) < before, 'the fee is paid, the amount is not');
    assert.ok(await freeOf(household.address) > before - WATT);
  });

  test('the metadata wattcoin is built from is the metadata of the runtime the node runs', async () => {
    const committed = readFileSync(join(repoRoot, 'cli', 'metadata', 'wattcoin.scale'));
    const fromNode = (await api.call.metadata.metadataAtVersion(15)).unwrap().toU8a(true);
    assert.equal(u8aToHex(fromNode), u8aToHex(committed),
      'refresh cli/metadata/wattcoin.scale: WATTCOIN_BLESS_METADATA=1 cargo test --release -p wattcoin-cli --test metadata');
  });
});
