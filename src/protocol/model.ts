/** The subset of the botocore service-model format that the checker understands. */
export interface MemberRef {
  readonly shape: string;
  readonly box?: boolean;
  readonly idempotencyToken?: boolean;
}

export type ShapeDef =
  | { readonly type: 'structure'; readonly required?: readonly string[]; readonly members: Readonly<Record<string, MemberRef>>; readonly exception?: boolean }
  | { readonly type: 'list'; readonly member: MemberRef; readonly min?: number; readonly max?: number }
  | { readonly type: 'map'; readonly key: MemberRef; readonly value: MemberRef; readonly min?: number; readonly max?: number }
  | { readonly type: 'string'; readonly min?: number; readonly max?: number; readonly pattern?: string; readonly enum?: readonly string[] }
  | { readonly type: 'integer'; readonly box?: boolean; readonly min?: number; readonly max?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'timestamp' };

export interface Model {
  readonly operations: Readonly<Record<string, { readonly input: string; readonly output: string; readonly errors: readonly string[] }>>;
  readonly shapes: Readonly<Record<string, ShapeDef>>;
}
