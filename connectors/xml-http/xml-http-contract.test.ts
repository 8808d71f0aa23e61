import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHealthSandbox } from '../../sandbox/health';
import { runConnectorContractSuite } from '../_kit/contract-suite';
import { XmlHttpConnector } from './index';
import { clearanceMessage, healthTestConfig } from './testing/health-fixtures';

runConnectorContractSuite('xml-http', async () => {
  const sandbox = await startHealthSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'xml-http-contract-')) });
  const config = healthTestConfig(sandbox);
  return {
    createConnector: () => new XmlHttpConnector(config, { partner: 'health' }),
    message: () => clearanceMessage(),
    holdNextAnswer: async () => { sandbox.faults.timeout = 1; },
    oversizeNextAnswer: async () => { sandbox.faults.oversized = 1; },
    close: () => sandbox.close(),
  };
});
