import {
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** What the emulator reads from a request's document before it runs it. */

const fragmentsOf = (document: DocumentNode): Map<string, FragmentDefinitionNode> =>
  new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));

/** The operation's root fields, looking through fragments (each fragment once). */
export function rootFields(document: DocumentNode, operation: OperationDefinitionNode): FieldNode[] {
  const fragments = fragmentsOf(document);
  const seen = new Set<string>();
  const fields: FieldNode[] = [];
  const walk = (set: SelectionSetNode): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) fields.push(s);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const fragment = fragments.get(s.name.value);
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(operation.selectionSet);
  return fields;
}

/** How deeply fields nest, through fragments (memoised, so fragment fan-out stays linear). */
export function selectionDepth(document: DocumentNode, operation: OperationDefinitionNode): number {
  const fragments = fragmentsOf(document);
  const memo = new Map<string, number>();
  const depthOf = (set: SelectionSetNode): number =>
    set.selections.reduce((max, s) => {
      if (s.kind === Kind.FIELD) return Math.max(max, 1 + (s.selectionSet ? depthOf(s.selectionSet) : 0));
      if (s.kind === Kind.INLINE_FRAGMENT) return Math.max(max, depthOf(s.selectionSet));
      const name = s.name.value;
      const fragment = fragments.get(name);
      if (!fragment || memo.has(name)) return Math.max(max, memo.get(name) ?? 0);
      memo.set(name, 0); // a cycle (which validation rejects) counts as flat meanwhile
      memo.set(name, depthOf(fragment.selectionSet));
      return Math.max(max, memo.get(name) ?? 0);
    }, 0);
  return depthOf(operation.selectionSet);
}

/** The tenant ids root fields name: their `tenantId` arguments, and `tenant_by_pk`'s `id` (strings only, as sent). */
export function tenantIdsOf(fields: readonly FieldNode[], variables: Readonly<Record<string, unknown>>): string[] {
  return fields.flatMap((field) =>
    (field.arguments ?? []).flatMap((arg) => {
      const named = arg.name.value === 'tenantId' || (field.name.value === 'tenant_by_pk' && arg.name.value === 'id');
      const value = named ? valueFromASTUntyped(arg.value, variables) : undefined;
      return typeof value === 'string' ? [value] : [];
    }),
  );
}
