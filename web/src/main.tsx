// The Wattcoin web app: connect to a node, pick an account, and see it as a household
// (#/household, its meters) or as an operator (#/operator, the meters it runs).

import type { ApiPromise } from '@polkadot/api';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type Account, devAccounts, extensionAccounts, isDevChain } from './lib/accounts';
import { connect } from './lib/chain';
import { nodeUrl } from './lib/config';
import { Household } from './views/Household';
import { Operator } from './views/Operator';
import './style.css';

/** The last finalized block. */
export interface Head { number: number; hash: string }

type View = 'household' | 'operator';

function viewOf(hash: string): View {
  return hash.startsWith('#/operator') ? 'operator' : 'household';
}

function App() {
  const [api, setApi] = useState<ApiPromise | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [address, setAddress] = useState<string>(() => localStorage.getItem('wattcoin.account') ?? '');
  const [head, setHead] = useState<Head | null>(null);
  const [view, setView] = useState<View>(viewOf(location.hash));

  useEffect(() => {
    const onHash = () => setView(viewOf(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    const url = nodeUrl();
    connect(url).then(setApi, (e: Error) => setError(`cannot reach a node at ${url}: ${e.message}. Is it running? Add ?rpc=ws://host:port to the address to pick another.`));
  }, []);

  useEffect(() => {
    if (!api) return;
    let unsubscribe: (() => void) | undefined;
    api.rpc.chain.subscribeFinalizedHeads((header) => setHead({ number: header.number.toNumber(), hash: header.hash.toHex() }))
      .then((stop) => { unsubscribe = stop; });
    (async () => {
      const found = [...(await extensionAccounts()), ...((await isDevChain(api)) ? await devAccounts() : [])];
      setAccounts(found);
      const stored = localStorage.getItem('wattcoin.account');
      const asked = new URLSearchParams(location.search).get('account');
      const pick = found.find((a) => a.name.startsWith(asked ?? '\0') || a.address === asked)
        ?? found.find((a) => a.address === stored) ?? found[0];
      if (pick) setAddress(pick.address);
    })().catch((e) => setError(e.message));
    return () => unsubscribe?.();
  }, [api]);

  const account = accounts.find((a) => a.address === address);
  const choose = (value: string) => { setAddress(value); localStorage.setItem('wattcoin.account', value); };
  return (
    <>
      <header>
        <h1>⚡ Wattcoin</h1>
        <nav>
          <a href="#/household" class={view === 'household' ? 'active' : ''} data-testid="nav-household">My meters</a>
          <a href="#/operator" class={view === 'operator' ? 'active' : ''} data-testid="nav-operator">Operator</a>
        </nav>
        <label>
          Account{' '}
          <select data-testid="account" value={address} onChange={(e) => choose((e.target as HTMLSelectElement).value)}>
            {accounts.map((a) => <option key={a.address} value={a.address}>{a.name}: {a.address.slice(0, 8)}…</option>)}
          </select>
        </label>
        <span class="muted" data-testid="head">{head ? `finalized #${head.number}` : 'connecting…'}</span>
      </header>
      <main>
        {error && <p class="error" data-testid="error">{error}</p>}
        {!error && api && accounts.length === 0 && (
          <p>No account: install a wallet extension (polkadot.js, Talisman, SubWallet) and allow this page, or use a development chain.</p>
        )}
        {api && account && head && (view === 'household'
          ? <Household api={api} account={account} head={head} />
          : <Operator api={api} account={account} head={head} />)}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
