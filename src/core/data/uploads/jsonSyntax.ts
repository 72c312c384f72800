/**
 * Where and why JSON text is invalid, with the same message on every JavaScript engine
 * (V8's JSON.parse messages change between versions and often give no position). Runs only
 * after JSON.parse failed; iterative, so deep nesting cannot overflow the stack.
 */

export interface JsonSyntaxError {
  line: number;
  column: number;
  message: string;
}

const LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

function found(text: string, i: number): string {
  if (i >= text.length) return "the end of the file";
  const c = text[i];
  return c === "\n" || c === "\r" ? "a line break" : `"${c}"`;
}

function findOffset(text: string): { offset: number; message: string } | undefined {
  const n = text.length;
  const stack: string[] = [];
  let i = 0;
  let state: "value" | "firstValue" | "after" | "key" | "firstKey" | "colon" = "value";
  const fail = (message: string, at = i) => ({ offset: at, message });
  const string = (): { offset: number; message: string } | undefined => {
    for (let j = i + 1; j < n; j++) {
      const c = text.charCodeAt(j);
      if (c === 34) {
        i = j + 1;
        return undefined;
      }
      if (c < 0x20) return fail("a string must not contain a line break or control character", j);
      if (c === 92) {
        const next = text[j + 1];
        if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 2, j + 6))) j += 5;
        else if (next !== undefined && '"\\/bfnrt'.includes(next)) j += 1;
        else return fail("invalid escape in a string", j);
      }
    }
    return fail("a string is not closed", i);
  };
  for (;;) {
    while (i < n && " \t\n\r".includes(text[i])) i++;
    const c = text[i];
    if (state === "firstValue" && c === "]") {
      stack.pop();
      i++;
      state = "after";
    } else if (state === "firstKey" && c === "}") {
      stack.pop();
      i++;
      state = "after";
    } else if (state === "value" || state === "firstValue") {
      if (c === "{" || c === "[") {
        stack.push(c);
        i++;
        state = c === "{" ? "firstKey" : "firstValue";
      } else if (c === '"') {
        const problem = string();
        if (problem) return problem;
        state = "after";
      } else {
        LITERAL.lastIndex = i;
        if (!LITERAL.test(text)) return fail(`expected a value, found ${found(text, i)}`);
        i = LITERAL.lastIndex;
        state = "after";
      }
    } else if (state === "key" || state === "firstKey") {
      if (c !== '"') return fail(`expected a property name in double quotes, found ${found(text, i)}`);
      const problem = string();
      if (problem) return problem;
      state = "colon";
    } else if (state === "colon") {
      if (c !== ":") return fail(`expected ":" after a property name, found ${found(text, i)}`);
      i++;
      state = "value";
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined)
        return i < n ? fail(`unexpected ${found(text, i)} after the JSON value`) : undefined;
      const close = top === "{" ? "}" : "]";
      if (c === ",") {
        i++;
        state = top === "{" ? "key" : "value";
      } else if (c === close) {
        stack.pop();
        i++;
      } else return fail(`expected "," or "${close}", found ${found(text, i)}`);
    }
  }
}

/** The first syntax error of invalid JSON text, or undefined for valid text. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const found = findOffset(text);
  if (!found) return undefined;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < found.offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: found.offset - lineStart + 1, message: found.message };
}

/** Why JSON.parse refused `text`, located: "line 3, column 5: expected ...". */
export function jsonErrorMessage(error: unknown, text: string): string {
  const found = findJsonSyntaxError(text);
  if (found) return `line ${found.line}, column ${found.column}: ${found.message}`;
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
