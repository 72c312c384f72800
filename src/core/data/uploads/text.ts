/** Text of an annotation file: UTF-8 (BOM or not) or UTF-16 with a BOM, as spreadsheets save. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe)
    return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff)
    return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  // TextDecoder drops a UTF-8 BOM; invalid bytes become U+FFFD rather than failing.
  return new TextDecoder("utf-8").decode(bytes);
}

/** "…" after `max` characters, for quoting user text in one-line messages. */
export function shorten(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
