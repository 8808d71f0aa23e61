/**
 * The processed-file registry: which inbound files the hub has already taken in, keyed by the SHA-256
 * of their content (not their name or modification time), so a file the partner writes again is
 * not processed twice. The hub implements it on its database (`processed-files-store.ts`).
 */
export interface ProcessedFile {
  partner: string;
  /** Hex SHA-256 of the file content. */
  digest: string;
  fileName: string;
}

export interface ProcessedFileRegistry {
  isProcessed(partner: string, digest: string): Promise<boolean>;
  /** Records the file; false when it was already recorded (by this node or another). */
  markProcessed(file: ProcessedFile): Promise<boolean>;
}

/** For tests and single-process tools: forgets everything when the process ends. */
export class InMemoryProcessedFileRegistry implements ProcessedFileRegistry {
  private readonly seen = new Map<string, ProcessedFile & { processedAt: Date }>();

  async isProcessed(partner: string, digest: string): Promise<boolean> {
    return this.seen.has(`${partner}\n${digest}`);
  }

  async markProcessed(file: ProcessedFile): Promise<boolean> {
    const key = `${file.partner}\n${file.digest}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, { ...file, processedAt: new Date() });
    return true;
  }

  entries(): Array<ProcessedFile & { processedAt: Date }> {
    return [...this.seen.values()];
  }
}
