import { z } from 'zod';
import { collectionPattern, typeNamePattern } from './names';
import { parseDuration } from './units';

/**
 * A retention policy (DESIGN.md 6), as the CLI's `forget` flags, the UI and the policy file
 * write it. It applies to the artifacts of one collection and/or type (all artifacts when
 * neither is given). A version is kept when any rule of any policy that applies keeps it; the
 * head version is always kept; published versions are kept unless the policy says `force`.
 *
 * - keepLast: the newest N versions;
 * - keepDaily / keepWeekly / keepMonthly: the newest version of each of the N most recent UTC
 *   days / ISO weeks / months that have versions;
 * - expireAfter: versions younger than this are kept ("30d", "12h", "2w", or ms).
 */
const count = z.number().int().positive().max(1_000_000);

export const retentionPolicySchema = z
  .object({
    collection: z.string().regex(collectionPattern, 'not a collection name').optional(),
    type: z.string().regex(typeNamePattern, 'not a type name').optional(),
    keepLast: count.optional(),
    keepDaily: count.optional(),
    keepWeekly: count.optional(),
    keepMonthly: count.optional(),
    expireAfter: z
      .union([z.number(), z.string()])
      .transform((value, ctx) => {
        const ms = parseDuration(value);
        if (ms === null || ms <= 0) {
          ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration such as 30d, 12h, 2w or a number of ms` });
          return z.NEVER;
        }
        return ms;
      })
      .optional(),
    force: z.boolean().default(false),
  })
  .strict()
  .refine(
    (p) => p.keepLast !== undefined || p.keepDaily !== undefined || p.keepWeekly !== undefined || p.keepMonthly !== undefined || p.expireAfter !== undefined,
    { message: 'a policy needs at least one of keepLast, keepDaily, keepWeekly, keepMonthly, expireAfter (otherwise it would forget everything but the head)' },
  );

export type RetentionPolicyInput = z.input<typeof retentionPolicySchema>;
/** A parsed policy: `expireAfter` in ms. */
export type RetentionPolicy = z.output<typeof retentionPolicySchema>;
