// The package version, as a constant so browser bundles need no file read;
// test/api/version.test.ts keeps it equal to package.json's.
export const VERSION = '0.1.0';
