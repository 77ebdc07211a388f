import { readdirSync, readFileSync } from 'node:fs';

/** A process, by its pid and command name (/proc/<pid>/stat's comm). */
export interface TreeProcess {
  readonly pid: number;
  readonly name: string;
}

/** Every live process: its parent and name (Linux: read from /proc). */
function allProcesses(): { pid: number; ppid: number; name: string }[] {
  const found: { pid: number; ppid: number; name: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split at the last ')'.
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const [, ppid] = stat.slice(close + 2).split(' ');
    found.push({ pid: Number(entry), ppid: Number(ppid), name });
  }
  return found;
}

/**
 * Every descendant of `root` (children, their children…). WebKit starts its web and network
 * processes in sessions of their own, so a process group does not reach them; ancestry does.
 */
export function descendantsOf(root: number): TreeProcess[] {
  const all = allProcesses();
  const tree: TreeProcess[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        tree.push({ pid: p.pid, name: p.name });
        grew = true;
      }
    }
  }
  return tree;
}
