import { messageOf } from '../catalog/message-of.ts';
import type { SpaceExtract } from '../catalog/source.ts';
import { spaceLabelling } from '../catalog/space-labels.ts';
import type { DatabaseDescriptionChange, SpaceLabelOptions } from '../catalog/space-labels.ts';
import type { Target } from '../catalog/target.ts';
import type { EngineLogger } from './engine-logger.ts';
import type { SyncPlan } from './sync-plan.ts';

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

  /**
   * The labels worth bringing to the target in this run: every space's on a full run or a refresh (which look at
   * everything anyway), else only those of spaces where the plan writes, deprecates or deletes a table. An unchanged
   * incremental run so sends the target nothing, not even a read of its databases; a label changed on its own reaches
   * its database with the next run that writes in that space, or the next refresh.
   */
  forRun(plan: SyncPlan, everything: boolean): SpaceLabels {
    if (everything) return this;
    const out = new SpaceLabels();
    for (const action of plan.actions) {
      if (action.kind !== 'write' && action.kind !== 'delete' && action.kind !== 'deprecate') continue;
      const space = action.change.space;
      const label = this.#labels.get(space);
      if (label !== undefined) out.#labels.set(space, label);
    }
    return out;
  }
}

/**
 * Hands the spaces' labels to a target that keeps them on its databases (catalog/space-labels.ts), before the plan
 * is applied: the databases it creates then say them, and those this job created earlier are brought in step.
 * Only a run that writes calls it, with the spaces it writes in (SpaceLabels.forRun); `plan` and `--dry-run` call it
 * as a preview, which changes nothing. A database the target could not label is a warning; the run goes on.
 * Returns the Description changes made (or that would be), or undefined for a target that has no such capability.
 */
export async function labelSpaces(target: Target, labels: SpaceLabels, logger: EngineLogger, options: SpaceLabelOptions = {}): Promise<DatabaseDescriptionChange[] | undefined> {
  const labelling = spaceLabelling(target);
  if (labelling === undefined) return undefined;
  if (labels.size === 0) return [];
  try {
    const outcome = await labelling.labelSpaces(labels.entries(), options);
    for (const warning of outcome.warnings) logger.warn({}, warning);
    const databases = outcome.changes.map((change) => change.database);
    if (databases.length > 0 && !options.preview) logger.info({ databases }, "database Descriptions brought in step with their spaces' labels");
    return outcome.changes;
  } catch (error) {
    logger.warn({ err: messageOf(error) }, "could not bring the databases' Descriptions in step with their spaces' labels");
    return [];
  }
}
