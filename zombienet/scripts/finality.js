// GRANDPA finality as validators go down and come back, seen from the node it runs on.
//   advances: the finalized head moves on by at least 3 blocks.
//   stalls:   with two of four validators down, the finalized head does not move for 45 s
//             while blocks are still produced; the stalled head is remembered.
//   resumes:  the finalized head moves past the stalled one within RESUME_BOUND_MS, and the
//             block finalized at the stalled height is still the same block (nothing finalized
//             was reverted).
const fs = require('node:fs');
const path = require('node:path');
const { sleep, waitFor, withApi, finalizedNumber, bestNumber } = require('./common.js');

const STALL_WATCH_MS = 45_000;

// How long GRANDPA (sc-consensus-grandpa 0.45) may take to finalize again once a third voter
// is back. The voter that was frozen wakes rounds behind and asks one peer for a catch-up; if
// it asks the validator that is still down (the peer it heard from first), nothing answers:
// it asks nobody else for CATCH_UP_REQUEST_TIMEOUT (45 s), and asks again only when a peer's
// neighbor packet arrives. Peers stuck in one round resend theirs every
// NEIGHBOR_REBROADCAST_PERIOD (120 s), and a resent packet within 60 s of the one before
// (those queued while frozen count) is dropped as a duplicate. So a catch-up can wait up to
// 180 s, plus a round to finalize; 60 s more for a loaded machine. Seen on this machine: 3 to
// 8 s in most runs, 177.6 s in one (docs/build.md, "Network tests").
const RESUME_BOUND_MS = 240_000;

async function run(nodeName, networkInfo, args) {
  const mode = args[0];
  const stateFile = path.join(networkInfo.tmpDir, 'wattcoin-stalled-head.json');
  return withApi(networkInfo, nodeName, async (api) => {
    if (mode === 'advances') {
      const from = await finalizedNumber(api);
      await waitFor(async () => (await finalizedNumber(api)) >= from + 3, 90_000,
        `finality to advance from #${from}`);
      console.log(`${nodeName}: finality advanced from #${from} to #${await finalizedNumber(api)}`);
    } else if (mode === 'stalls') {
      // Votes already cast may still finalize a block or two.
      await sleep(20_000);
      const stalled = await finalizedNumber(api);
      const best = await bestNumber(api);
      await sleep(STALL_WATCH_MS);
      const after = await finalizedNumber(api);
      const bestAfter = await bestNumber(api);
      if (after !== stalled) throw new Error(`finality moved from #${stalled} to #${after} with two validators down`);
      if (bestAfter <= best) throw new Error(`no block produced in ${STALL_WATCH_MS / 1000} s (best #${best})`);
      const hash = (await api.rpc.chain.getBlockHash(stalled)).toHex();
      fs.writeFileSync(stateFile, JSON.stringify({ number: stalled, hash }));
      console.log(`${nodeName}: finality stalled at #${stalled} while blocks went on to #${bestAfter}`);
    } else if (mode === 'resumes') {
      const { number, hash } = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
      const started = Date.now();
      await waitFor(async () => (await finalizedNumber(api)) > number, RESUME_BOUND_MS,
        `finality to resume past #${number}`);
      const now = (await api.rpc.chain.getBlockHash(number)).toHex();
      if (now !== hash) throw new Error(`the finalized block #${number} was ${hash}, now ${now}`);
      console.log(`${nodeName}: finality resumed past #${number} after ${(Date.now() - started) / 1000} s; ` +
        `#${number} is still ${hash}`);
    } else {
      throw new Error(`unknown mode ${mode}: advances, stalls or resumes`);
    }
    return 1;
  });
}

module.exports = { run };
