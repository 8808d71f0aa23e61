import type { ServiceSchema } from 'moleculer';
import type { OutboxRelay } from '../broker/outbox/relay';

/** Runs the outbox relay (and the inbox processing after each pass) for the life of the broker. */
export function createDeliveryService(relay: OutboxRelay): ServiceSchema {
  return {
    name: 'delivery',
    events: {
      // A commit wrote to the outbox: deliver now rather than at the next poll.
      'hub.outbox.written': { handler: () => relay.poke() },
    },
    started: async () => relay.start(),
    stopped: async () => relay.stop(),
  };
}
