// What a member is called on these pages: the display name, else the username, else a short
// "Member …1234" (the full id is behind the copy button, never printed).
export function memberLabel(m: { userId: string; displayName: string | null; username: string | null }): string {
  return m.displayName || (m.username ? `@${m.username}` : `Member …${m.userId.slice(-4)}`);
}
