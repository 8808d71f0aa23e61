import { readFileSync } from 'node:fs';

/**
 * DejaVu Sans, shipped as an npm dependency (`dejavu-fonts-ttf`): every machine that ran `npm ci` draws the Arabic
 * civil-status names the same way, without depending on which system fonts happen to be installed.
 */
export const BUNDLED_ARABIC_FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');

/**
 * The font for Arabic names on issued documents, read once at start (services/ does no I/O): the configured path
 * (a missing file stops the start), else the bundled DejaVu Sans.
 */
export function loadArabicFont(configured: string | undefined): Uint8Array {
  return readFileSync(configured ?? BUNDLED_ARABIC_FONT);
}
