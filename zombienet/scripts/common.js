// Helpers shared by the network tests' js-scripts (zombienet loads each with require() and
// calls its run(nodeName, networkInfo, args)). They connect with this folder's own
// @polkadot/api (16.5), not the older one zombienet bundles (`zombie.connect`), which does not
// decode Wattcoin's runtime APIs.
const { ApiPromise, WsProvider } = require('@polkadot/api');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connects to `nodeName` of the network. */
async function connect(networkInfo, nodeName) {
  const node = networkInfo.nodesByName[nodeName];
  if (!node) throw new Error(`no node ${nodeName} in the network`);
  return ApiPromise.create({ provider: new WsProvider(node.wsUri), noInitWarn: true });
}

/** The number of the node's finalized head. */
async function finalizedNumber(api) {
  const hash = await api.rpc.chain.getFinalizedHead();
  return (await api.rpc.chain.getHeader(hash)).number.toNumber();
}

/** The number of the node's best block. */
async function bestNumber(api) {
  return (await api.rpc.chain.getHeader()).number.toNumber();
}

/** Polls `check` every second until it returns a truthy value, or throws after `ms`. */
async function waitFor(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await sleep(1000);
  }
}

/** Runs `f(api)` on a connection to `nodeName`, and disconnects. */
async function withApi(networkInfo, nodeName, f) {
  const api = await connect(networkInfo, nodeName);
  try {
    return await f(api);
  } finally {
    await api.disconnect();
  }
}

module.exports = { sleep, connect, finalizedNumber, bestNumber, waitFor, withApi };
