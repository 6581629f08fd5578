// The oldest Node Cairn runs on, checked before anything else loads: an older Node would fail later
// with an obscure syntax or loader error, so it is told plainly here. Keep in step with
// package.json `engines.node` (a test checks both, and every installed package's own engines).
export const MINIMUM_NODE = '20.19.0';

/** A message saying why `version` (e.g. process.versions.node) is too old, or null when it will do. */
export function tooOldNode(version) {
  const have = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const need = MINIMUM_NODE.split('.').map(Number);
  for (let i = 0; i < need.length; i++) {
    if ((have[i] ?? 0) > need[i]) return null;
    if ((have[i] ?? 0) < need[i]) {
      return `Cairn needs Node.js ${MINIMUM_NODE} or newer (22 or 24 recommended: Node 20 is past its end of life); this is Node.js ${version}.`;
    }
  }
  return null;
}

export function requireSupportedNode() {
  const problem = tooOldNode(process.versions.node);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
