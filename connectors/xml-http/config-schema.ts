/**
 * Configuration of the XML-over-HTTP connector: the single source of truth for validation, defaults,
 * secret marks and the option table in README.md (a test keeps the table in step).
 */
import { JSON_SCHEMA_DRAFT_2020_12, type ConfigSchema } from '../_kit/config-schema-types';
import { breakerSchema, rateLimitSchema, tlsSchema } from '../_kit/config-fragments';
import type { RestTlsConfig } from '../rest';

export interface XmlHttpOperation {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  /** Root element of the document sent (POST/PUT). */
  rootElement?: string;
  /** Element → envelope field, written first in the document, e.g. `{ReferenceDossier: 'caseReference'}`. */
  envelope: Record<string, 'messageId' | 'caseReference'>;
  /** Wrapper element → item element, for arrays of the payload. */
  arrayItems: Record<string, string>;
  /** Statuses that are business answers. */
  answers: number[];
  /** Root elements a business answer may have. */
  answerElements: string[];
  /** Elements that are always arrays in the parsed answer. */
  arrays: string[];
  /** When set, the answer is a list of these elements, each validated on its own (a feed page). */
  itemElement?: string;
  /** A status whose body is the partner's refusal document (e.g. 400 with `Erreurs`). */
  refusal?: { status: number[]; element: string; item: string; fieldAttribute: string; asAnswer?: boolean };
}

export interface XmlHttpConnectorConfig {
  baseUrl: string;
  tls?: RestTlsConfig;
  credentials?: { header: string; apiKey: string };
  namespace: string;
  xsdPath: string;
  timeoutMs: number;
  maxResponseBytes: number;
  maxRequestBytes: number;
  maxDepth: number;
  rateLimit?: { perSecond: number; burst: number };
  breaker: { failureThreshold: number; resetTimeoutMs: number };
  operations: Record<string, XmlHttpOperation>;
}

const XML_NAME = '^[A-Za-z_][A-Za-z0-9._-]*$';
const xmlName = (description: string): ConfigSchema => ({ type: 'string', pattern: XML_NAME, description });

export const xmlHttpConfigSchema: ConfigSchema = {
  $schema: JSON_SCHEMA_DRAFT_2020_12,
  $id: 'urn:econsulat:connectors:xml-http:config',
  title: 'XML over HTTP connector',
  description: 'One partner endpoint taking and giving XML documents over HTTPS, validated against the partner XSD both ways.',
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'namespace', 'xsdPath', 'operations'],
  properties: {
    baseUrl: {
      type: 'string',
      pattern: '^https://[^/@\\s]+(/[^?#\\s]*)?$',
      description: 'Origin and optional base path of the partner, e.g. `https://api.sante.example`. Comes from the hub configuration, not the binding.',
    },
    tls: tlsSchema,
    credentials: {
      type: 'object',
      additionalProperties: false,
      required: ['apiKey'],
      description: 'API key sent in a header on every call. Comes from the hub configuration, never the binding.',
      properties: {
        header: { type: 'string', pattern: '^[A-Za-z0-9-]+$', default: 'X-Api-Key', description: 'Header that carries the key.' },
        apiKey: { type: 'string', minLength: 1, secret: true, description: 'The key the partner issued to the hub.' },
      },
    },
    namespace: { type: 'string', minLength: 1, description: 'Namespace of every document, e.g. `urn:ma:sante:rapatriement:v1`.' },
    xsdPath: {
      type: 'string', minLength: 1,
      description: "The project's copy of the partner XSD; a relative path is taken from the repository root (e.g. `connectors/partners/health/sante-rapatriement-v1.xsd`). Read at connect.",
    },
    timeoutMs: { type: 'integer', minimum: 1, default: 5000, description: "Bounds the partner's answer (connect, TLS, headers and body); separately bounds the wait for a rate-limit token." },
    maxResponseBytes: { type: 'integer', minimum: 1, default: 1048576, description: 'Larger answers are cut off and reported as PARTNER_BAD_RESPONSE.' },
    maxRequestBytes: { type: 'integer', minimum: 1, default: 262144, description: 'A document built larger than this is refused before sending (VALIDATION_FAILED).' },
    maxDepth: { type: 'integer', minimum: 2, default: 32, description: 'Answers nested deeper are refused as PARTNER_BAD_RESPONSE.' },
    rateLimit: rateLimitSchema,
    breaker: breakerSchema,
    operations: {
      type: 'object',
      minProperties: 1,
      description: 'Operations by name (the `operation` of an outbound message, or a feed read).',
      additionalProperties: {
        type: 'object',
        description: 'One partner call: the document sent and the answers accepted.',
        additionalProperties: false,
        required: ['path', 'answerElements'],
        properties: {
          method: { type: 'string', enum: ['GET', 'POST', 'PUT'], default: 'POST', description: 'HTTP method. POST and PUT send the payload as a document and carry `Idempotency-Key: <messageId>`.' },
          path: { type: 'string', pattern: '^/[^?#\\s{}]*$', description: 'Path under `baseUrl` (no placeholders: data travel in the document or, for reads, the query).' },
          rootElement: xmlName('Root element of the document sent; required for POST and PUT.'),
          envelope: {
            type: 'object', default: {},
            description: 'Elements written first in the document from the envelope, in this order, e.g. `{"ReferenceDossier": "caseReference", "IdMessage": "messageId"}`.',
            propertyNames: { pattern: XML_NAME },
            additionalProperties: { type: 'string', enum: ['messageId', 'caseReference'] },
          },
          arrayItems: {
            type: 'object', default: {},
            description: 'Wrapper element → item element for arrays of the payload, e.g. `{"Pieces": "Piece"}`.',
            propertyNames: { pattern: XML_NAME },
            additionalProperties: xmlName('Item element name.'),
          },
          answers: {
            type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 }, minItems: 1, uniqueItems: true, default: [200],
            description: 'Statuses that are business answers; other statuses are failures.',
          },
          answerElements: { type: 'array', items: xmlName('Root element name.'), minItems: 1, description: 'Root elements a business answer may have.' },
          arrays: { type: 'array', items: xmlName('Element name.'), default: [], description: 'Elements that are always arrays in the parsed answer, even with one item.' },
          itemElement: xmlName('For a list answer (a feed page): each of these elements is validated on its own, so one bad entry does not refuse the page.'),
          refusal: {
            type: 'object',
            additionalProperties: false,
            required: ['status', 'element', 'item', 'fieldAttribute'],
            description: "Statuses whose body is the partner's refusal of the document, reported as PARTNER_REJECTED with the fields it names.",
            properties: {
              status: { type: 'array', items: { type: 'integer', minimum: 400, maximum: 499 }, minItems: 1, description: 'E.g. `[400]`.' },
              element: xmlName('Root element of the refusal, e.g. `Erreurs`.'),
              item: xmlName('One refusal reason, e.g. `Erreur`.'),
              fieldAttribute: { type: 'string', pattern: XML_NAME, description: 'Attribute of an item naming the field, e.g. `champ`.' },
              asAnswer: {
                type: 'boolean', default: false,
                description: "The refusal is the partner's word on the request: handed back as an answer `{root, fields}` (the fields it names; the wording dropped) for the operation's answer mapping, instead of a PARTNER_REJECTED dead letter.",
              },
            },
          },
        },
      },
    },
  },
};
