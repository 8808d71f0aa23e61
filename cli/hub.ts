#!/usr/bin/env node
import { Command } from 'commander';
import { runStart } from './start';
import { runToken } from './token';
import { runLedgerVerify } from './ledger';
import { runSandboxCommand } from './sandbox';
import { runDeadLetters } from './dead-letters';
import { runMappingsCheck, runMappingsRun, runMappingsTest } from './mappings';

const program = new Command();
program.name('hub').description('eConsulat integration hub');

program.command('start').description('start the hub (embedded mode when DATABASE_URL is unset: PGlite + sandbox agencies)')
  .action(() => runStart());

program.command('token').description('print a signed portal token (embedded keys under HUB_DATA_DIR/keys)')
  .requiredOption('--role <role>', 'citizen | agent | supervisor | engineer')
  .option('--post <code>', 'consular post, required for agent and supervisor (e.g. CG-PARIS)')
  .option('--sub <id>', 'subject (user id); default: <role>-demo')
  .option('--ttl <seconds>', 'validity in seconds', '3600')
  .action((opts: { role: string; post?: string; sub?: string; ttl: string }) => runToken(opts));

const ledger = program.command('ledger').description('the exchange ledger');
ledger.command('verify').description('recompute the hash chain; exit 1 naming the first broken link')
  .action(() => runLedgerVerify());

const dead = program.command('dead-letters').description('messages that could not be delivered');
dead.command('list').action(() => runDeadLetters('list'));
dead.command('replay <messageId>').description('deliver a dead letter again, with the same message id').action((id: string) => runDeadLetters('replay', id));

const mappings = program.command('mappings').description('the partner mappings and their golden examples');
mappings.command('test [path]').description('run the golden examples (all, a partner such as narsa, or one mapping); exit 1 on a failure')
  .action((filter?: string) => runMappingsTest(filter));
mappings.command('run <mapping> <inputFile>').description('map an input file (JSON or YAML) and print the result or the errors')
  .action((id: string, file: string) => runMappingsRun(id, file));
mappings.command('check').description('compile every mapping and code table; problems name the file and line')
  .action(() => runMappingsCheck());

program.command('sandbox <agency> <command> [args...]')
  .description('drive a running sandbox agency: state | received | reset | faults k=v… | a trigger such as `narsa run-night`, `justice publish-lot --count 3`')
  .allowUnknownOption().helpOption(false)
  .action((agency: string, command: string, args: string[]) => runSandboxCommand(agency, command, args));

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`hub: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(process.exitCode && process.exitCode !== 0 ? process.exitCode : 1);
});
