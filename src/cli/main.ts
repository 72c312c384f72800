/**
 * HardNeg Lab command line: `npm run cli -- <command> [options]`.
 * Every command prints JSON on stdout; errors print one line on stderr and exit non-zero.
 */
import { commands } from "./commands/index.js";

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    const list = Object.entries(commands)
      .map(([n, c]) => `  ${n.padEnd(18)} ${c.summary}`)
      .join("\n");
    process.stderr.write(`usage: npm run cli -- <command> [options]\n\ncommands:\n${list}\n`);
    return name ? 2 : 0;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`error: ${message.split("\n")[0]}\n`);
    process.exitCode = 1;
  },
);
