/**
 * The subset of JSON Schema (draft 2020-12) that connector config schemas use, plus our `secret`
 * annotation. Typed by hand so that schema literals are checked by the compiler.
 */
export type JsonType = 'object' | 'string' | 'integer' | 'number' | 'boolean' | 'array';

export interface ConfigSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: JsonType;
  properties?: Record<string, ConfigSchema>;
  required?: readonly string[];
  dependentRequired?: Record<string, readonly string[]>;
  additionalProperties?: boolean | ConfigSchema;
  propertyNames?: ConfigSchema;
  minProperties?: number;
  items?: ConfigSchema;
  minItems?: number;
  uniqueItems?: boolean;
  enum?: readonly (string | number)[];
  const?: string | number | boolean;
  default?: unknown;
  examples?: readonly unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  format?: string;
  /** Our annotation: the value is a secret (or unlocks one). Docs show it, logs and errors never do. */
  secret?: boolean;
}

export const JSON_SCHEMA_DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';
