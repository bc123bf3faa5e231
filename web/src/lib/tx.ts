// Sending a signed transaction and following it to finality, with its progress and, when the
// chain refuses it, the pallet's error and its documentation (as polkadot.js apps shows them).

import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { Account } from './accounts';

export type Progress =
  | { stage: 'signing' }
  | { stage: 'pool' }
  | { stage: 'inBlock'; block: number }
  | { stage: 'finalized'; block: number }
  | { stage: 'failed'; error: string };

export function describe(progress: Progress): string {
  switch (progress.stage) {
    case 'signing': return 'Waiting for your signature…';
    case 'pool': return 'Sent: waiting for a block…';
    case 'inBlock': return `In block #${progress.block}: waiting for finality…`;
    case 'finalized': return `Finalized in block #${progress.block}`;
    case 'failed': return `Failed: ${progress.error}`;
  }
}

/** The chain's reason for a failed dispatch: `pallet.Error: its doc`. */
export function dispatchErrorText(api: ApiPromise, error: any): string {
  if (error?.isModule) {
    const meta = api.registry.findMetaError(error.asModule);
    return `${meta.section}.${meta.name}: ${meta.docs.join(' ').trim()}`;
  }
  return error?.toString() ?? 'unknown error';
}

/** Signs `tx` as `account`, sends it, reports progress; resolves once finalized. */
export function send(
  api: ApiPromise,
  tx: SubmittableExtrinsic<'promise'>,
  account: Account,
  onProgress: (progress: Progress) => void,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (error: string) => {
      onProgress({ stage: 'failed', error });
      reject(new Error(error));
    };
    onProgress({ stage: 'signing' });
    let inBlock = 0;
    const callback = async ({ status, dispatchError }: any) => {
      if (status.isInBlock && !inBlock) {
        inBlock = (await api.rpc.chain.getHeader(status.asInBlock)).number.toNumber();
        if (dispatchError) return fail(dispatchErrorText(api, dispatchError));
        onProgress({ stage: 'inBlock', block: inBlock });
      } else if (status.isFinalized) {
        if (dispatchError) return fail(dispatchErrorText(api, dispatchError));
        const block = (await api.rpc.chain.getHeader(status.asFinalized)).number.toNumber();
        unsubscribe.then((stop) => stop());
        onProgress({ stage: 'finalized', block });
        resolve(block);
      } else if (status.isDropped || status.isInvalid || status.isUsurped) {
        fail(`the node ${status.type.toLowerCase()} the transaction`);
      } else if (status.isReady || status.isBroadcast) {
        onProgress({ stage: 'pool' });
      }
    };
    const unsubscribe = (account.pair
      ? tx.signAndSend(account.pair, callback)
      : tx.signAndSend(account.address, { signer: account.signer }, callback)) as Promise<() => void>;
    unsubscribe.catch((error: Error) => fail(error.message));
  });
}
