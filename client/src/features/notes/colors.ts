/** Caret and presence colours: the two people of a call never share one. */
export const roleColors = { mentor: '#f59e0b', student: '#38bdf8', admin: '#a78bfa' } as const;

/** The colour of a person in a mentorship: by their part in it, so the pair always differs. */
export function colorFor(role: keyof typeof roleColors): string {
  return roleColors[role];
}
