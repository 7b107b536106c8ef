// The command's streams and environment, apart from context.ts so that mask.ts (which context.ts
// uses) can name them without importing context.ts back (test/unit/import-cycles.test.ts).

/** Everything a command needs, injected so tests can run commands in-process. */
export interface CliIo {
  env: NodeJS.ProcessEnv
  cwd: string
  stdout: { write(text: string): void; isTTY?: boolean | undefined }
  stderr: { write(text: string): void }
}
