import { compareText } from './compare-text.ts';
import type { Target } from './target.ts';

/**
 * Space labels on the target's databases: an optional capability of a target whose databases carry a Description
 * people read (Athena's and the Glue console's users). A source that knows its spaces' labels says so in each
 * SpaceExtract; the engine hands them over once per run that writes, before anything is applied, without knowing
 * who reads them.
 */

/** One database's Description brought in step with its space's label (or that would be, in a preview). */
export interface DatabaseDescriptionChange {
  database: string;
  space: string;
  /** The Description it had; absent when it had none. */
  from?: string;
  to: string;
}

/** What became of the databases of the labelled spaces. */
export interface SpaceLabelOutcome {
  /** Databases whose Description was brought in step with their space's label (previewed: would be), by name. */
  changes: DatabaseDescriptionChange[];
  /** Databases that could not be read or updated, and Descriptions that had to be cut: the run goes on. */
  warnings: string[];
}

export interface SpaceLabelOptions {
  /** Read and compare only, change nothing (`plan`, `--dry-run`): the outcome says what a run would change. */
  preview?: boolean;
}

export interface SpaceLabelling {
  /**
   * The labels of this run's spaces (space → label). The databases the target creates from now on say them; an
   * existing database this job created gets the Description they make where its own differs, and one someone else
   * owns is never touched. Never throws for a database it could not read or update: that is a warning. A preview
   * reads and compares, and neither writes nor remembers the labels.
   */
  labelSpaces(labels: ReadonlyMap<string, string>, options?: SpaceLabelOptions): Promise<SpaceLabelOutcome>;
}

/** Changes in database-name order, as every outcome lists them. */
export function byDatabase(changes: DatabaseDescriptionChange[]): DatabaseDescriptionChange[] {
  return changes.sort((a, b) => compareText(a.database, b.database));
}

export function spaceLabelling(target: Target): SpaceLabelling | undefined {
  const candidate = target as Target & Partial<SpaceLabelling>;
  return typeof candidate.labelSpaces === 'function' ? (candidate as Target & SpaceLabelling) : undefined;
}
