import { readdirSync, readFileSync } from 'node:fs';

/** A process of a process group, by its pid and command name (/proc/<pid>/stat's comm). */
export interface GroupProcess {
  readonly pid: number;
  readonly name: string;
}

/** Every live process whose process group is `pgid` (Linux: read from /proc). */
export function processesInGroup(pgid: number): GroupProcess[] {
  const found: GroupProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so split at the last ')'.
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const [, , pgrp] = stat.slice(close + 2).split(' ');
    if (Number(pgrp) === pgid) found.push({ pid: Number(entry), name });
  }
  return found;
}
