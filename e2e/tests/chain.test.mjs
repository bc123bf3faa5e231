// The chain foundation, through a real client: properties, block production, finality,
// and WATT transfers with fees.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { startDevNode, sendAndWait, waitFor } from '../lib/node.mjs';

const WATT = 10n ** 12n;

describe('wattcoin-node --dev', () => {
  let node;
  let api;
  let alice;
  let bob;

  before(async () => {
    node = await startDevNode();
    api = node.api;
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
  });

  after(async () => {
    if (node) await node.stop();
  });

  test('chain properties name WATT with 12 decimals and the runtime SS58 prefix', async () => {
    const props = await api.rpc.system.properties();
    assert.deepEqual(props.tokenSymbol.unwrap().map((s) => s.toString()), ['WATT']);
    assert.deepEqual(props.tokenDecimals.unwrap().map((d) => d.toNumber()), [12]);
    const runtimePrefix = api.consts.system.ss58Prefix.toNumber();
    assert.equal(props.ss58Format.unwrap().toNumber(), runtimePrefix);
    assert.equal(api.registry.chainDecimals[0], 12);
    assert.equal(api.registry.chainTokens[0], 'WATT');
    assert.equal(api.runtimeVersion.specName.toString(), 'wattcoin');
  });

  test('metadata v16 is served and decoded', async () => {
    const versions = await api.call.metadata.metadataVersions();
    assert.ok(versions.map((v) => v.toNumber()).includes(16), `versions: ${versions}`);
    const v16 = await api.call.metadata.metadataAtVersion(16);
    assert.ok(v16.isSome, 'metadata v16 is available');
    // The pallets' docs reach the client (polkadot.js apps shows them).
    assert.ok(api.tx.balances.transferKeepAlive.meta.docs.length > 0);
  });

  test('blocks are produced', async () => {
    const start = (await api.rpc.chain.getHeader()).number.toNumber();
    await waitFor(async () => (await api.rpc.chain.getHeader()).number.toNumber() >= start + 2,
      30_000, 'two new blocks');
  });

  test('the finalized head advances', async () => {
    const finalizedNumber = async () =>
      (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
    const start = await finalizedNumber();
    await waitFor(async () => (await finalizedNumber()) >= start + 2, 40_000,
      'the finalized head to advance by two blocks');
  });

  test('a signed transfer moves WATT from Alice to Bob and charges a fee in WATT', async () => {
    const amount = 5n * WATT;
    const free = async (who) => (await api.query.system.account(who.address)).data.free.toBigInt();
    const [aliceBefore, bobBefore] = [await free(alice), await free(bob)];

    const { blockHash, events, dispatchError } =
      await sendAndWait(api.tx.balances.transferKeepAlive(bob.address, amount), alice);
    assert.equal(dispatchError, undefined, 'the transfer succeeds');

    const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
    assert.ok(transfer, 'a Balances.Transfer event');
    assert.equal(transfer.event.data.amount.toBigInt(), amount);
    const feePaid = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
    assert.ok(feePaid, 'a TransactionPayment.TransactionFeePaid event');
    const fee = feePaid.event.data.actualFee.toBigInt();
    assert.ok(fee > 0n, 'the fee is positive');
    assert.ok(fee < WATT / 100n, `a transfer costs less than 0.01 WATT (was ${fee})`);

    const at = await api.at(blockHash);
    const freeAt = async (who) => (await at.query.system.account(who.address)).data.free.toBigInt();
    assert.equal(await freeAt(bob), bobBefore + amount, 'Bob received the amount');
    assert.equal(await freeAt(alice), aliceBefore - amount - fee, 'Alice paid amount and fee');
  });

  test('a transfer above the balance fails with the error decoded by the client', async () => {
    const free = async (who) => (await api.query.system.account(who.address)).data.free.toBigInt();
    const [aliceBefore, bobBefore] = [await free(alice), await free(bob)];
    const tooMuch = aliceBefore * 2n;

    const { blockHash, events, dispatchError } =
      await sendAndWait(api.tx.balances.transferAllowDeath(bob.address, tooMuch), alice);
    assert.ok(dispatchError, 'the transfer fails');
    assert.ok(events.some(({ event }) => api.events.system.ExtrinsicFailed.is(event)),
      'a System.ExtrinsicFailed event');
    // pallet-balances moves money through `fungible`, whose shortfall error is
    // `TokenError::FundsUnavailable`; the client decodes it by name.
    assert.ok(dispatchError.isToken, `a token error, got ${dispatchError.toString()}`);
    assert.equal(dispatchError.asToken.type, 'FundsUnavailable');

    const at = await api.at(blockHash);
    const freeAt = async (who) => (await at.query.system.account(who.address)).data.free.toBigInt();
    assert.equal(await freeAt(bob), bobBefore, 'Bob received nothing');
    const feePaid = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
    assert.equal(await freeAt(alice), aliceBefore - feePaid.event.data.actualFee.toBigInt(),
      'Alice paid only the fee');
  });
});
