/** What the bench page's parts share. */

export const nextFrame = () => new Promise((r) => requestAnimationFrame(() => r(undefined)));
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
