/**
 * What `import ... from "zod"` resolves to in the browser builds (an alias in vite.config.ts).
 * zod compiles its object parsers with the Function constructor when eval is allowed, and
 * probes for that by building an empty function as each object schema is made. The app's
 * Content-Security-Policy forbids eval, so every probe would be reported as a violation.
 * This module runs before the body of any module that imports zod, so the switch is set
 * before the first schema exists, whatever the chunk order.
 */
import { config } from "zod/v4/core";

config({ jitless: true });

export * from "zod/v4";
export { default } from "zod/v4";
