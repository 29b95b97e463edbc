import type { z } from 'zod';
import type { ConfigProblem } from './config-error.ts';

/**
 * zod's issues as a person reads them: the dotted path of the key and what was expected there. Values are
 * never quoted back: after `${VAR}` substitution a wrong value may be a secret.
 */
export function configProblems(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.') || '(root)';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: path === '(root)' ? key : `${path}.${key}`, message: 'unknown key (keys starting with // are comments)' }));
    }
    return [{ path, message: messageOf(issue) }];
  });
}

function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `required: expected ${issue.expected}`;
  // Messages written in the schema (`.regex(re, 'a 12-digit AWS account id')`) say what is expected, not that it failed.
  if (issue.code === 'invalid_format' && !/^Invalid\b/.test(issue.message)) return `expected ${issue.message}`;
  return issue.message;
}
