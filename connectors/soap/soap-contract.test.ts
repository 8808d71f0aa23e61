import { runConnectorContractSuite } from '../_kit/contract-suite';
import { burialMessage, startInteriorPeer } from './testing/interior-peer';

// Against the Interior sandbox over HTTPS: its `timeout` switch holds an answer, `oversized` pads one past 11 MB.
runConnectorContractSuite('soap', async () => {
  const peer = await startInteriorPeer();
  return {
    createConnector: () => peer.connector({ timeoutMs: 1000 }),
    message: () => burialMessage(),
    holdNextAnswer: async () => { peer.sandbox.faults.set({ timeout: 1 }); },
    oversizeNextAnswer: async () => { peer.sandbox.faults.set({ oversized: 1 }); },
    close: () => peer.close(),
  };
});
