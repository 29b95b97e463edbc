import type { KnownAsset } from '../../catalog/source.ts';
import type { FileSignature } from './file-validator.ts';
import { decodeFileValidator, sameSignature } from './file-validator.ts';

/**
 * What the checkpoint says each export file held at the last run: the assets whose definition was taken from it
 * (their validators name it) and the file's signature then. A file whose signature is unchanged is not read: its
 * assets are reported "not modified", as an HTTP source reports a 304.
 */
export interface FileClaim {
  signature: FileSignature;
  /** Definitions the file gave when it was read; the file is skipped only if the checkpoint has them all. */
  definitions: number;
  ids: string[];
  /** The validators of one file disagree (written at different times): it is read, whatever its signature. */
  mixed: boolean;
  /** The validator text itself, given back unchanged for the file's assets while the file is unchanged. */
  validator: string;
  /** The file's content digest then (validators written before digests have none). */
  digest: string | undefined;
}

export function claimsFrom(known: ReadonlyMap<string, KnownAsset> | undefined): Map<string, FileClaim> {
  const claims = new Map<string, FileClaim>();
  if (!known) return claims;
  for (const [id, entry] of known) {
    const decoded = decodeFileValidator(entry.validator);
    if (!decoded) continue;
    const claim = claims.get(decoded.file);
    if (!claim) claims.set(decoded.file, { signature: decoded.signature, definitions: decoded.definitions, ids: [id], mixed: false, validator: entry.validator!, digest: decoded.digest });
    else {
      claim.ids.push(id);
      if (!sameSignature(claim.signature, decoded.signature) || claim.definitions !== decoded.definitions || claim.digest !== decoded.digest) claim.mixed = true;
    }
  }
  return claims;
}

/**
 * Whether the file's claim still holds: the same file, unchanged by size, time and identity, and every definition
 * it gave in the checkpoint (none failed, none left unrecorded).
 */
export function unchanged(claim: FileClaim | undefined, signature: FileSignature | undefined): claim is FileClaim {
  return signature !== undefined && whole(claim) && sameSignature(claim.signature, signature);
}

/**
 * Whether a file read now holds the very bytes its claim was made from (the signature may have moved: an export
 * written again, a fresh checkout), and the claim is whole as for unchanged(): then its definitions need no parse.
 */
export function sameContent(claim: FileClaim | undefined, digest: string): claim is FileClaim {
  return whole(claim) && claim.digest === digest;
}

/** A claim that speaks for its whole file: its validators agree, and the checkpoint has every definition it gave. */
function whole(claim: FileClaim | undefined): claim is FileClaim {
  return claim !== undefined && !claim.mixed && claim.ids.length === claim.definitions;
}

/**
 * Whether `file` is the export of `assetId` itself (named after it), whose copy wins over every copy other exports
 * carry as a dependency: then a new or changed file holding another copy does not make it worth reading.
 */
export function isMainFileOf(file: string, assetId: string): boolean {
  const name = file.slice(file.lastIndexOf('/') + 1).replace(/\.json$/i, '');
  return assetId.slice(assetId.indexOf('/') + 1) === name;
}
