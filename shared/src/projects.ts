import { z } from 'zod';
import { IdSchema, Limits, PersonSchema } from './domain.js';

/** The projects of a learning path: submitted by the student, reviewed and approved by the mentor. */
export const ProjectRoute = {
  /** GET the pair's projects in order; POST a new one (the mentor, or staff). */
  projects: '/api/mentorships/:id/projects',
  /** PUT the order (the mentor, or staff). */
  projectOrder: '/api/mentorships/:id/projects/order',
  /** POST: the path's template list copied into the pair's projects. */
  fromTemplate: '/api/mentorships/:id/projects/from-template',
  /** PATCH a project (title, brief, due date, criteria) while it is not approved. */
  project: '/api/projects/:id',
  /** POST a submission (the student): links and a note, kept as v1, v2, … */
  submissions: '/api/projects/:id/submissions',
  /** POST the review of a submission (the pair's mentor only). */
  review: '/api/submissions/:id/review',
  /** GET the templates of every path, PUT one path's list (staff). */
  templates: '/api/admin/project-templates',
} as const;

export const ProjectLimits = { criteriaMax: 20, criterionMax: 300, linksMax: 5, noteMax: 2000, projectsMax: 40 } as const;

const UrlSchema = z
  .string()
  .trim()
  .max(2000)
  .url('enter a full address (https://…)')
  .refine((u) => /^https?:\/\//i.test(u), 'only http and https links');
const DateOnlySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');

export const CriterionSchema = z.object({ id: IdSchema, text: z.string() });
export type Criterion = z.infer<typeof CriterionSchema>;

export const ProjectStatusSchema = z.enum(['not_started', 'submitted', 'changes_requested', 'approved']);
export type ProjectStatus = z.infer<typeof ProjectStatusSchema>;

export const CriterionReviewSchema = z.object({
  criterionId: IdSchema,
  met: z.boolean(),
  comment: z.string().trim().max(1000).default(''),
});

export const SubmissionSchema = z.object({
  id: IdSchema,
  projectId: IdSchema,
  /** 1, 2, 3 … */
  version: z.number().int().min(1),
  links: z.array(z.string()),
  note: z.string(),
  submittedBy: PersonSchema,
  submittedAt: z.string(),
  status: z.enum(['pending', 'changes_requested', 'approved']),
  review: z
    .object({
      by: PersonSchema,
      at: z.string(),
      summary: z.string(),
      criteria: z.array(CriterionReviewSchema),
    })
    .nullable(),
});
export type Submission = z.infer<typeof SubmissionSchema>;

export const ProjectSchema = z.object({
  id: IdSchema,
  mentorshipId: IdSchema,
  title: z.string(),
  briefUrl: z.string().nullable(),
  dueDate: z.string().nullable(),
  criteria: z.array(CriterionSchema),
  position: z.number().int(),
  status: ProjectStatusSchema,
  /** When the mentor approved it: final. */
  approvedAt: z.string().nullable(),
  /** Newest first. */
  submissions: z.array(SubmissionSchema),
});
export type Project = z.infer<typeof ProjectSchema>;

/** GET /api/mentorships/:id/projects */
export const ProjectsResponseSchema = z.object({
  projects: z.array(ProjectSchema),
  /** The first project not approved yet, in order: the one the pair works on. */
  currentId: IdSchema.nullable(),
});
export type ProjectsResponse = z.infer<typeof ProjectsResponseSchema>;

const criteriaField = z
  .array(z.string().trim().min(1, 'a criterion needs words').max(ProjectLimits.criterionMax))
  .min(1, 'list at least one criterion')
  .max(ProjectLimits.criteriaMax);

/** POST /api/mentorships/:id/projects */
export const NewProjectBodySchema = z
  .object({
    title: z.string().trim().min(1, 'a project needs a title').max(Limits.titleMax),
    briefUrl: UrlSchema.nullable().default(null),
    dueDate: DateOnlySchema.nullable().default(null),
    criteria: criteriaField,
  })
  .strict();
export type NewProjectBody = z.input<typeof NewProjectBodySchema>;

/** PATCH /api/projects/:id */
export const EditProjectBodySchema = z
  .object({
    title: z.string().trim().min(1).max(Limits.titleMax),
    briefUrl: UrlSchema.nullable(),
    dueDate: DateOnlySchema.nullable(),
    criteria: criteriaField,
  })
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'change at least one thing');

/** PUT /api/mentorships/:id/projects/order: every project id of the pair, in the new order. */
export const ProjectOrderBodySchema = z.object({ ids: z.array(IdSchema).min(1).max(ProjectLimits.projectsMax) }).strict();

/** POST /api/projects/:id/submissions */
export const SubmitBodySchema = z
  .object({
    links: z.array(UrlSchema).min(1, 'add the link to your work').max(ProjectLimits.linksMax),
    note: z.string().trim().max(ProjectLimits.noteMax).default(''),
  })
  .strict();
export type SubmitBody = z.input<typeof SubmitBodySchema>;

/** POST /api/submissions/:id/review: every criterion judged; approval needs every one met. */
export const ReviewBodySchema = z
  .object({
    decision: z.enum(['approved', 'changes_requested']),
    summary: z.string().trim().max(ProjectLimits.noteMax).default(''),
    criteria: z.array(CriterionReviewSchema.strict()).min(1).max(ProjectLimits.criteriaMax),
  })
  .strict();
export type ReviewBody = z.input<typeof ReviewBodySchema>;

/** A path's reusable list of projects. */
export const TemplateProjectSchema = z
  .object({
    title: z.string().trim().min(1).max(Limits.titleMax),
    briefUrl: UrlSchema.nullable().default(null),
    criteria: criteriaField,
  })
  .strict();
export const TemplatesResponseSchema = z.object({
  paths: z.array(z.object({ path: z.string(), projects: z.array(TemplateProjectSchema) })),
});
export const TemplateBodySchema = z
  .object({ path: z.string().trim().min(1).max(Limits.titleMax), projects: z.array(TemplateProjectSchema).max(ProjectLimits.projectsMax) })
  .strict();

/** Route params naming a project or a submission. */
export const ProjectParamsSchema = z.object({ id: IdSchema }).strict();

/** GET /api/mentorships/:id/goal-timelines: each goal's story across the weeks, built from its events. */
export const GoalTimelineRoute = '/api/mentorships/:id/goal-timelines';

export const GoalTimelineSchema = z.object({
  goalId: IdSchema,
  title: z.string(),
  status: z.string(),
  deleted: z.boolean(),
  /** When it was set, by whom, in which week's session (null: between sessions). */
  setAt: z.string(),
  setBy: z.string(),
  setInWeek: z.number().int().nullable(),
  /** Sessions held while it stayed open: how many weeks it was carried over. */
  weeksCarried: z.number().int(),
  events: z.array(z.object({ at: z.string(), kind: z.string(), by: z.string(), week: z.number().int().nullable(), detail: z.string() })),
  /** The project it is a step toward. */
  project: z.object({ id: IdSchema, title: z.string() }).nullable(),
  /** Transcript lines and chat messages quoted next to it: links to the stored segments, read back with speaker and time. */
  quotes: z.array(
    z.object({
      id: IdSchema,
      segmentId: IdSchema,
      sessionId: IdSchema,
      week: z.number().int(),
      kind: z.enum(['speech', 'chat']),
      speaker: z.string(),
      startMs: z.number().int(),
      text: z.string(),
      quotedBy: z.string(),
      at: z.string(),
    }),
  ),
});
export type GoalTimeline = z.infer<typeof GoalTimelineSchema>;
export const GoalTimelinesResponseSchema = z.object({ goals: z.array(GoalTimelineSchema) });

/** POST /api/goals/:id/quotes: a transcript line or chat message of the pair's sessions quoted next to a goal. */
export const GoalQuoteRoute = '/api/goals/:id/quotes';
export const GoalQuoteBodySchema = z.object({ segmentId: IdSchema }).strict();
export type GoalQuoteBody = z.infer<typeof GoalQuoteBodySchema>;
/** Most quotes one goal keeps. */
export const GoalQuotesMax = 50;

/** GET /api/mentorships/:id/progress: what the mentorship page draws, week by week. */
export const ProgressRoute = '/api/mentorships/:id/progress';
export const ProgressResponseSchema = z.object({
  /** One entry per session of the weekly rhythm and extras that took place or were due, oldest first. */
  weeks: z.array(
    z.object({
      sessionId: IdSchema,
      week: z.number().int(),
      at: z.string(),
      /** held: ended with someone there; otherwise how it went (skipped, cancelled, no-show…). */
      outcome: z.string(),
      minutes: z.number().nullable(),
      /** Goals open (open or in progress) and done, as they stood when this session was over. */
      goalsOpen: z.number().int(),
      goalsDone: z.number().int(),
      /** The mentor's "how the student is doing" for this session (null: no report, or not shared with this viewer). */
      progress: z.enum(['on_track', 'behind', 'at_risk']).nullable(),
    }),
  ),
  /** Each goal that was ever the focus: how many weeks it was carried over. */
  focusGoals: z.array(z.object({ title: z.string(), weeksCarried: z.number().int(), status: z.string() })),
  /** Project milestones: submissions and decisions, dated. */
  milestones: z.array(
    z.object({
      at: z.string(),
      project: z.string(),
      kind: z.enum(['submitted', 'changes_requested', 'approved']),
      version: z.number().int(),
    }),
  ),
});
export type ProgressResponse = z.infer<typeof ProgressResponseSchema>;
