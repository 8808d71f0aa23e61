/**
 * What the sandbox Ministry remembers: requests by IdMessage (a repeat gets the original Accuse) and
 * the decisions it publishes in its feed, ordered by decision time. In memory: a restart starts clean.
 */
import type { Statut } from './rules';

export interface Accuse { numero: string; recuLe: string }

export interface Decision {
  numero: string;
  referenceDossier: string;
  statut: Statut;
  conditions?: string;
  motif?: string;
  /** The instant of the decision; the feed writes it as Rabat local time. */
  decidedAt: Date;
}

export class HealthRegister {
  private readonly accuses = new Map<string, Accuse>();
  private readonly list: Decision[] = [];
  private requestSeq = 0;
  private decisionSeq = 0;

  accuseFor(idMessage: string): Accuse | undefined {
    return this.accuses.get(idMessage);
  }

  remember(idMessage: string, recuLe: string): Accuse {
    this.requestSeq += 1;
    const accuse = { numero: `SAN-${new Date().getUTCFullYear()}-${String(this.requestSeq).padStart(6, '0')}`, recuLe };
    this.accuses.set(idMessage, accuse);
    return accuse;
  }

  /** Publishes a decision in the feed (also used by tests to seed one). */
  publish(decision: Omit<Decision, 'numero' | 'decidedAt'> & { numero?: string; decidedAt?: Date }): Decision {
    this.decisionSeq += 1;
    const published: Decision = { ...decision, numero: decision.numero ?? `DEC-${String(this.decisionSeq).padStart(6, '0')}`, decidedAt: decision.decidedAt ?? new Date() };
    this.list.push(published);
    // Stable sort: equal times keep publication order, so pages are reproducible.
    this.list.sort((a, b) => a.decidedAt.getTime() - b.decidedAt.getTime());
    return published;
  }

  /** Decisions with `decidedAt >= since` (inclusive, as the contract says), in feed order. */
  since(since: Date): Decision[] {
    return this.list.filter((d) => d.decidedAt.getTime() >= since.getTime());
  }

  decisions(): readonly Decision[] {
    return this.list;
  }

  clear(): void {
    this.accuses.clear();
    this.list.length = 0;
    this.requestSeq = 0;
    this.decisionSeq = 0;
  }
}
