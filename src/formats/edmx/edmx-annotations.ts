import type { SemanticValue } from '../../catalog/asset.ts';
import { child, childrenNamed } from './xml-tree.ts';
import type { XmlNode } from './xml-tree.ts';

/** An annotation value as plain JSON: constants, records (objects) and collections (arrays). */
export type EdmxValue = string | number | boolean | EdmxValue[] | { [property: string]: EdmxValue };

/** Annotations of one target (an entity type or one of its properties), keyed by canonical term name. */
export type AnnotationMap = ReadonlyMap<string, EdmxValue>;

/**
 * Vocabulary namespaces → the short names SAP documents and Datasphere writes as aliases. Terms are keyed
 * by these short names whatever alias a document chose (`SAP__common.Label` and
 * `com.sap.vocabularies.Common.v1.Label` are both `Common.Label`), so the mapping reads one spelling.
 */
const KNOWN_VOCABULARIES: Readonly<Record<string, string>> = {
  'com.sap.vocabularies.Analytics.v1': 'Analytics',
  'com.sap.vocabularies.Common.v1': 'Common',
  'com.sap.vocabularies.DataIntegration.v1': 'DataIntegration',
  'com.sap.vocabularies.Hierarchy.v1': 'Hierarchy',
  'com.sap.vocabularies.UI.v1': 'UI',
  'Org.OData.Aggregation.V1': 'Aggregation',
  'Org.OData.Capabilities.V1': 'Capabilities',
  'Org.OData.Core.V1': 'Core',
  'Org.OData.Measures.V1': 'Measures',
  'Org.OData.Validation.V1': 'Validation',
};

/** Constant expressions CSDL allows as attributes (and as child elements) of an annotation. */
const CONSTANTS = ['String', 'Bool', 'Int', 'Decimal', 'Float', 'Date', 'DateTimeOffset', 'TimeOfDay', 'Duration', 'Guid', 'EnumMember'];
const PATHS = ['Path', 'PropertyPath', 'NavigationPropertyPath', 'AnnotationPath'];

/** Alias and namespace of every `edmx:Include` and `Schema`, so terms and targets can be written either way. */
export class Vocabulary {
  private readonly namespaceByAlias = new Map<string, string>();

  constructor(edmx: XmlNode) {
    for (const reference of childrenNamed(edmx, 'Reference')) {
      for (const include of childrenNamed(reference, 'Include')) this.add(include.attrs['Alias'], include.attrs['Namespace']);
    }
    const services = child(edmx, 'DataServices');
    for (const schema of services ? childrenNamed(services, 'Schema') : []) this.add(schema.attrs['Alias'], schema.attrs['Namespace']);
  }

  /** `Common.Label#short` → `Common.Label#short`; `SAP__common.Label` → `Common.Label`. */
  term(written: string): string {
    const [qualifiedName = '', qualifier] = written.split('#', 2);
    const dot = qualifiedName.lastIndexOf('.');
    if (dot < 0) return written;
    const prefix = this.namespace(qualifiedName.slice(0, dot));
    const name = `${KNOWN_VOCABULARIES[prefix] ?? prefix}.${qualifiedName.slice(dot + 1)}`;
    return qualifier === undefined ? name : `${name}#${qualifier}`;
  }

  /** A target path with its schema alias replaced by the namespace: `SELF.Orders/ID` → `Svc.Orders/ID`. */
  target(written: string): string {
    const slash = written.indexOf('/');
    const head = slash < 0 ? written : written.slice(0, slash);
    const dot = head.lastIndexOf('.');
    if (dot < 0) return written;
    return `${this.namespace(head.slice(0, dot))}${written.slice(dot)}`;
  }

  private namespace(prefix: string): string {
    return this.namespaceByAlias.get(prefix) ?? prefix;
  }

  private add(alias: string | undefined, namespace: string | undefined): void {
    if (alias && namespace) this.namespaceByAlias.set(alias, namespace);
  }
}

/**
 * Every annotation of a schema, by normalised target. Inline annotations (children of an EntityType or
 * Property) and external ones (`<Annotations Target="...">`) end up in the same place; when both set a
 * term, the external one wins, as it is the later, more specific statement.
 */
export function collectAnnotations(schema: XmlNode, vocabulary: Vocabulary): Map<string, Map<string, EdmxValue>> {
  const namespace = schema.attrs['Namespace'] ?? '';
  const byTarget = new Map<string, Map<string, EdmxValue>>();
  const add = (target: string, annotations: readonly XmlNode[]): void => {
    if (annotations.length === 0) return;
    let map = byTarget.get(target);
    if (!map) byTarget.set(target, (map = new Map()));
    for (const annotation of annotations) {
      const term = annotation.attrs['Term'];
      if (!term) continue;
      const qualifier = annotation.attrs['Qualifier'];
      const key = vocabulary.term(qualifier ? `${term}#${qualifier}` : term);
      map.set(key, annotationValue(annotation));
    }
  };
  for (const type of childrenNamed(schema, 'EntityType')) {
    const typeTarget = `${namespace}.${type.attrs['Name'] ?? ''}`;
    add(typeTarget, childrenNamed(type, 'Annotation'));
    for (const member of type.children) {
      if (member.name !== 'Property' && member.name !== 'NavigationProperty') continue;
      add(`${typeTarget}/${member.attrs['Name'] ?? ''}`, childrenNamed(member, 'Annotation'));
    }
  }
  for (const group of childrenNamed(schema, 'Annotations')) {
    const target = group.attrs['Target'];
    if (target) add(vocabulary.target(target), childrenNamed(group, 'Annotation'));
  }
  return byTarget;
}

/** The value of an annotation; an annotation with no value means `true` (CSDL's rule for tag terms). */
function annotationValue(node: XmlNode): EdmxValue {
  return expressionValue(node) ?? true;
}

function expressionValue(node: XmlNode): EdmxValue | undefined {
  for (const name of [...CONSTANTS, ...PATHS]) {
    const attribute = node.attrs[name];
    if (attribute !== undefined) return constant(name, attribute);
  }
  for (const inner of node.children) {
    if (inner.name === 'Annotation') continue;
    const value = elementValue(inner);
    if (value !== undefined) return value;
  }
  return undefined;
}

function elementValue(node: XmlNode): EdmxValue | undefined {
  if (node.name === 'Record') {
    const record: Record<string, EdmxValue> = {};
    for (const property of childrenNamed(node, 'PropertyValue')) {
      const name = property.attrs['Property'];
      if (name) record[name] = expressionValue(property) ?? true;
    }
    return record;
  }
  if (node.name === 'Collection') {
    return node.children.map(elementValue).filter((value): value is EdmxValue => value !== undefined);
  }
  if (CONSTANTS.includes(node.name) || PATHS.includes(node.name)) return constant(node.name, node.text);
  return undefined;
}

function constant(kind: string, text: string): EdmxValue {
  switch (kind) {
    case 'Bool':
      return text.trim().toLowerCase() === 'true';
    case 'Int':
    case 'Decimal':
    case 'Float': {
      const number = Number(text);
      return Number.isFinite(number) ? number : text;
    }
    case 'EnumMember':
      // `Ns.Type/Member` (several separated by spaces) → `Member`; SAP also writes `#MEMBER` strings.
      return text
        .trim()
        .split(/\s+/)
        .map((member) => member.slice(member.lastIndexOf('/') + 1))
        .join(',');
    default:
      return text;
  }
}

/** The value of a term, matched ignoring case: Datasphere writes `Analytics.dimension` for `Analytics.Dimension`. */
export function termValue(annotations: AnnotationMap | undefined, term: string): EdmxValue | undefined {
  if (!annotations) return undefined;
  const exact = annotations.get(term);
  if (exact !== undefined) return exact;
  const wanted = term.toLowerCase();
  for (const [key, value] of annotations) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** A term read as text: strings and numbers as written, `#ENUM` strings without the `#`. */
export function termString(annotations: AnnotationMap | undefined, term: string): string | undefined {
  const value = termValue(annotations, term);
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const text = value.startsWith('#') ? value.slice(1) : value;
  return text.trim() === '' ? undefined : text;
}

export function termIsTrue(annotations: AnnotationMap | undefined, term: string): boolean {
  return termValue(annotations, term) === true;
}

/** A value usable as a column semantic: scalars, or a list of scalars joined by commas. */
export function semanticOf(value: EdmxValue): SemanticValue | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
    return value.map(String).join(',');
  }
  return undefined;
}
