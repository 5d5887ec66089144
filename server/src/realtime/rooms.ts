/** Socket.IO room names, in one place: every domain and service that addresses a room uses these. */
export const Rooms = {
  /** Connections with a session's note open. */
  note: (sessionId: string) => `note:${sessionId}`,
  /** Connections with a mentorship's private note open (its mentor's, on any device). */
  privateNote: (mentorshipId: string) => `private:${mentorshipId}`,
  /** Connections with a mentorship's goals open (through any of its sessions). */
  goals: (mentorshipId: string) => `goals:${mentorshipId}`,
  /** Connections with a session's captions, consent and chat open. */
  captions: (sessionId: string) => `captions:${sessionId}`,
  /** Every connection opened with one sign-in (closed when it signs out). */
  signIn: (authSessionId: string) => `signin:${authSessionId}`,
  /** Every connection of one person (closed when they are deactivated). */
  user: (userId: string) => `user:${userId}`,
} as const;
