/**
 * The Ministry's register, kept on disk under the data dir: the lots and plis it published, the
 * statuses and certificates of service the hub sent for each pli, and the message ids it has seen
 * (a repeated id is the same message). No document content and no PDF is kept here: digests only.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../_kit/files';

export type Expected = 'Accepte' | 'HORS_CIRCONSCRIPTION' | 'PIECE_MANQUANTE' | 'EMPREINTE_INVALIDE' | 'DONNEES_INVALIDES';

export interface StatusEntry { statut: string; date: string; messageId: string; receivedAt: string }
export interface AttestationEntry { resultat: string; messageId: string; receivedAt: string; pdfSha256: string; pdfBytes: number }

export interface PliRecord {
  lotId: string;
  /** Country of the address (ISO alpha-3) and the post whose district holds it. */
  pays: string;
  post: string | null;
  /** What a careful hub answers in its AccuseLot for this pli (the sandbox knows what it broke). */
  expected: Expected;
  statuses: StatusEntry[];
  attestations: AttestationEntry[];
  /** What the hub's last acknowledgement said. */
  acknowledged?: { outcome: 'Accepte' | 'Rejete'; motif?: string };
}

export interface MessageRecord { operation: string; idPli: string; receivedAt: string; times: number }

export interface RegisterState {
  lotSeq: number;
  lots: Record<string, { created: string; plis: string[]; complete: boolean; deliveries: number }>;
  plis: Record<string, PliRecord>;
  messages: Record<string, MessageRecord>;
}

export class Register {
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly path: string, readonly state: RegisterState) {}

  static async open(path: string): Promise<Register> {
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as RegisterState;
      if (typeof parsed.lotSeq === 'number' && parsed.plis && parsed.lots && parsed.messages) return new Register(path, parsed);
    } catch {
      // No register yet, or unreadable: start afresh (a sandbox, not the Ministry's archive).
    }
    return new Register(path, { lotSeq: 0, lots: {}, plis: {}, messages: {} });
  }

  /** Writes are serialised: the file always holds a whole state. */
  persist(): Promise<void> {
    const snapshot = JSON.stringify(this.state);
    this.writing = this.writing.catch(() => undefined).then(() => writeFileAtomic(this.path, snapshot, 0o600));
    return this.writing;
  }
}
