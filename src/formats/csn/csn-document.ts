import { z } from 'zod';

/**
 * The loose shape of a Datasphere CSN export. Only what the parser relies on is validated; everything else
 * passes through, because exports carry much more (editorSettings, `_meta`, uiModel strings) and newer
 * Datasphere releases add keys we must not reject.
 *
 * The document, each definition and each element are validated separately, so one malformed element fails
 * its own asset and nothing else.
 */
export const csnDocumentSchema = z.looseObject({
  definitions: z.record(z.string(), z.unknown()),
  /** `{ csn: "1.0" }` in current exports, `{ csn: "0.2" }` in ER-modeler exports. */
  version: z.looseObject({ csn: z.string().optional() }).optional(),
  $version: z.string().optional(),
  /** Analytic-model metadata keyed by model name; validated per entry in business-layer.ts. */
  businessLayerDefinitions: z.record(z.string(), z.unknown()).optional(),
});

export type CsnDocument = z.infer<typeof csnDocumentSchema>;

export const csnDefinitionSchema = z.looseObject({
  // CSN lets `kind` be omitted for plain types, so a missing kind is not an error, just not an asset.
  kind: z.string().optional(),
  elements: z.record(z.string(), z.unknown()).optional(),
  query: z.unknown().optional(),
  projection: z.unknown().optional(),
});

export type CsnDefinition = z.infer<typeof csnDefinitionSchema>;

const typeRefSchema = z.looseObject({ ref: z.array(z.string()).min(1) });

export const csnElementSchema = z.looseObject({
  // A built-in (`cds.String`), a named type defined in the document, or `{ ref: [...] }` to another element.
  type: z.union([z.string().min(1), typeRefSchema]).optional(),
  length: z.number().int().nonnegative().optional(),
  precision: z.number().int().nonnegative().optional(),
  // CDS allows `scale: "floating" | "variable"` for decimal floats; such scales carry no number to keep.
  scale: z.union([z.number().int(), z.string()]).optional(),
  srid: z.number().int().optional(),
  key: z.boolean().optional(),
  notNull: z.boolean().optional(),
  target: z.string().min(1).optional(),
  on: z.array(z.unknown()).optional(),
  keys: z.array(z.looseObject({ ref: z.array(z.unknown()).min(1), as: z.string().optional() })).optional(),
  cardinality: z
    .looseObject({
      min: z.number().int().nonnegative().optional(),
      max: z.union([z.number().int().nonnegative(), z.literal('*')]).optional(),
    })
    .optional(),
});

export type CsnElement = z.infer<typeof csnElementSchema>;

/** One line per zod issue, with its path, so a failure says exactly which part of the export was wrong. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
