/**
 * The hub's configuration schema: the single source of truth for validation, defaults and docs
 * (`docs/configuration.md` is checked against it by a test).
 */
export const retryPolicySchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'Retries of a partner message: exponential backoff with jitter; a partner\'s Retry-After is a floor',
  properties: {
    baseMs: { type: 'integer', minimum: 1, default: 500, description: 'First retry delay before jitter' },
    maxMs: { type: 'integer', minimum: 1, default: 300000, description: 'Ceiling of one retry delay' },
    factor: { type: 'number', minimum: 1, default: 2, description: 'Exponential growth factor' },
    jitter: { enum: ['full', 'equal', 'none'], default: 'full', description: 'Jitter applied to each delay' },
    maxAttempts: { type: 'integer', minimum: 1, default: 8, description: 'Attempts before a message goes to dead letters' },
  },
} as const;

export const hubConfigSchema = {
  $id: 'hub-config',
  type: 'object',
  additionalProperties: false,
  required: ['port', 'dataDir', 'logLevel', 'documents', 'outbox', 'portal', 'sandbox', 'schedules', 'partners'],
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 3000, description: 'Portal API port (env PORT)' },
    host: { type: 'string', default: '127.0.0.1', description: 'Portal API bind address (env HOST)' },
    dataDir: { type: 'string', minLength: 1, default: './data', description: 'Embedded data: PGlite files, generated keys, sandbox PKI (env HUB_DATA_DIR)' },
    databaseUrl: { type: 'string', pattern: '^postgres(ql)?://', description: 'PostgreSQL URL; unset = embedded PGlite (env DATABASE_URL)' },
    databasePoolMax: { type: 'integer', minimum: 1, default: 10, description: 'PostgreSQL pool size (env DATABASE_POOL_MAX)' },
    transporter: { type: 'string', pattern: '^(nats|amqp)://', description: 'Moleculer transporter; unset = single process (env TRANSPORTER)' },
    amqpUrl: { type: 'string', pattern: '^amqps?://', description: 'RabbitMQ for durable delivery queues; unset = in-process delivery (env AMQP_URL)' },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace'], default: 'info', description: 'Log level (env LOG_LEVEL)' },
    nodeId: { type: 'string', description: 'Moleculer node id (env NODE_ID); default host name + pid' },
    portal: {
      type: 'object', additionalProperties: false, default: {}, description: 'The HTTP API of the front ends',
      properties: {
        bodyLimitBytes: { type: 'integer', minimum: 1024, default: 262144, description: 'Largest accepted request body' },
        tokenIssuer: { type: 'string', default: 'econsulat-hub', description: 'Expected JWT issuer' },
        tokenAudience: { type: 'string', default: 'econsulat-portal', description: 'Expected JWT audience' },
        jwtPublicKeyPath: { type: 'string', description: 'PEM SPKI of the token signer; unset = generated under dataDir/keys (embedded)' },
      },
    },
    documents: {
      type: 'object', additionalProperties: false, default: {}, description: 'Issued documents (PDF)',
      properties: {
        arabicFontPath: { type: 'string', description: 'TrueType font with Arabic glyphs for the Arabic names on PDFs; unset = DejaVu Sans, shipped with the hub (npm dependency dejavu-fonts-ttf)' },
      },
    },
    outbox: {
      type: 'object', additionalProperties: false, default: {}, description: 'The transactional outbox relay that delivers partner messages',
      properties: {
        enabled: { type: 'boolean', default: true, description: 'Run the outbox relay on this node' },
        pollIntervalMs: { type: 'integer', minimum: 10, default: 250, description: 'Relay poll period when idle' },
        batchSize: { type: 'integer', minimum: 1, maximum: 1000, default: 20, description: 'Messages claimed per poll' },
        leaseMs: { type: 'integer', minimum: 1000, default: 60000, description: 'How long a claimed message stays claimed before another relay may take it' },
        retry: retryPolicySchema,
      },
    },
    sandbox: {
      type: 'object', additionalProperties: false, default: {}, description: 'Simulated partner agencies (never in production)',
      properties: {
        enabled: { type: 'boolean', default: false, description: 'Start the simulated agencies in-process; `hub start` turns it on when DATABASE_URL is unset (env HUB_SANDBOX)' },
        narsaPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4443, description: 'NARSA sandbox HTTPS port (env SANDBOX_NARSA_PORT)' },
        narsaControlPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4480, description: 'NARSA sandbox control port, loopback only (env SANDBOX_NARSA_CONTROL_PORT)' },
        dgsnPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4444, description: 'DGSN sandbox HTTPS port (env SANDBOX_DGSN_PORT)' },
        dgsnControlPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4481, description: 'DGSN sandbox control port, loopback only (env SANDBOX_DGSN_CONTROL_PORT)' },
        narsaSftpPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4422, description: 'NARSA sandbox SFTP port (env SANDBOX_NARSA_SFTP_PORT)' },
        narsaSftpControlPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4482, description: 'NARSA SFTP sandbox control port, loopback only (env SANDBOX_NARSA_SFTP_CONTROL_PORT)' },
        healthPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4445, description: 'Health sandbox HTTPS port (env SANDBOX_HEALTH_PORT)' },
        healthControlPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4483, description: 'Health sandbox control port, loopback only (env SANDBOX_HEALTH_CONTROL_PORT)' },
        interiorPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4446, description: 'Interior sandbox HTTPS port (env SANDBOX_INTERIOR_PORT)' },
        interiorControlPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4484, description: 'Interior sandbox control port, loopback only (env SANDBOX_INTERIOR_CONTROL_PORT)' },
        justicePort: { type: 'integer', minimum: 0, maximum: 65535, default: 4447, description: 'Justice sandbox HTTPS (SOAP) port (env SANDBOX_JUSTICE_PORT)' },
        justiceSftpPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4423, description: 'Justice sandbox SFTP port (env SANDBOX_JUSTICE_SFTP_PORT)' },
        justiceControlPort: { type: 'integer', minimum: 0, maximum: 65535, default: 4485, description: 'Justice sandbox control port, loopback only (env SANDBOX_JUSTICE_CONTROL_PORT)' },
      },
    },
    schedules: {
      type: 'object', additionalProperties: false, default: {}, description: 'Cron expressions of the scheduled partner reads (Africa/Casablanca unless the job says otherwise)',
      properties: { healthDecisions: { type: 'string', default: '*/2 * * * *', description: 'Reading the Health decision feed' },
        interiorBurialPolling: { type: 'string', default: '*/10 * * * *', description: 'Asking the Interior (GetBurialAuthorisationStatus) and DGSN (GET transport) about repatriation clearances still pending 30 minutes after the ask (a missed callback or webhook)' },
        repatriationEscalations: { type: 'string', default: '*/5 * * * *', description: 'Flagging repatriations with a clearance still pending 12 hours before the expected arrival' },
        repatriationPollingDelaySeconds: { type: 'integer', minimum: 0, default: 1800, description: 'How long a repatriation clearance may stay pending after our last word to the agency before interiorBurialPolling asks for its status' },
        narsaVerificationFile: { type: 'string', default: '30 1 * * *', description: 'Writing the nightly NARSA VERIF file per post (Africa/Casablanca; NARSA processes at 02:00)' },
        narsaResults: { type: 'string', default: '*/10 * * * *', description: 'Reading the NARSA RESULT files (Africa/Casablanca; a file is taken in once per content)' },
        narsaAttestationNotice: { type: 'string', default: '15 0 * * *', description: 'Sending the NARSA ATTEST notice of the day just ended (Africa/Casablanca)' },
        justiceLots: { type: 'string', default: '*/15 * * * *', description: 'Reading the Justice lots on SFTP (justice.md: every 15 minutes)' } },
    },
    partners: {
      type: 'object', default: {},
      description: 'Deployment settings per partner and protocol (`partners.narsa.rest.baseUrl`, `.tls`…), merged over connectors/partners/<partner>/binding.json',
      additionalProperties: { type: 'object' },
    },
  },
} as const;

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export interface RetryPolicy { baseMs: number; maxMs: number; factor: number; jitter: 'full' | 'equal' | 'none'; maxAttempts: number }

export interface HubConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  databasePoolMax: number;
  transporter?: string;
  amqpUrl?: string;
  logLevel: LogLevel;
  nodeId?: string;
  portal: { bodyLimitBytes: number; tokenIssuer: string; tokenAudience: string; jwtPublicKeyPath?: string };
  documents: { arabicFontPath?: string };
  outbox: { enabled: boolean; pollIntervalMs: number; batchSize: number; leaseMs: number; retry: RetryPolicy };
  sandbox: { enabled: boolean; narsaPort: number; narsaControlPort: number; dgsnPort: number; dgsnControlPort: number; narsaSftpPort: number; narsaSftpControlPort: number; healthPort: number; healthControlPort: number; interiorPort: number; interiorControlPort: number; justicePort: number; justiceSftpPort: number; justiceControlPort: number };
  schedules: { healthDecisions: string; interiorBurialPolling: string; repatriationEscalations: string; repatriationPollingDelaySeconds: number; narsaVerificationFile: string; narsaResults: string; narsaAttestationNotice: string; justiceLots: string };
  partners: Record<string, Record<string, unknown>>;
}
