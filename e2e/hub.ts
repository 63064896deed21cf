// Where the local Hub stand-in of this run listens (playwright.config.ts sets it; scripts/e2e.mjs picks a free port).
export const HUB = process.env.PLAYGROUND_HUB_URL ?? 'http://127.0.0.1:4180';
export const HUB_CDN = process.env.PLAYGROUND_HUB_CDN_URL ?? 'http://127.0.0.1:4181';
