/**
 * Fills a routing key template (`consulat.{post}.{kind}`) from payload fields. Values are restricted to
 * letters, digits, `_`, `-` and `:` so that a value can neither add a word to a topic key nor act as a
 * wildcard; errors name the field, never its value.
 */
import { HubError } from '../../broker/errors';

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\}/g;
const SAFE_WORD = /^[A-Za-z0-9_:-]{1,100}$/;

function readPath(payload: Record<string, unknown>, path: string): unknown {
  let node: unknown = payload;
  for (const segment of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

export function fillRoutingKey(template: string, payload: Record<string, unknown>, context: string): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => {
    const value = readPath(payload, path);
    if (value === undefined || value === null) throw new HubError('MAPPING_FAILED', `${context}: payload field ${path} is missing`);
    if (typeof value !== 'string' && typeof value !== 'number') throw new HubError('MAPPING_FAILED', `${context}: payload field ${path} is not a string or number`);
    const text = String(value);
    if (!SAFE_WORD.test(text)) throw new HubError('MAPPING_FAILED', `${context}: payload field ${path} is not usable in a routing key (letters, digits, _, -, : only)`);
    return text;
  });
}
