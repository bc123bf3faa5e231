// Wattcoin issuance through a real client: the dev vendor (Charlie) sells WATT against a
// receipt, a retried sale never mints twice, and a holder cashes out through the vendor.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { startDevNode, sendAndWait } from '../lib/node.mjs';

const WATT = 10n ** 12n;

describe('pallet-wattcoin on the dev chain', () => {
  let node;
  let api;
  let charlie;
  let household;
  let bob;

  before(async () => {
    node = await startDevNode();
    api = node.api;
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
    charlie = keyring.addFromUri('//Charlie');
    bob = keyring.addFromUri('//Bob');
    household = keyring.addFromUri('//Household//e2e');
  });

  after(async () => {
    if (node) await node.stop();
  });

  // The block a vendor's till knew when it took the payment: the receipt's date.
  const paidAt = async () => (await api.rpc.chain.getHeader()).number.toNumber();

  const moduleError = (dispatchError) => {
    assert.ok(dispatchError?.isModule, `a module error, got ${dispatchError}`);
    const meta = api.registry.findMetaError(dispatchError.asModule);
    return `${meta.section}.${meta.name}`;
  };

  test('the dev vendor issues WATT to a new household account against a receipt', async () => {
    const issuanceBefore = (await api.query.balances.totalIssuance()).toBigInt();
    const amount = 20n * WATT;
    const { blockHash, events, dispatchError } = await sendAndWait(
      api.tx.wattcoin.issue(household.address, amount, await paidAt(), 'receipt-e2e-1'), charlie);
    assert.equal(dispatchError, undefined);

    const issued = events.find(({ event }) => api.events.wattcoin.Issued.is(event));
    assert.ok(issued, 'a Wattcoin.Issued event');
    assert.equal(issued.event.data.vendor.toString(), charlie.address);
    assert.equal(issued.event.data.beneficiary.toString(), household.address);
    assert.equal(issued.event.data.amount.toBigInt(), amount);
    assert.equal(issued.event.data.receipt.toUtf8(), 'receipt-e2e-1');

    const at = await api.at(blockHash);
    assert.equal((await at.query.system.account(household.address)).data.free.toBigInt(), amount);
    // Issuance grows by the sale, less the fee Charlie's transaction burned.
    const fee = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event))
      .event.data.actualFee.toBigInt();
    assert.equal((await at.query.balances.totalIssuance()).toBigInt(), issuanceBefore + amount - fee);
  });

  test('the same receipt is refused the second time: a retried sale never mints twice', async () => {
    const before = (await api.query.system.account(household.address)).data.free.toBigInt();
    const { dispatchError } = await sendAndWait(
      api.tx.wattcoin.issue(household.address, 20n * WATT, await paidAt(), 'receipt-e2e-1'), charlie);
    assert.equal(moduleError(dispatchError), 'wattcoin.DuplicateReceipt');
    assert.equal((await api.query.system.account(household.address)).data.free.toBigInt(), before);
  });

  test('a sale below the minimum issue is refused', async () => {
    const { dispatchError } = await sendAndWait(
      api.tx.wattcoin.issue(household.address, WATT - 1n, await paidAt(), 'receipt-small'), charlie);
    assert.equal(moduleError(dispatchError), 'wattcoin.BelowMinimumIssue');
  });

  test('an account that is not a vendor cannot issue', async () => {
    const { dispatchError } = await sendAndWait(
      api.tx.wattcoin.issue(household.address, WATT, await paidAt(), 'receipt-by-bob'), bob);
    assert.equal(moduleError(dispatchError), 'wattcoin.NotLicensed');
  });

  test('a holder redeems WATT through the vendor, burning it', async () => {
    const amount = 5n * WATT;
    const { blockHash, events, dispatchError } =
      await sendAndWait(api.tx.wattcoin.redeem(charlie.address, amount), household);
    assert.equal(dispatchError, undefined);
    const redeemed = events.find(({ event }) => api.events.wattcoin.Redeemed.is(event));
    assert.ok(redeemed, 'a Wattcoin.Redeemed event');
    assert.equal(redeemed.event.data.holder.toString(), household.address);
    assert.equal(redeemed.event.data.vendor.toString(), charlie.address);
    assert.equal(redeemed.event.data.amount.toBigInt(), amount);

    const at = await api.at(blockHash);
    const issued = (await at.query.wattcoin.totalIssued()).toBigInt();
    const redeemedTotal = (await at.query.wattcoin.totalRedeemed()).toBigInt();
    const burned = (await at.query.wattcoin.totalBurned()).toBigInt();
    const genesis = (await at.query.wattcoin.genesisIssuance()).toBigInt();
    assert.equal((await at.query.balances.totalIssuance()).toBigInt(),
      genesis + issued - redeemedTotal - burned, 'the issuance invariant holds on chain');
  });
});
