import packageJson from '../../package.json';

/** The product version, from package.json (inlined by the bundler in built output). */
export const cairnVersion: string = packageJson.version;
