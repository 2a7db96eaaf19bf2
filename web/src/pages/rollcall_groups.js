// The group breakdown of a roll call (filled once the groups API exists).
export async function groupBreakdown() {
  return null;
}
