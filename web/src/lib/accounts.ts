// The accounts the app signs with: a browser extension's (polkadot.js extension, Talisman,
// SubWallet: any that injects `window.injectedWeb3`), and on a development chain the well-known
// dev accounts (Alice, Bob, ...), whose keys are public and hold nothing of value.

import type { ApiPromise } from '@polkadot/api';
import type { Signer } from '@polkadot/api/types';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { stringToHex, stringToU8a, u8aToHex } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';

export interface Account {
  address: string;
  name: string;
  source: 'dev' | 'extension';
  /** A dev account's key pair (signs in the page). */
  pair?: KeyringPair;
  /** An extension's signer (asks the person in the extension's window). */
  signer?: Signer;
}

const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

/** Whether the chain says it is a development chain (dev accounts are offered only then). */
export async function isDevChain(api: ApiPromise): Promise<boolean> {
  const type = await api.rpc.system.chainType();
  return type.isDevelopment || type.isLocal;
}

export async function devAccounts(): Promise<Account[]> {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  return DEV_NAMES.map((name) => {
    const pair = keyring.addFromUri(`//${name}`, { name });
    return { address: pair.address, name: `${name} (dev)`, source: 'dev' as const, pair };
  });
}

/** The extension's accounts; none (and no error) when there is no extension. */
export async function extensionAccounts(): Promise<Account[]> {
  if (!(window as any).injectedWeb3 || Object.keys((window as any).injectedWeb3).length === 0) return [];
  const { web3Enable, web3Accounts, web3FromAddress } = await import('@polkadot/extension-dapp');
  const extensions = await web3Enable('Wattcoin');
  if (extensions.length === 0) return [];
  const accounts = await web3Accounts({ ss58Format: 42 });
  return Promise.all(
    accounts.map(async (account) => ({
      address: account.address,
      name: `${account.meta.name ?? account.address.slice(0, 8)} (${account.meta.source})`,
      source: 'extension' as const,
      signer: (await web3FromAddress(account.address)).signer,
    })),
  );
}

/** Signs `text` as a wallet signs a message: the gateway accepts it bare or `<Bytes>`-wrapped. */
export async function signText(account: Account, text: string): Promise<string> {
  if (account.pair) return u8aToHex(account.pair.sign(stringToU8a(text)));
  if (!account.signer?.signRaw) throw new Error('this account cannot sign messages');
  const { signature } = await account.signer.signRaw({ address: account.address, data: stringToHex(text), type: 'bytes' });
  return signature;
}
