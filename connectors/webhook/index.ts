export { webhookConfigSchema, type WebhookReceiverConfig } from './config-schema';
export { createWebhookReceiver, type StoreOutcome, type WebhookEventRecord, type WebhookReceiver, type WebhookReceiverOptions } from './receiver';
export { checkSignature, computeSignature, type SignatureFailure } from './signature';
export { DGSN_EVENT_RANK, isNewerState, type EventStamp } from './event-order';
