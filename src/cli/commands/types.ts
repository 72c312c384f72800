export interface CliCommand {
  summary: string;
  /** Returns the process exit code. Throw an Error for a one-line failure message. */
  run(args: string[]): Promise<number>;
}
