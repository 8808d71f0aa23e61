import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the machine's CPU went during a phase (Linux /proc; elsewhere the figures are absent): the whole machine,
 * the PostgreSQL processes, and this process. In clock ticks converted to seconds.
 */
export interface CpuSnapshot {
  /** Busy CPU seconds of the whole machine (all cores), or undefined without /proc. */
  machineBusy?: number;
  /** Elapsed CPU seconds of the whole machine (busy + idle, all cores). */
  machineTotal?: number;
  /** CPU seconds of the processes named `postgres` alive now, by pid. */
  postgres: Map<number, number>;
  /** CPU seconds of this process, and of them in the kernel (system calls: socket reads and writes…). */
  self: number;
  selfSystem: number;
}

/** USER_HZ: 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

function readMachine(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already counted in user)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
    const busy = user + nice + system + irq + softirq + (steal ?? 0);
    return { busy: busy / TICKS_PER_SECOND, total: (busy + idle + iowait) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** utime + stime of each process whose command is `postgres`. */
function readPostgres(): Map<number, number> {
  const out = new Map<number, number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const rest = stat.slice(close + 2).split(' ');
      // fields after the command: state(3) … utime(14) stime(15), i.e. rest[11] and rest[12]
      out.set(Number(pid), (Number(rest[11]) + Number(rest[12])) / TICKS_PER_SECOND);
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

export function cpuSnapshot(): CpuSnapshot {
  const machine = readMachine();
  const own = process.cpuUsage();
  return { machineBusy: machine?.busy, machineTotal: machine?.total, postgres: readPostgres(), self: (own.user + own.system) / 1e6, selfSystem: own.system / 1e6 };
}

export interface CpuUse {
  /** Wall-clock seconds the machine's cores could have run (cores × elapsed). */
  capacity?: number;
  machine?: number;
  postgres: number;
  self: number;
  selfSystem: number;
}

/** CPU seconds used between two snapshots. PostgreSQL backends started in between count from zero. */
export function cpuBetween(a: CpuSnapshot, b: CpuSnapshot): CpuUse {
  let postgres = 0;
  for (const [pid, seconds] of b.postgres) postgres += seconds - (a.postgres.get(pid) ?? 0);
  const machine = a.machineBusy !== undefined && b.machineBusy !== undefined ? b.machineBusy - a.machineBusy : undefined;
  const capacity = a.machineTotal !== undefined && b.machineTotal !== undefined ? b.machineTotal - a.machineTotal : undefined;
  return { capacity, machine, postgres, self: b.self - a.self, selfSystem: b.selfSystem - a.selfSystem };
}
