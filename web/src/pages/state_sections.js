// Sections of the state page that read measures and models (added as those APIs exist).
export async function stateSections() {
  return [];
}
