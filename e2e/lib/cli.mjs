// Runs the `wattcoin` command-line wallet for a test, in a wallet directory of the test's own.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The CLI binary: $WATTCOIN_CLI, else the release build in the target dir. */
export function cliBinary() {
  const targetDir = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'wattcoin', 'target');
  const bin = process.env.WATTCOIN_CLI || join(targetDir, 'release', 'wattcoin');
  if (!existsSync(bin)) {
    throw new Error(`wattcoin not found at ${bin}: build it with ` +
      '`cargo build --release -p wattcoin-cli` (or set WATTCOIN_CLI)');
  }
  return bin;
}

/**
 * A wallet for `url`: `run(args, { password, env, cwd })` runs `wattcoin` and resolves to
 * { code, stdout, stderr } (it never rejects on a non-zero exit: tests check the code).
 */
export function cliWallet(url, { password = 'e2e password', dir } = {}) {
  const walletDir = dir ?? join(mkdtempSync(join(tmpdir(), 'wattcoin-cli-')), 'wallet');
  const run = (args, { env = {}, cwd, timeoutMs = 300_000 } = {}) => new Promise((ok, fail) => {
    const child = spawn(cliBinary(), args, {
      cwd,
      env: {
        ...process.env, WATTCOIN_URL: url, WATTCOIN_WALLET: walletDir,
        WATTCOIN_PASSWORD: password, ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      ok({ code, stdout, stderr });
    });
  });
  /** Runs and insists on exit code 0; resolves to stdout. */
  const ok = async (args, options) => {
    const res = await run(args, options);
    if (res.code !== 0) {
      throw new Error(`wattcoin ${args.join(' ')} exited ${res.code}:\n${res.stdout}\n${res.stderr}`);
    }
    return res.stdout;
  };
  return { run, ok, walletDir };
}
