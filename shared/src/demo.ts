/**
 * The demo sign-ins that `npm start` creates and prints, and that the
 * end-to-end journeys use as their named actors. Never created in production
 * unless SEED_DEMO is set.
 */
export const demoAccounts = [
  { key: 'mentor', email: 'mentor@tandem.test', password: 'mentor-demo-1', displayName: 'Maya Mentor', role: 'mentor' },
  { key: 'student', email: 'student@tandem.test', password: 'student-demo-1', displayName: 'Sam Student', role: 'student' },
  { key: 'outsider', email: 'outsider@tandem.test', password: 'outsider-demo-1', displayName: 'Olli Outsider', role: 'mentor' },
  { key: 'otherStudent', email: 'riley@tandem.test', password: 'riley-demo-1', displayName: 'Riley Student', role: 'student' },
  { key: 'admin', email: 'admin@tandem.test', password: 'admin-demo-1', displayName: 'Ada Admin', role: 'admin' },
] as const;

/** The key naming one demo account. */
export type DemoKey = (typeof demoAccounts)[number]['key'];

/** The demo account with that key. */
export function demoAccount(key: DemoKey): (typeof demoAccounts)[number] {
  const found = demoAccounts.find((a) => a.key === key);
  if (!found) throw new Error(`no demo account ${key}`);
  return found;
}
