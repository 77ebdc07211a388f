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
    // null when only Node suites (bpe) ran.
    chromium: browser === null ? null : browser.version(),
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
 * Writes { machine, quick, runs, <suite name>: rows, ... }. Suites not run this time
 * (BENCH_SUITES) keep their rows from the existing file, so each suite can be re-run on its own;
 * `runs` says when and how (quick or not) each suite's rows were taken.
 */
export async function writeResults(path, machine, quick, suiteRows) {
  const existing = await readExisting(path);
  const runs = { ...existing.runs };
  // Rows kept from a file written before `runs` existed were taken with its machine and flags.
  for (const [name, rows] of Object.entries(existing)) {
    if (Array.isArray(rows) && !(name in runs)) {
      runs[name] = { date: existing.machine?.date ?? null, quick: existing.quick ?? null };
    }
  }
  for (const name of Object.keys(suiteRows)) runs[name] = { date: machine.date, quick };
  // A run of Node suites only (bpe) starts no browser: the browser suites' rows keep theirs.
  const chromium = machine.chromium ?? existing.machine?.chromium ?? null;
  const merged = { ...existing, machine: { ...machine, chromium }, quick, runs, ...suiteRows };
  await writeFile(path, `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}
