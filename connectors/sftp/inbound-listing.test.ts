import type { FileEntryWithStats } from 'ssh2';
import type { SftpInboundSource } from './config-schema';
import { completeEntries } from './inbound-listing';

const FILE = 0o100644;
const DIR = 0o040755;
const entry = (filename: string, mode = FILE, size = 10, mtime = 1_700_000_000): FileEntryWithStats =>
  ({ filename, longname: filename, attrs: { mode, size, mtime, atime: mtime, uid: 0, gid: 0 } }) as FileEntryWithStats;

describe('completeEntries', () => {
  it('NARSA: a result file is complete once its .sha256 is beside it', () => {
    const source: SftpInboundSource = { directory: '/retour', fileNamePattern: 'RESULT_.*\\.xml', completion: 'sha256-companion', markerSuffix: '.pret' };
    const listing = [
      entry('RESULT_VERIF_A_20261127_001.xml'), entry('RESULT_VERIF_A_20261127_001.xml.sha256'),
      entry('RESULT_VERIF_A_20261127_002.xml'), // no companion yet: incomplete
      entry('.RESULT_VERIF_A_20261127_003.xml.1a2b.part'), entry('.RESULT_VERIF_A_20261127_003.xml.1a2b.part.sha256'), // temporary
      entry('OTHER.xml'), entry('OTHER.xml.sha256'), // outside the pattern
      entry('RESULT_dir.xml', DIR), entry('RESULT_dir.xml.sha256'), // not a file
    ];
    expect(completeEntries(source, listing)).toEqual([{
      name: 'RESULT_VERIF_A_20261127_001.xml', path: '/retour/RESULT_VERIF_A_20261127_001.xml', size: 10, mtime: 1_700_000_000,
      isDirectory: false, completionPath: '/retour/RESULT_VERIF_A_20261127_001.xml.sha256',
    }]);
  });

  it('Justice: a lot folder is complete once its marker file is beside it', () => {
    const source: SftpInboundSource = { directory: '/sortant', fileNamePattern: 'LOT_[A-Za-z0-9_-]+', completion: 'marker-file', markerSuffix: '.pret' };
    const listing = [entry('LOT_2026-0001', DIR), entry('LOT_2026-0001.pret', FILE, 0), entry('LOT_2026-0002', DIR)];
    expect(completeEntries(source, listing)).toEqual([
      expect.objectContaining({ name: 'LOT_2026-0001', path: '/sortant/LOT_2026-0001', isDirectory: true, completionPath: '/sortant/LOT_2026-0001.pret' }),
    ]);
  });
});
