/** Moved to services/requests/state-order.ts (pure, so that services may use it); kept here for the connectors' imports. */
export { DGSN_EVENT_RANK, isNewerState, type EventStamp } from '../../services/requests/state-order';
