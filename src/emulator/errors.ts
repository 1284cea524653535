import { randomUUID } from 'node:crypto';
import { BREAK, GraphQLError, Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import { SERVER_ERROR, fieldNotFound, type HasuraErrorText } from './messages.js';
import { StoreError } from './records.js';

/** One entry of Hasura's `errors` array. */
export interface HasuraErrorJson {
  message: string;
  extensions: { path: string; code: string } & Record<string, unknown>;
}

/** An error a resolver or check raises already in Hasura's terms. */
export function hasuraError(text: HasuraErrorText, path = '$'): GraphQLError {
  return new GraphQLError(text.message, { extensions: { path, code: text.code } });
}

export const hasuraJson = (text: HasuraErrorText, path = '$'): HasuraErrorJson => ({
  message: text.message,
  extensions: { path, code: text.code },
});

/** A GenericServerError carries an id, as the real one does, so that users can quote it. */
export const serverErrorJson = (): HasuraErrorJson => ({
  message: SERVER_ERROR.message,
  extensions: { path: '$', code: SERVER_ERROR.code, id: randomUUID() },
});

export const errorsBody = (errors: HasuraErrorJson[]): string => JSON.stringify({ errors });

/** `Cannot query field "x" on type "T".` is graphql-js's wording; Hasura's is `field "x" not found in type: 'T'`. */
const UNKNOWN_FIELD = /^Cannot query field "([^"]+)" on type "([^"]+)"\./;

/**
 * Maps an error of parsing, validation or execution to Hasura's shape: refusals of the store
 * keep their code, document problems become `validation-failed` with a path into the
 * document, and anything unexpected (a bug in a resolver) becomes a GenericServerError.
 */
export function toHasuraJson(err: GraphQLError, document: DocumentNode): HasuraErrorJson {
  // graphql-js passes some failures through unwrapped despite its types (e.g. a stack overflow
  // while coercing absurdly nested variables).
  if (!(err instanceof GraphQLError)) return serverErrorJson();
  const original = err.originalError;
  if (original instanceof StoreError) return hasuraJson(original);
  const { code, path } = err.extensions;
  if (typeof code === 'string')
    return { message: err.message, extensions: { ...err.extensions, path: typeof path === 'string' ? path : '$', code } };
  if (original && !(original instanceof GraphQLError)) return serverErrorJson();
  const unknownField = UNKNOWN_FIELD.exec(err.message);
  const message = unknownField ? fieldNotFound(unknownField[1] ?? '', unknownField[2] ?? '') : err.message;
  const node = err.nodes?.[0];
  return hasuraJson({ message, code: 'validation-failed' }, node ? documentPath(document, node) : '$');
}

/** Hasura's error path of a node: `$.selectionSet.projects.selectionSet.tenant.args.where`. */
function documentPath(document: DocumentNode, target: ASTNode): string {
  let path = '$';
  visit(document, {
    enter(node, _key, _parent, _path, ancestors) {
      if (node !== target) return undefined;
      path = [...ancestors, node].reduce<string>((acc, a) => acc + pathSegment(a), '$');
      return BREAK;
    },
  });
  return path;
}

function pathSegment(node: ASTNode | readonly ASTNode[]): string {
  if (Array.isArray(node)) return '';
  const n = node as ASTNode;
  switch (n.kind) {
    case Kind.FIELD:
      return `.selectionSet.${(n.alias ?? n.name).value}`;
    case Kind.ARGUMENT:
      return `.args.${n.name.value}`;
    case Kind.OBJECT_FIELD:
      return `.${n.name.value}`;
    default:
      return '';
  }
}
