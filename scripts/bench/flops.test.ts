import { describe, expect, it } from "vitest";
import { parseClipConfig } from "../../src/core/clip/config.js";
import { trainingStepFlops } from "./flops.js";

describe("trainingStepFlops", () => {
  it("counts a hand-computed tiny config", () => {
    const config = parseClipConfig({
      projection_dim: 4,
      text_config: {
        hidden_size: 8,
        intermediate_size: 16,
        num_hidden_layers: 1,
        num_attention_heads: 2,
        max_position_embeddings: 3,
        projection_dim: 4,
      },
      vision_config: {
        hidden_size: 8,
        intermediate_size: 16,
        num_hidden_layers: 1,
        num_attention_heads: 2,
        image_size: 8,
        patch_size: 4,
        projection_dim: 4,
      },
    });
    // Vision, per image: 4 patches of 3*4*4 = 48 values -> 4*48*8 = 1536 (patch embedding);
    // layer with L = 5: 4*5*64 + 2*25*8 + 2*5*8*16 = 1280 + 400 + 1280 = 2960; projection 8*4 = 32.
    // Text, per text (L = 3): 4*3*64 + 2*9*8 + 2*3*8*16 = 768 + 144 + 768 = 1680; projection 32.
    // B = 2 images, K = 1 -> 4 texts: 2*4528 + 4*1712 = 15904 MACs with gradients.
    // Token projections, forward only: 2 images * 4 patches * 32 + 4 texts * 3 * 32 = 256 + 384.
    const flops = trainingStepFlops(config, 2, 1);
    expect(flops.gradMacs).toBe(15904);
    expect(flops.forwardOnlyMacs).toBe(640);
    expect(flops.forwardFlops).toBe(2 * (15904 + 640));
    expect(flops.backwardFlops).toBe(4 * 15904);
    expect(flops.totalFlops).toBe(96704);
  });

  it("grows linearly with the batch", () => {
    const config = parseClipConfig({});
    const one = trainingStepFlops(config, 1, 4).totalFlops;
    expect(trainingStepFlops(config, 16, 4).totalFlops).toBe(16 * one);
  });
});
