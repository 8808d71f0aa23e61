/**
 * Signature of a webhook delivery: `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, checked
 * over the raw bytes (before any JSON parsing), in constant time, with a freshness window.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Why a delivery was refused; logged for operators, never sent back (the answer says only "unauthorized"). */
export type SignatureFailure = 'missing-timestamp' | 'bad-timestamp' | 'stale-timestamp' | 'missing-signature' | 'bad-signature-format' | 'signature-mismatch';

const TIMESTAMP = /^\d{1,12}$/;
const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

export function computeSignature(secret: string, timestamp: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

export interface SignedDelivery {
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
}

/** Undefined when the delivery is authentic and fresh; otherwise why not. `nowMs` is our clock. */
export function checkSignature(delivery: SignedDelivery, secret: string, toleranceSeconds: number, nowMs: number): SignatureFailure | undefined {
  const { timestamp, signature, rawBody } = delivery;
  if (timestamp === undefined) return 'missing-timestamp';
  if (!TIMESTAMP.test(timestamp)) return 'bad-timestamp';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) return 'stale-timestamp';
  if (signature === undefined) return 'missing-signature';
  const match = SIGNATURE.exec(signature.trim());
  if (!match) return 'bad-signature-format';
  const expected = computeSignature(secret, timestamp, rawBody);
  const given = Buffer.from(match[1], 'hex');
  // Both are 32 bytes here (the pattern fixes the length), as timingSafeEqual requires.
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'signature-mismatch';
}
