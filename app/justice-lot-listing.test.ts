import type { InboundEntry } from '../connectors/sftp';
import { lotListingDecision, lotListingFacts, type LotListingFacts } from './justice-lot-listing';

const lot: InboundEntry = { name: 'LOT_2026-0042', path: '/sortant/LOT_2026-0042', size: 0, mtime: 1_790_000_000, isDirectory: true, completionPath: '/sortant/LOT_2026-0042.pret' };
const sortant = [
  { name: 'LOT_2026-0041', size: 0, mtime: 1_789_000_000 },
  { name: 'LOT_2026-0041.pret', size: 0, mtime: 1_789_000_005 },
  { name: 'LOT_2026-0042', size: 4096, mtime: 1_790_000_000 },
  { name: 'LOT_2026-0042.pret', size: 0, mtime: 1_790_000_007 },
];
const processed: LotListingFacts = { folderMtime: 1_790_000_000, markerSize: 0, markerMtime: 1_790_000_007 };

describe('the listing facts of a lot', () => {
  it('are its folder\'s time and its own marker\'s size and time, found by the marker\'s name', () => {
    expect(lotListingFacts(lot, sortant)).toEqual(processed);
  });

  it('are unknown when the marker is no longer listed (the lot is being written again)', () => {
    expect(lotListingFacts(lot, sortant.filter((f) => f.name !== 'LOT_2026-0042.pret'))).toBeUndefined();
  });
});

describe('whether a lot\'s manifest is read', () => {
  it('is not, when the listing is exactly what it was when the lot was processed', () => {
    expect(lotListingDecision(processed, { ...processed })).toEqual({ read: false, why: 'listing-unchanged' });
  });

  it('is, for a lot never processed', () => {
    expect(lotListingDecision(undefined, processed)).toEqual({ read: true, why: 'never-seen' });
  });

  it.each([
    ['the marker written again (a lot delivered again)', { markerMtime: processed.markerMtime + 1 }],
    ['the marker older than recorded (put back with preserved times)', { markerMtime: processed.markerMtime - 3600 }],
    ['the marker no longer empty', { markerSize: 12 }],
    ['the folder\'s entries changed (a piece added, a manifest renamed into place)', { folderMtime: processed.folderMtime + 60 }],
  ])('is, when one fact changed: %s', (_what, change) => {
    expect(lotListingDecision(processed, { ...processed, ...change })).toEqual({ read: true, why: 'listing-changed' });
  });

  it('is, always, on a server that gives no modification times', () => {
    const timeless: LotListingFacts = { folderMtime: 0, markerSize: 0, markerMtime: 0 };
    expect(lotListingDecision(timeless, timeless)).toEqual({ read: true, why: 'no-times' });
    expect(lotListingDecision(processed, { ...processed, markerMtime: 0 })).toEqual({ read: true, why: 'no-times' });
  });

  it('is, when the marker is not in the directory\'s listing', () => {
    expect(lotListingDecision(processed, undefined)).toEqual({ read: true, why: 'marker-not-listed' });
  });
});
