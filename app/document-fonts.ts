import { existsSync, readFileSync } from 'node:fs';

const SYSTEM_ARABIC_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf',
  '/usr/share/fonts/opentype/noto/NotoNaskhArabic-Regular.ttf',
];

/**
 * The font for Arabic names on issued documents, read once at start (services/ does no I/O). A configured path
 * that is missing stops the start; without configuration the usual system fonts are tried, and without any the
 * documents carry the Latin names only.
 */
export function loadArabicFont(configured: string | undefined): Uint8Array | undefined {
  if (configured) return readFileSync(configured);
  const found = SYSTEM_ARABIC_FONTS.find((p) => existsSync(p));
  return found ? readFileSync(found) : undefined;
}
