// Where the app finds the chain and the gateway.
//
// - The node: `?rpc=ws://host:port` in the page's address, else the node on the page's host at
//   port 9944 (the demo's), as polkadot.js apps takes `?rpc=`.
// - The gateway: the page's own origin (the gateway serves the app, `--web`), so the owner's
//   feed and its `Authorization` header stay same-origin.

export function nodeUrl(): string {
  const asked = new URLSearchParams(location.search).get('rpc');
  if (asked) return asked;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.hostname || '127.0.0.1'}:9944`;
}

export function gatewayUrl(): string {
  return new URLSearchParams(location.search).get('gateway') ?? location.origin;
}
