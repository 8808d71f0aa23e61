/**
 * Walks a canonical schema along target paths, so a mapping that writes a field the target does not
 * have (a typo, a renamed field) fails when it is loaded rather than on the first message.
 */

type Schema = Record<string, unknown>;

export interface TargetNode {
  schema: Schema;
  /** `$id` of the schema document the node is in, for resolving its `$ref`s. */
  baseId: string;
}

export interface TargetSchemas {
  root(schema: Schema): TargetNode;
  /** The schema of property `key` of an object node, or undefined when it has no such property. */
  property(node: TargetNode, key: string): TargetNode | undefined;
  /** The item schema of an array node, or undefined when the node is not an array. */
  items(node: TargetNode): TargetNode | undefined;
}

export function targetSchemas(schemas: readonly Schema[]): TargetSchemas {
  const byId = new Map(schemas.map((schema) => [String(schema.$id), schema]));

  const deref = (node: TargetNode): TargetNode => {
    let current = node;
    for (let hops = 0; typeof current.schema.$ref === 'string'; hops++) {
      if (hops > 20) throw new Error(`$ref loop at ${current.baseId}`);
      const [documentId, pointer = ''] = new URL(current.schema.$ref, current.baseId).href.split('#');
      const document = byId.get(documentId);
      if (!document) throw new Error(`unresolvable $ref ${current.schema.$ref} in ${current.baseId}`);
      current = { schema: followPointer(document, pointer), baseId: documentId };
    }
    return current;
  };

  return {
    root: (schema) => ({ schema, baseId: String(schema.$id) }),
    property: (node, key) => {
      const target = deref(node);
      const properties = target.schema.properties as Record<string, Schema> | undefined;
      if (!properties || !Object.prototype.hasOwnProperty.call(properties, key)) return undefined;
      return deref({ schema: properties[key], baseId: target.baseId });
    },
    items: (node) => {
      const target = deref(node);
      if (target.schema.type !== 'array' || typeof target.schema.items !== 'object') return undefined;
      return deref({ schema: target.schema.items as Schema, baseId: target.baseId });
    },
  };
}

function followPointer(document: Schema, pointer: string): Schema {
  let current: unknown = document;
  for (const token of pointer.split('/').slice(1)) {
    const key = token.replace(/~1/g, '/').replace(/~0/g, '~');
    current = typeof current === 'object' && current !== null ? (current as Schema)[key] : undefined;
  }
  if (typeof current !== 'object' || current === null) throw new Error(`unresolvable pointer #${pointer}`);
  return current as Schema;
}
