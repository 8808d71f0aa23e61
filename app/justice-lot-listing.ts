/**
 * Whether a complete Justice lot needs its manifest read, decided from the `/sortant` listing alone. The Ministry may
 * leave every lot it ever sent in `/sortant`: reading and hashing each manifest at every poll would make each poll
 * heavier without end. So the hub remembers, per lot name, what the listing showed of the lot it processed — the
 * folder's modification time and the marker's size and modification time — and skips a lot whose listing shows the
 * same; anything else (facts changed, never seen, the server gives no times) goes to the manifest digest, which stays
 * the authority: a lot delivered again (new time stamp, same bytes) is known by its digest, a changed one is not.
 * Why these facts and not the manifest's: docs/decisions.md, "Justice lot polling".
 */
import { posix } from 'node:path';
import type { InboundEntry } from '../connectors/sftp';

/** What the `/sortant` listing shows of one complete lot; times are seconds since the epoch, as SFTP gives them. */
export interface LotListingFacts {
  folderMtime: number;
  markerSize: number;
  markerMtime: number;
}

/** One file of a directory listing (what `SftpConnector.listFolder` answers). */
export interface ListedFile { name: string; size: number; mtime: number }

export type LotListingDecision =
  | { read: false; why: 'listing-unchanged' }
  | { read: true; why: 'never-seen' | 'listing-changed' | 'no-times' | 'marker-not-listed' };

/**
 * The lot's facts, from its entry in the complete-lot listing and the directory's files (where its marker is);
 * undefined when the marker is no longer listed (the lot is being written again between the two listings).
 */
export function lotListingFacts(lot: InboundEntry, directory: readonly ListedFile[]): LotListingFacts | undefined {
  const markerName = posix.basename(lot.completionPath);
  const marker = directory.find((file) => file.name === markerName);
  if (!marker) return undefined;
  return { folderMtime: lot.mtime, markerSize: marker.size, markerMtime: marker.mtime };
}

/** A server that gives no modification times (0) would make every lot look unchanged forever: never trusted. */
export function hasTimes(facts: LotListingFacts): boolean {
  return facts.folderMtime > 0 && facts.markerMtime > 0;
}

/** Skip the manifest only when the lot's listing is exactly what it was when the lot was processed. */
export function lotListingDecision(recorded: LotListingFacts | undefined, observed: LotListingFacts | undefined): LotListingDecision {
  if (!observed) return { read: true, why: 'marker-not-listed' };
  if (!hasTimes(observed)) return { read: true, why: 'no-times' };
  if (!recorded) return { read: true, why: 'never-seen' };
  const same = recorded.folderMtime === observed.folderMtime && recorded.markerSize === observed.markerSize && recorded.markerMtime === observed.markerMtime;
  return same ? { read: false, why: 'listing-unchanged' } : { read: true, why: 'listing-changed' };
}
