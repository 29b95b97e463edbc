import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One XML element, namespace prefixes removed (`edmx:Edmx` → `Edmx`), children in document order. */
export interface XmlNode {
  name: string;
  attrs: Readonly<Record<string, string>>;
  children: XmlNode[];
  /** Text content directly inside the element, e.g. the `abc` of `<String>abc</String>`; '' when none. */
  text: string;
}

export type XmlParseResult = { ok: true; root: XmlNode } | { ok: false; error: string };

/**
 * fast-xml-parser in its order-preserving mode: EDMX lists columns as sibling `Property` elements and the
 * column order is part of the schema hash, so document order must survive. Values stay strings (`MaxLength`
 * may be `max`, `Scale` may be `variable`); the EDMX code decides what is a number.
 */
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const ATTRIBUTES = ':@';
const TEXT = '#text';

/**
 * Parses a whole XML document into a tree. Malformed XML is reported, never half-parsed: the validator
 * runs first because the parser itself is lenient. A DOCTYPE is refused outright — EDMX never has one,
 * and an internal subset is how entity-expansion attacks arrive.
 */
export function parseXmlTree(xml: string): XmlParseResult {
  if (/<!DOCTYPE/i.test(xml)) return { ok: false, error: 'the document has a DOCTYPE, which EDMX never has' };
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    return { ok: false, error: `not well-formed XML: ${msg} (line ${line}, column ${col})` };
  }
  let raw: unknown;
  try {
    raw = parser.parse(xml);
  } catch (error) {
    return { ok: false, error: `not well-formed XML: ${error instanceof Error ? error.message : String(error)}` };
  }
  const roots = toNodes(raw);
  const root = roots[0];
  if (!root) return { ok: false, error: 'the document has no root element' };
  return { ok: true, root };
}

/** The first direct child with this name. */
export function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name);
}

/** Every direct child with this name, in document order. */
export function childrenNamed(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name);
}

function toNodes(raw: unknown): XmlNode[] {
  if (!Array.isArray(raw)) return [];
  const nodes: XmlNode[] = [];
  for (const entry of raw) {
    if (entry === null || typeof entry !== 'object') continue;
    const record = entry as Record<string, unknown>;
    const name = Object.keys(record).find((key) => key !== ATTRIBUTES);
    if (name === undefined || name === TEXT) continue;
    const content = record[name];
    nodes.push({ name, attrs: attributesOf(record[ATTRIBUTES]), children: toNodes(content), text: textOf(content) });
  }
  return nodes;
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map((entry) => (entry !== null && typeof entry === 'object' && TEXT in entry ? String((entry as Record<string, unknown>)[TEXT]) : ''))
    .join('');
}

function attributesOf(raw: unknown): Record<string, string> {
  if (raw === null || typeof raw !== 'object') return {};
  const attrs: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    // Namespace declarations (`xmlns`, `xmlns:edmx`) say nothing about the model.
    if (key === 'xmlns' || key.startsWith('xmlns:')) continue;
    if (typeof value === 'string') attrs[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') attrs[key] = String(value);
  }
  return attrs;
}
