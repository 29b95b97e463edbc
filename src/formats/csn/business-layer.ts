import { z } from 'zod';
import { describeIssues } from './csn-document.ts';

/**
 * `businessLayerDefinitions.<model>` — the analytic-model editor's own description of a model: which views
 * are its fact and dimension sources, and which source element each attribute and measure comes from.
 * Analytic-model elements carry no `type`, so this is the first place their types are traced through.
 */
const sourceSchema = z.looseObject({
  text: z.string().optional(),
  dataEntity: z.looseObject({ key: z.string().min(1) }),
});

const attributeSchema = z.looseObject({
  /** `AnalyticModelAttributeType.FactSourceAttribute` or `...DimensionSourceAttribute`. */
  attributeType: z.string().optional(),
  /** Fact-source attributes: source key → the element in that fact source. */
  attributeMapping: z.record(z.string(), z.looseObject({ key: z.string().min(1) })).optional(),
  /** Dimension-source attributes: which dimension source, and the element in it. */
  sourceKey: z.string().optional(),
  key: z.string().optional(),
});

const measureSchema = z.looseObject({
  /** `AnalyticModelMeasureType.FactSourceMeasure` in the corpus; calculated/restricted ones have no source. */
  measureType: z.string().optional(),
  sourceKey: z.string().optional(),
  key: z.string().optional(),
});

export const businessLayerSchema = z.looseObject({
  sourceModel: z
    .looseObject({
      factSources: z.record(z.string(), sourceSchema).optional(),
      dimensionSources: z.record(z.string(), sourceSchema).optional(),
    })
    .optional(),
  attributes: z.record(z.string(), attributeSchema).optional(),
  measures: z.record(z.string(), measureSchema).optional(),
});

export type BusinessLayer = z.infer<typeof businessLayerSchema>;

export interface ElementRef {
  entity: string;
  element: string;
}

/** Validates each model's entry on its own; a broken entry is reported and the others still serve. */
export function parseBusinessLayers(raw: Readonly<Record<string, unknown>> | undefined): {
  layers: Map<string, BusinessLayer>;
  problems: Array<{ model: string; reason: string }>;
} {
  const layers = new Map<string, BusinessLayer>();
  const problems: Array<{ model: string; reason: string }> = [];
  for (const [model, entry] of Object.entries(raw ?? {})) {
    const parsed = businessLayerSchema.safeParse(entry);
    if (parsed.success) layers.set(model, parsed.data);
    else problems.push({ model, reason: `businessLayerDefinitions.${model} ignored: ${describeIssues(parsed.error)}` });
  }
  return { layers, problems };
}

/** Where the model's element `name` comes from, per the business layer; empty when the layer does not say. */
export function businessLayerSources(layer: BusinessLayer, name: string): ElementRef[] {
  const facts = layer.sourceModel?.factSources ?? {};
  const dimensions = layer.sourceModel?.dimensionSources ?? {};
  const refs: ElementRef[] = [];

  const attribute = Object.hasOwn(layer.attributes ?? {}, name) ? layer.attributes?.[name] : undefined;
  if (attribute) {
    for (const [sourceKey, mapping] of Object.entries(attribute.attributeMapping ?? {})) {
      const source = facts[sourceKey];
      if (source) refs.push({ entity: source.dataEntity.key, element: mapping.key });
    }
    if (attribute.sourceKey !== undefined && attribute.key !== undefined) {
      const isFact = attribute.attributeType?.endsWith('FactSourceAttribute') ?? false;
      const source = (isFact ? facts : dimensions)[attribute.sourceKey];
      if (source) refs.push({ entity: source.dataEntity.key, element: attribute.key });
    }
  }

  const measure = Object.hasOwn(layer.measures ?? {}, name) ? layer.measures?.[name] : undefined;
  if (measure?.sourceKey !== undefined) {
    const source = facts[measure.sourceKey];
    if (source) refs.push({ entity: source.dataEntity.key, element: measure.key ?? name });
  }
  return refs;
}

/** Technical names of the fact and dimension sources, in the editor's order. */
export function businessLayerSourceNames(layer: BusinessLayer): { facts: string[]; dimensions: string[] } {
  const names = (sources: Record<string, z.infer<typeof sourceSchema>> | undefined): string[] =>
    Object.values(sources ?? {}).map((source) => source.dataEntity.key);
  return { facts: names(layer.sourceModel?.factSources), dimensions: names(layer.sourceModel?.dimensionSources) };
}

/** Names of the model's measures as the business layer lists them. */
export function businessLayerMeasureNames(layer: BusinessLayer): string[] {
  return Object.keys(layer.measures ?? {});
}
