import { z } from 'zod';

/** After each session: the mentor's report (for programme staff) and the student's feedback (for the mentor). */
export const ReportRoute = {
  /** GET (who may see it) / PUT (the pair's mentor, within 7 days of the end). */
  report: '/api/sessions/:id/report',
  /** GET (the student, the mentor, staff) / PUT (the pair's student, within 7 days of the end). */
  feedback: '/api/sessions/:id/feedback',
} as const;

/** A report or feedback can be written and changed this long after the session ended. */
export const REPORT_EDIT_DAYS = 7;

export const ProgressSchema = z.enum(['on_track', 'behind', 'at_risk']);
export type Progress = z.infer<typeof ProgressSchema>;

/** PUT /api/sessions/:id/report */
export const ReportBodySchema = z
  .object({
    progress: ProgressSchema,
    engagement: z.number().int().min(1).max(4),
    comment: z.string().trim().max(2000).default(''),
    /** Shared with the student (off by default: it is for programme staff). */
    shared: z.boolean().default(false),
  })
  .strict();
export type ReportBody = z.input<typeof ReportBodySchema>;

export const ReportSchema = z.object({
  progress: ProgressSchema,
  engagement: z.number().int(),
  comment: z.string(),
  shared: z.boolean(),
  updatedAt: z.string(),
});
export type Report = z.infer<typeof ReportSchema>;

/** PUT /api/sessions/:id/feedback */
export const FeedbackBodySchema = z
  .object({ usefulness: z.number().int().min(1).max(4), comment: z.string().trim().max(2000).default('') })
  .strict();
export type FeedbackBody = z.input<typeof FeedbackBodySchema>;

export const FeedbackSchema = z.object({ usefulness: z.number().int(), comment: z.string(), updatedAt: z.string() });
export type Feedback = z.infer<typeof FeedbackSchema>;

/** GET answers: null when there is none yet (or, for the student, when the report is not shared). */
export const ReportResponseSchema = z.object({
  report: ReportSchema.nullable(),
  /** True when this person may write or change it now. */
  editable: z.boolean(),
});
export const FeedbackResponseSchema = z.object({ feedback: FeedbackSchema.nullable(), editable: z.boolean() });
