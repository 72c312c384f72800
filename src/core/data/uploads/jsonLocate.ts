/**
 * Line numbers of the entries of a JSON document that JSON.parse has already accepted, so a
 * problem in record 812 of a 40 MB file can be reported as "line 9731". Records sit at most
 * two levels deep in every format read here: the elements of a top-level array (ARO,
 * VL-CheckList, record lists), the members of a top-level object (SugarCrepe, VALSE) and the
 * elements of an array held by a top-level member (COCO's "annotations").
 */
export interface JsonLines {
  /** Line of each element of a top-level array. */
  elements: number[];
  /** Line of each top-level member's key. */
  members: Map<string, number>;
  /** Line of each element of an array held by a top-level member. */
  memberElements: Map<string, number[]>;
}

/** One pass over valid JSON text; the result is unspecified for invalid text. */
export function locateJsonEntries(text: string): JsonLines {
  const out: JsonLines = { elements: [], members: new Map(), memberElements: new Map() };
  const stack: string[] = []; // "{" or "["
  let line = 1;
  let expectKey = false; // inside the top-level object, before a member's key
  let key: string | undefined; // the top-level member being read
  const valueStarts = () => {
    const depth = stack.length;
    if (depth === 1 && stack[0] === "[") out.elements.push(line);
    else if (depth === 2 && stack[0] === "{" && stack[1] === "[" && key !== undefined)
      out.memberElements.get(key)?.push(line);
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "\n") {
      line++;
      i++;
    } else if (c === " " || c === "\t" || c === "\r" || c === ":") {
      i++;
    } else if (c === ",") {
      if (stack.length === 1 && stack[0] === "{") expectKey = true;
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (expectKey && stack.length === 1) {
        key = JSON.parse(text.slice(i, j + 1)) as string;
        out.members.set(key, line);
        expectKey = false;
      } else valueStarts();
      i = j + 1;
    } else if (c === "{" || c === "[") {
      valueStarts();
      if (stack.length === 1 && stack[0] === "{" && c === "[" && key !== undefined)
        out.memberElements.set(key, []);
      stack.push(c);
      if (stack.length === 1 && c === "{") expectKey = true;
      i++;
    } else if (c === "}" || c === "]") {
      stack.pop();
      i++;
    } else {
      // A number, true, false or null.
      valueStarts();
      while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
    }
  }
  return out;
}
