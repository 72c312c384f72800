import { type GeneratedNegatives, isNegativeGeneratorType, type NegativeGeneratorType } from "./types.js";

export type NegativeSource = "user" | "generated" | "none";

export interface MergedNegatives extends GeneratedNegatives {
  /** Where each text came from. */
  sources: NegativeSource[];
}

/**
 * Per type, a user-written negative wins over the generated one. Blank user texts and texts
 * equal to the caption (ignoring case and outer spaces) are not negatives and are ignored;
 * naming a type that is unknown or not among the generated ones is an error, not a silent drop.
 */
export function mergeNegatives(
  caption: string,
  generated: GeneratedNegatives,
  user: Readonly<Partial<Record<NegativeGeneratorType, string>>>,
): MergedNegatives {
  for (const name of Object.keys(user)) {
    if (!isNegativeGeneratorType(name) || !generated.types.includes(name)) {
      throw new Error(`user negative for "${name}", which is not one of: ${generated.types.join(", ")}`);
    }
  }
  const same = (text: string) => text.trim().toLowerCase() === caption.trim().toLowerCase();
  const texts: string[] = [];
  const mask: number[] = [];
  const sources: NegativeSource[] = [];
  generated.types.forEach((type, k) => {
    const own = user[type]?.trim() ?? "";
    if (own !== "" && !same(own)) {
      texts.push(own);
      mask.push(1);
      sources.push("user");
    } else if (generated.mask[k] === 1) {
      texts.push(generated.texts[k]);
      mask.push(1);
      sources.push("generated");
    } else {
      texts.push("");
      mask.push(0);
      sources.push("none");
    }
  });
  return { texts, mask, types: [...generated.types], sources };
}
