export { createSoapCallbackServer, type SoapCallbackServer, type SoapCallbackServerOptions, type CallbackRecord, type CallbackOutcome } from './callback-server';
