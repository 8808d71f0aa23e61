/**
 * @peculiar/x509 loads tsyringe, which refuses to start unless `Reflect.getMetadata` exists
 * (normally supplied by the `reflect-metadata` package, which is not among our dependencies).
 * This supplies the three functions tsyringe calls, and only when no polyfill is loaded
 * already, so a real `reflect-metadata` always wins. Import it before `@peculiar/x509`.
 */
type Key = string | symbol | undefined;
type MetadataReflect = typeof Reflect & {
  getMetadata?: (metadataKey: unknown, target: object, propertyKey?: Key) => unknown;
  getOwnMetadata?: (metadataKey: unknown, target: object, propertyKey?: Key) => unknown;
  defineMetadata?: (metadataKey: unknown, value: unknown, target: object, propertyKey?: Key) => void;
};

const store = new WeakMap<object, Map<Key, Map<unknown, unknown>>>();

function ownTable(target: object, propertyKey: Key, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let table = byProperty.get(propertyKey);
  if (!table && create) {
    table = new Map();
    byProperty.set(propertyKey, table);
  }
  return table;
}

const reflect = Reflect as MetadataReflect;
if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = (metadataKey, value, target, propertyKey) => {
    ownTable(target, propertyKey, true)?.set(metadataKey, value);
  };
  reflect.getOwnMetadata = (metadataKey, target, propertyKey) => ownTable(target, propertyKey, false)?.get(metadataKey);
  // Like reflect-metadata: look up the prototype chain.
  reflect.getMetadata = (metadataKey, target, propertyKey) => {
    for (let o: object | null = target; o; o = Object.getPrototypeOf(o) as object | null) {
      const table = ownTable(o, propertyKey, false);
      if (table?.has(metadataKey)) return table.get(metadataKey);
    }
    return undefined;
  };
}

export {};
