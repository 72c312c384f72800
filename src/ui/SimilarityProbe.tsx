import { type ChangeEvent, useEffect, useState } from "react";
import { BUNDLED_MODEL_URL, useClipStore } from "../state/clipStore.js";

const BUNDLED_IMAGES = [0, 1, 2, 3, 4].map((i) => `${BUNDLED_MODEL_URL}/image${i}.png`);
const DEFAULT_TEXTS = [
  "a photo of a red cube left of a blue sphere",
  "the blue cube left of a red sphere",
].join("\n");

export function SimilarityProbe() {
  const { model, rows, busy, computeSimilarity } = useClipStore();
  const [imageUrl, setImageUrl] = useState(BUNDLED_IMAGES[0]);
  const [texts, setTexts] = useState(DEFAULT_TEXTS);

  useEffect(
    () => () => {
      if (imageUrl.startsWith("blob:")) URL.revokeObjectURL(imageUrl);
    },
    [imageUrl],
  );

  const onUpload = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) setImageUrl(URL.createObjectURL(file));
  };
  const run = async () => {
    const blob = await (await fetch(imageUrl)).blob();
    const lines = texts
      .split("\n")
      .map((t) => t.trim())
      .filter(Boolean);
    await computeSimilarity(blob, lines);
  };

  return (
    <section aria-labelledby="probe-heading">
      <h2 id="probe-heading">Image–text similarity</h2>
      <div className="row">
        <label>
          Image{" "}
          <select
            value={BUNDLED_IMAGES.includes(imageUrl) ? imageUrl : ""}
            onChange={(e) => setImageUrl(e.target.value)}
          >
            {BUNDLED_IMAGES.map((url, i) => (
              <option key={url} value={url}>
                bundled image {i}
              </option>
            ))}
            {!BUNDLED_IMAGES.includes(imageUrl) && <option value="">uploaded image</option>}
          </select>
        </label>
        <label className="file">
          or upload an image
          <input type="file" accept="image/*" onChange={onUpload} aria-label="Upload an image" />
        </label>
      </div>
      <img
        className="preview"
        src={imageUrl}
        alt="Selected input for the comparison"
        width={128}
        height={128}
      />
      <label className="block">
        Texts, one per line
        <textarea value={texts} onChange={(e) => setTexts(e.target.value)} rows={5} data-testid="texts" />
      </label>
      <button type="button" onClick={() => void run()} disabled={!model || Boolean(busy)}>
        Compare
      </button>
      {rows.length > 0 && (
        <table data-testid="similarity-table">
          <thead>
            <tr>
              <th scope="col">Text</th>
              <th scope="col">Cosine</th>
              <th scope="col">Logit</th>
              <th scope="col">Probability</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.text}>
                <td title={`token ids: ${r.inputIds.join(" ")}`}>{r.text}</td>
                <td>{r.cosine.toFixed(4)}</td>
                <td data-testid="logit">{r.logit.toFixed(4)}</td>
                <td>
                  <meter
                    min={0}
                    max={1}
                    value={r.probability}
                    aria-label={`probability ${r.probability.toFixed(3)}`}
                  />{" "}
                  {(r.probability * 100).toFixed(1)}%
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
