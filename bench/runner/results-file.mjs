import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import process from 'node:process';

export async function machineInfo(browser) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memory_gib: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    chromium: browser.version(),
    date: new Date().toISOString(),
  };
}

async function readExisting(path) {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * Writes { machine, quick, <suite name>: rows, ... }. Suites not run this time (BENCH_SUITES)
 * keep their rows from the existing file, so each suite can be re-run on its own.
 */
export async function writeResults(path, machine, quick, suiteRows) {
  const merged = { ...(await readExisting(path)), machine, quick, ...suiteRows };
  await writeFile(path, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}
