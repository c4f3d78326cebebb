// Integration tests talk to real JVM services (consumer-group joins, table creation), which can
// take far longer than jest's 5 s default on a busy 2-core machine. This lives in a setup file
// because jest-circus reads `testTimeout` from the global config only, never from a project.
jest.setTimeout(120_000);
