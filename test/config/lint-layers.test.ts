import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The project's own ESLint config, run on small sources placed (by filePath)
// where an import would break a layer: each rule must be able to fail, and
// the allowed directions must stay allowed.
const root = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const importing = (specifier: string) => `import { x } from '${specifier}';\nexport const y = x;\n`;

describe('the engine layers in eslint.config.js', () => {
  it('refuses a feed or decode module reaching up into the venues or the pipeline', async () => {
    expect(await restrictedImports('src/engine/feed/probe.ts', importing('../venues/venue'))).toEqual([expect.stringContaining('src/engine/{feed,decode,threads} imports only its layer')]);
    expect(await restrictedImports('src/engine/decode/probe.ts', importing('../pipeline/venue-books'))).toHaveLength(1);
    expect(await restrictedImports('src/engine/feed/probe.ts', importing('../decode/json-cursor'))).toEqual([]);
    // Starting a thread is below everything that starts one: a replay's read-ahead (capture) as much as the workers.
    expect(await restrictedImports('src/engine/threads/probe.ts', importing('../capture/capture-reader'))).toHaveLength(1);
    expect(await restrictedImports('src/engine/capture/probe.ts', importing('../threads/spawn-worker'))).toEqual([]);
  });

  it('refuses one venue folder importing another, and a shared venue module naming a venue folder', async () => {
    expect(await restrictedImports('src/engine/venues/binance/probe.ts', importing('../okx/okx-mapper'))).toEqual([expect.stringContaining('imports no other venue folder')]);
    expect(await restrictedImports('src/engine/venues/bybit/probe.ts', importing('../binance/binance-book-sync'))).toHaveLength(1);
    expect(await restrictedImports('src/engine/venues/frame-probe.ts', importing('./okx/okx-mapper'))).toEqual([expect.stringContaining('Only venues/registry.ts')]);
    // What a venue folder may read: the shared venue modules, the wire readers, the feed layer.
    expect(await restrictedImports('src/engine/venues/okx/probe.ts', importing('../venue'))).toEqual([]);
    expect(await restrictedImports('src/engine/venues/okx/probe.ts', importing('../wire/readers'))).toEqual([]);
    expect(await restrictedImports('src/engine/venues/okx/probe.ts', importing('../../feed/managed-socket'))).toEqual([]);
    expect(await restrictedImports('src/engine/venues/registry.ts', importing('./okx'))).toEqual([]);
  });

  it('refuses a venue reaching the pipeline, the pipeline reaching the workers, the workers reaching the console', async () => {
    expect(await restrictedImports('src/engine/venues/okx/probe.ts', importing('../../pipeline/venue-books'))).toHaveLength(1);
    expect(await restrictedImports('src/engine/pipeline/probe.ts', importing('../workers/engine-host'))).toEqual([expect.stringContaining('src/engine/{pipeline} imports only its layer')]);
    expect(await restrictedImports('src/engine/pipeline/probe.ts', importing('../live/live-session'))).toHaveLength(1);
    expect(await restrictedImports('src/engine/workers/probe.ts', importing('../console/overview'))).toHaveLength(1);
    expect(await restrictedImports('src/engine/live/probe.ts', importing('../workers/messages'))).toHaveLength(1);
    // Downward stays open.
    expect(await restrictedImports('src/engine/console/probe.ts', importing('../workers/engine-host'))).toEqual([]);
    expect(await restrictedImports('src/engine/pipeline/probe.ts', importing('../venues/registry'))).toEqual([]);
  });

  it('refuses the engine importing the CLI or the Electron main process, and the renderer importing the engine', async () => {
    expect(await restrictedImports('src/engine/storage/probe.ts', importing('../../cli/commands/record'))).toEqual([expect.stringContaining('The engine imports no application')]);
    expect(await restrictedImports('src/engine/console/probe.ts', importing('../../main/engine-session'))).toHaveLength(1);
    expect(await restrictedImports('src/engine/venues/okx/probe.ts', importing('../../../main/engine-session'))).toHaveLength(1);
    expect(await restrictedImports('src/renderer/probe.ts', importing('../engine/console/overview'))).toHaveLength(1);
    expect(await restrictedImports('src/main/probe.ts', importing('../engine/console/console-service'))).toEqual([]);
    expect(await restrictedImports('src/cli/probe.ts', importing('../engine/workers/engine-host'))).toEqual([]);
  });

  it('places every folder of src/engine in a layer, so a new folder cannot sit outside the rules', async () => {
    // Loaded by URL: the config is plain JavaScript without declarations.
    const { ENGINE_LAYERS } = (await import(pathToFileURL(join(root, 'eslint.config.js')).href)) as { ENGINE_LAYERS: string[][] };
    const folders = readdirSync(join(root, 'src', 'engine'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !ENGINE_LAYERS.flat().includes(f))).toEqual([]);
  });
});
