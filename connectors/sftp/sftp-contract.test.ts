import { randomUUID } from 'node:crypto';
import { runConnectorContractSuite } from '../_kit/contract-suite';
import { SftpConnector } from './index';
import { startNarsaSftpPeer } from '../../test/sftp/narsa-sftp-peer';

let sequence = 0;

// On SFTP, `send` is an upload. "No answer" is an SFTP request the server never answers; an
// "oversized answer" is the server holding more bytes than were sent (the upload is not put in place).
runConnectorContractSuite('sftp', async () => {
  const peer = await startNarsaSftpPeer();
  const config = peer.config({ timeoutMs: 1000 });
  return {
    createConnector: () => new SftpConnector(config, { partner: 'narsa' }),
    message: () => {
      sequence += 1;
      return {
        messageId: randomUUID(),
        caseReference: 'LIC-PAR-2026-000001',
        partner: 'narsa',
        operation: 'licence.bulk-verify',
        payload: {
          fileName: `VERIF_CG-PARIS_20261127_${String(sequence).padStart(3, '0')}.xml`,
          content: `<LicenceVerificationBatch xmlns="urn:ma:narsa:licence:1" batchId="B${sequence}" count="0"/>`,
        },
      };
    },
    holdNextAnswer: async () => { peer.sandbox.faults.set({ holdNext: 1 }); },
    oversizeNextAnswer: async () => { peer.sandbox.faults.set({ padNextUpload: 1 }); },
    close: () => peer.close(),
  };
});
