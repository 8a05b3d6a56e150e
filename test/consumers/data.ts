// The explicit attention every consumer app shows: 2 layers × 2 heads over 3 tokens of a causal
// model; each row sums to 1.
export const data = {
  tokens: ['The', 'Ġcat', 'Ġsat'],
  attention: [
    [
      [
        [1, 0, 0],
        [0.5, 0.5, 0],
        [0.2, 0.3, 0.5],
      ],
      [
        [1, 0, 0],
        [0.9, 0.1, 0],
        [0.1, 0.8, 0.1],
      ],
    ],
    [
      [
        [1, 0, 0],
        [0.7, 0.3, 0],
        [0.6, 0.2, 0.2],
      ],
      [
        [1, 0, 0],
        [0.2, 0.8, 0],
        [0.3, 0.3, 0.4],
      ],
    ],
  ],
};
