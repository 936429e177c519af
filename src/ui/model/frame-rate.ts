/**
 * Frames per second at most: a 3-hour import needs a calm screen, not a busy one, and every
 * frame costs a full layout and diff of the screen (the TUI-cost benchmark, row e).
 */
export const RENDER_MAX_FPS = 10;
