/** The oldest Node the server runs on: the same as package.json "engines" (a test holds them together). */
export const minimumNodeVersion = '24.12';

/**
 * Why this Node cannot run the server, or undefined when it can. Asked before oidc-provider is
 * loaded: on an older Node it only warns, and tollgate then fails later, less clearly.
 */
export function unsupportedNode(version: string = process.versions.node, executable: string = process.execPath): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [needMajor = 0, needMinor = 0] = minimumNodeVersion.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `Node.js ${minimumNodeVersion} or later is required to run the server; this is Node.js ${version} (${executable})`;
}
