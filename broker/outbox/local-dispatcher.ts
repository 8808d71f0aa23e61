import type { Dispatcher } from './relay';
import type { OutboxMessage } from './outbox-store';
import { deliverMessage, type DeliveryDeps } from './deliver';

/** Single-process mode: claimed messages are delivered by this node, concurrently. */
export function createLocalDispatcher(deps: DeliveryDeps): Dispatcher {
  return {
    claimAs: 'in-flight',
    async dispatch(messages: OutboxMessage[]) {
      await Promise.all(messages.map((m) => deliverMessage(m, deps)));
    },
  };
}
