// Sections of the group page that read measures (cohesion, voice), added as those APIs exist.
export async function groupSections() {
  return [];
}
