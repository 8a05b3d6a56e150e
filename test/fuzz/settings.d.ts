/**
 * The fuzz run's size and seed. The test runner serves `settings.js` from FUZZ_STEPS and FUZZ_SEED
 * (web-test-runner.config.mjs): 2,000 steps and seed 1 unless set (`npm run fuzz` runs more).
 */
export declare function fuzzSettings(): { steps: number; seed: number };
