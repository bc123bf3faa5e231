// A button that sends a transaction and shows its progress to finality, or the chain's error.

import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import { useState } from 'preact/hooks';
import type { Account } from '../lib/accounts';
import { describe, type Progress, send } from '../lib/tx';

interface Props {
  api: ApiPromise;
  account: Account;
  label: string;
  testId: string;
  disabled?: boolean;
  /** The transaction to send; throw an Error with a sentence for bad input. */
  build: () => SubmittableExtrinsic<'promise'>;
  onFinalized: () => void;
}

export function TxButton({ api, account, label, testId, disabled, build, onFinalized }: Props) {
  const [progress, setProgress] = useState<Progress | null>(null);
  const busy = progress !== null && progress.stage !== 'finalized' && progress.stage !== 'failed';
  const click = async () => {
    let tx;
    try {
      tx = build();
    } catch (error) {
      setProgress({ stage: 'failed', error: (error as Error).message });
      return;
    }
    try {
      await send(api, tx, account, setProgress);
      onFinalized();
    } catch {
      // Shown through the progress.
    }
  };
  return (
    <span class="tx">
      <button data-testid={testId} disabled={disabled || busy} onClick={click}>{label}</button>
      {progress && (
        <span class={`progress ${progress.stage}`} data-testid={`${testId}-progress`} data-stage={progress.stage}>
          {describe(progress)}
        </span>
      )}
    </span>
  );
}
