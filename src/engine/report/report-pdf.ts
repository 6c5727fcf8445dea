import { existsSync } from 'node:fs';

/** Debian's Chromium (what the browser tests drive); SURVEIL_CHROMIUM points elsewhere. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that work on a workstation or CI as root, without GPU or network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium (or playwright-core, which drives it) is not on this machine: the HTML stands alone. */
export class ChromiumMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChromiumMissingError';
  }
}

export function chromiumPath(): string {
  return process.env.SURVEIL_CHROMIUM || DEFAULT_CHROMIUM_PATH;
}

/**
 * Prints the report's HTML to a PDF with headless Chromium (A4, backgrounds
 * on). The page is loaded with setContent: it fetches nothing, its CSP
 * forbids it. Throws ChromiumMissingError when there is no browser to print with.
 */
export async function printReportPdf(html: string, out: string, executablePath = chromiumPath()): Promise<void> {
  if (!existsSync(executablePath)) throw new ChromiumMissingError(`Chromium not found at ${executablePath} (apt-get install chromium, or set SURVEIL_CHROMIUM)`);
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new ChromiumMissingError('playwright-core is not installed: it drives Chromium to print the PDF');
  }
  const browser = await playwright.chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({ path: out, format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  } finally {
    await browser.close();
  }
}
