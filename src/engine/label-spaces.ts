import { messageOf } from '../catalog/message-of.ts';
import type { SpaceExtract } from '../catalog/source.ts';
import { spaceLabelling } from '../catalog/space-labels.ts';
import type { Target } from '../catalog/target.ts';
import type { EngineLogger } from './engine-logger.ts';

/** The labels the source gave this run's spaces (SpaceExtract.label), gathered as the spaces are read. */
export class SpaceLabels {
  readonly #labels = new Map<string, string>();

  add(extract: SpaceExtract): void {
    if (extract.label !== undefined) this.#labels.set(extract.space, extract.label);
  }

  get size(): number {
    return this.#labels.size;
  }

  entries(): ReadonlyMap<string, string> {
    return this.#labels;
  }
}

/**
 * Hands the spaces' labels to a target that keeps them on its databases (catalog/space-labels.ts), before the plan
 * is applied: the databases it creates then say them, and those this job created earlier are brought in step.
 * Only a run that writes calls it. A database the target could not label is a warning; the run goes on.
 */
export async function labelSpaces(target: Target, labels: SpaceLabels, logger: EngineLogger): Promise<void> {
  const labelling = spaceLabelling(target);
  if (labelling === undefined || labels.size === 0) return;
  try {
    const outcome = await labelling.labelSpaces(labels.entries());
    for (const warning of outcome.warnings) logger.warn({}, warning);
    if (outcome.updated.length > 0) logger.info({ databases: outcome.updated }, "database Descriptions brought in step with their spaces' labels");
  } catch (error) {
    logger.warn({ err: messageOf(error) }, "could not bring the databases' Descriptions in step with their spaces' labels");
  }
}
