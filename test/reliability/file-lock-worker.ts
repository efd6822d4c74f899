/**
 * One contender of the data-directory lock race (see file-lock.ts), run as its own process with the
 * built module (out/src/core/db/file-lock.js). For each "go" message: sleep until the shared start time,
 * spin the last milliseconds so every worker calls acquire() at the same instant, hold the lock for
 * `holdMs`, release; report when it held it (CLOCK_MONOTONIC, the same clock in every process).
 */
import { DataDirLock } from '../../src/core/db/file-lock';

interface Go { dataDir: string; startAtMs: number; holdMs: number; waitMs: number }

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

async function attempt(go: Go): Promise<{ held: boolean; from?: number; to?: number; error?: string }> {
  const sleep = go.startAtMs - nowMs() - 3;
  if (sleep > 0) await new Promise((r) => setTimeout(r, sleep));
  while (nowMs() < go.startAtMs) { /* spin: start together */ }
  let lock: DataDirLock;
  try {
    lock = await DataDirLock.acquire(go.dataDir, go.waitMs);
  } catch (err) {
    const code = (err as { code?: string }).code;
    return { held: false, ...(code === 'E_DATA_DIR_LOCKED' ? {} : { error: `${code ?? ''} ${(err as Error).message}` }) };
  }
  const from = nowMs();
  const until = from + go.holdMs;
  while (nowMs() < until) await new Promise((r) => setTimeout(r, 1));
  const to = nowMs();
  lock.releaseSync();
  return { held: true, from, to };
}

process.on('message', (msg: Go | 'exit') => {
  if (msg === 'exit') { process.disconnect(); return; }
  void attempt(msg).then((r) => process.send!(r));
});
process.send!('ready');
