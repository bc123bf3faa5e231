// A node that was restarted catches up: it finalizes past the height the others had
// finalized when the script started, and at that height every node has the same block and
// the same state root.
const { waitFor, withApi, finalizedNumber } = require('./common.js');

async function run(nodeName, networkInfo, args) {
  const others = (args.length ? args : Object.keys(networkInfo.nodesByName)).filter((n) => n !== nodeName);
  const target = await withApi(networkInfo, others[0], finalizedNumber);
  await withApi(networkInfo, nodeName, (api) =>
    waitFor(async () => (await finalizedNumber(api)) >= target, 150_000,
      `${nodeName} to finalize #${target}`));
  const seen = [];
  for (const name of [nodeName, ...others]) {
    seen.push(await withApi(networkInfo, name, async (api) => {
      const hash = await api.rpc.chain.getBlockHash(target);
      const header = await api.rpc.chain.getHeader(hash);
      return { name, hash: hash.toHex(), stateRoot: header.stateRoot.toHex() };
    }));
  }
  const [first] = seen;
  for (const s of seen) {
    if (s.hash !== first.hash || s.stateRoot !== first.stateRoot) {
      throw new Error(`#${target}: ${first.name} has ${first.hash} (state ${first.stateRoot}), ` +
        `${s.name} has ${s.hash} (state ${s.stateRoot})`);
    }
  }
  console.log(`#${target}: ${seen.map((s) => s.name).join(', ')} agree on ${first.hash}, state root ${first.stateRoot}`);
  return 1;
}

module.exports = { run };
