import type { SourceType } from '../../catalog/asset.ts';
import { isRecord } from './csn-annotations.ts';
import type { CsnNode } from './csn-annotations.ts';
import { csnElementSchema, describeIssues } from './csn-document.ts';
import type { CsnElement } from './csn-document.ts';
import { isAssociationType, namedSourceType } from './csn-types.ts';
import { businessLayerSources } from './business-layer.ts';
import type { BusinessLayer, ElementRef } from './business-layer.ts';

export type Resolution =
  | { ok: true; type: SourceType; /** The typed element the type was taken from. */ origin: ElementRef; originElement: CsnElement }
  | { ok: false; reason: string };

interface Candidate {
  via: string;
  ref?: ElementRef;
  error?: string;
}

/**
 * Finds the type of an element that has none. Analytic models (ANALYTICAL_CUBE) export their elements
 * without `type`; the type lives on the fact or dimension source the element comes from. Three traces,
 * most authoritative first:
 *   1. `businessLayerDefinitions.<model>` — attribute/measure → fact or dimension source → element;
 *   2. `@Analytics.navigationAttributeRef: ["_assoc∞0", "ELEM"]` — follow the model's association;
 *   3. the `query` column of that name — `ref: [alias, ELEM]` or `ref: [assoc, ELEM]`.
 * A source element that is itself untyped is traced again (cycles are cut). When every trace fails the
 * reason says what was tried; the caller turns it into an asset failure, never a default type.
 */
export class ElementTypeResolver {
  constructor(
    private readonly definitions: Readonly<Record<string, unknown>>,
    private readonly layers: ReadonlyMap<string, BusinessLayer>,
  ) {}

  resolve(entity: string, element: string): Resolution {
    return this.resolveRef({ entity, element }, new Set());
  }

  private resolveRef(ref: ElementRef, visiting: ReadonlySet<string>): Resolution {
    const where = `${ref.entity}.${ref.element}`;
    const visitKey = `${ref.entity}\u0000${ref.element}`;
    if (visiting.has(visitKey)) return { ok: false, reason: `${where} refers back to itself` };
    const definition = this.definition(ref.entity);
    if (!definition) return { ok: false, reason: `${ref.entity} is not defined in the document` };
    const elements = definition['elements'];
    const raw = isRecord(elements) && Object.hasOwn(elements, ref.element) ? elements[ref.element] : undefined;
    if (!isRecord(raw)) return { ok: false, reason: `${ref.entity} has no element ${ref.element}` };
    const parsed = csnElementSchema.safeParse(raw);
    if (!parsed.success) return { ok: false, reason: `${where}: ${describeIssues(parsed.error)}` };
    const element = parsed.data;
    const next = new Set(visiting).add(visitKey);

    if (typeof element.type === 'string') {
      if (isAssociationType(element.type)) return { ok: false, reason: `${where} is an association, not a column` };
      const named = namedSourceType(element.type, element, this.definitions);
      return named.ok ? { ok: true, type: named.type, origin: ref, originElement: element } : { ok: false, reason: `${where}: ${named.reason}` };
    }
    if (element.type !== undefined) {
      // `type: { ref: [Entity, elem] }` — "the type of that element".
      const [entity, ...path] = element.type.ref;
      const target = entity === undefined ? { error: 'empty type ref' } : this.followPath(entity, path, undefined);
      return target.ref ? this.resolveRef(target.ref, next) : { ok: false, reason: `${where}: ${target.error ?? 'bad type ref'}` };
    }

    const tried: string[] = [];
    for (const candidate of this.candidates(ref, definition, element)) {
      if (!candidate.ref) {
        tried.push(`${candidate.via}: ${candidate.error ?? 'no source'}`);
        continue;
      }
      const resolved = this.resolveRef(candidate.ref, next);
      if (resolved.ok) return resolved;
      tried.push(`${candidate.via}: ${resolved.reason}`);
    }
    if (tried.length === 0) {
      return {
        ok: false,
        reason: `${where} has no type and nothing to trace it through (no businessLayerDefinitions entry, @Analytics.navigationAttributeRef or query column)`,
      };
    }
    return { ok: false, reason: `${where} has no type and every trace failed (${tried.join('; ')})` };
  }

  private candidates(ref: ElementRef, definition: CsnNode, element: CsnElement): Candidate[] {
    const candidates: Candidate[] = [];
    const layer = this.layers.get(ref.entity);
    if (layer) {
      for (const source of businessLayerSources(layer, ref.element)) {
        candidates.push({ via: `businessLayerDefinitions → ${source.entity}.${source.element}`, ref: source });
      }
    }
    const select = selectOf(definition);
    const navigation = element['@Analytics.navigationAttributeRef'];
    if (Array.isArray(navigation) && navigation.length > 0 && navigation.every((step) => typeof step === 'string')) {
      candidates.push({ via: '@Analytics.navigationAttributeRef', ...this.followPath(ref.entity, navigation, select?.['mixin']) });
    }
    if (select) candidates.push(...this.queryCandidates(ref, select));
    return candidates;
  }

  private queryCandidates(ref: ElementRef, select: CsnNode): Candidate[] {
    const aliases = fromAliases(select['from']);
    const mixin = select['mixin'];
    const single = aliases.size === 1 ? [...aliases.values()][0] : undefined;
    const columns = Array.isArray(select['columns']) ? select['columns'] : undefined;
    const candidates: Candidate[] = [];
    for (const column of columns ?? []) {
      if (!isRecord(column)) continue;
      const path = refPath(column['ref']);
      if (!path) continue;
      const name = typeof column['as'] === 'string' ? column['as'] : path[path.length - 1];
      if (name !== ref.element) continue;
      const [head, ...rest] = path;
      if (head === undefined) continue;
      let target: Omit<Candidate, 'via'>;
      if (rest.length === 0) {
        target = single ? { ref: { entity: single, element: head } } : { error: `${head} is ambiguous over several sources` };
      } else if (aliases.has(head)) {
        target = this.followPath(aliases.get(head) ?? head, rest, undefined);
      } else if (head === '$projection' || head === '$self') {
        target = this.followPath(ref.entity, rest, mixin);
      } else {
        target = this.followPath(ref.entity, path, mixin);
      }
      candidates.push({ via: `query column ${path.join('.')}`, ...target });
    }
    // `SELECT *` or no column list: the element keeps its name from the single source.
    const star = columns === undefined || columns.includes('*');
    if (candidates.length === 0 && star && single) {
      candidates.push({ via: `query source ${single}`, ref: { entity: single, element: ref.element } });
    }
    return candidates;
  }

  /** Follows association steps from `entity`; the last step names the element. */
  private followPath(entity: string, path: readonly string[], mixin: unknown): Omit<Candidate, 'via'> {
    let current = entity;
    for (let i = 0; i < path.length - 1; i++) {
      const step = path[i] as string;
      const association = this.association(current, step, i === 0 ? mixin : undefined);
      if (!association) return { error: `${step} is not an association of ${current}` };
      current = association;
    }
    const last = path[path.length - 1];
    return last === undefined ? { error: 'empty path' } : { ref: { entity: current, element: last } };
  }

  /** Target of association `name` in `entity` (its elements, or the query's mixin). */
  private association(entity: string, name: string, mixin: unknown): string | undefined {
    const elements = this.definition(entity)?.['elements'];
    for (const scope of [elements, mixin]) {
      const candidate = isRecord(scope) && Object.hasOwn(scope, name) ? scope[name] : undefined;
      if (isRecord(candidate) && isAssociationType(candidate['type']) && typeof candidate['target'] === 'string') {
        return candidate['target'];
      }
    }
    return undefined;
  }

  private definition(name: string): CsnNode | undefined {
    const definition = Object.hasOwn(this.definitions, name) ? this.definitions[name] : undefined;
    return isRecord(definition) ? definition : undefined;
  }
}

/** The SELECT of a view: `query.SELECT`, or a `projection` (which has the same from/columns shape). */
export function selectOf(definition: CsnNode): CsnNode | undefined {
  const query = definition['query'];
  if (isRecord(query) && isRecord(query['SELECT'])) return query['SELECT'];
  const projection = definition['projection'];
  return isRecord(projection) ? projection : undefined;
}

/** alias → entity for every plain source in a FROM clause (joins included; sub-selects are skipped). */
function fromAliases(from: unknown, aliases = new Map<string, string>()): Map<string, string> {
  if (!isRecord(from)) return aliases;
  const path = refPath(from['ref']);
  if (path && path.length === 1 && path[0] !== undefined) {
    const entity = path[0];
    aliases.set(typeof from['as'] === 'string' ? from['as'] : entity, entity);
  }
  if (Array.isArray(from['args'])) for (const arg of from['args']) fromAliases(arg, aliases);
  return aliases;
}

/** A CSN `ref` as plain names; path steps with filters are written `{ id, where }`. */
function refPath(ref: unknown): string[] | undefined {
  if (!Array.isArray(ref) || ref.length === 0) return undefined;
  const path: string[] = [];
  for (const step of ref) {
    if (typeof step === 'string') path.push(step);
    else if (isRecord(step) && typeof step['id'] === 'string') path.push(step['id']);
    else return undefined;
  }
  return path;
}
