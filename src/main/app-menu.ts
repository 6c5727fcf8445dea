/**
 * The application menu as a template. Pure (electron is imported for types
 * only), so what dev and production builds offer is tested: reload and
 * DevTools exist only in development, where a reload is how one picks up a
 * rebuilt renderer; in production they would only let a stuck page hide.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** What the menu items do; main wires them to the dialog, the ConsoleApi and the shell. */
export interface MenuActions {
  openCapture(): void;
  startRecording(venue: string): void;
  stopRecording(): void;
  openSettings(): void;
}

export interface MenuOptions {
  readonly dev: boolean;
  readonly platform: NodeJS.Platform;
  /** Venues that can be recorded (enabled in exchanges.yaml). */
  readonly venues: readonly string[];
  /** True while a recording runs: Start is disabled, Stop enabled. */
  readonly recording: boolean;
}

/**
 * Builds the template for `Menu.buildFromTemplate`.
 *
 * @example
 * Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(actions, { dev, platform, venues, recording })));
 */
export function buildMenuTemplate(actions: MenuActions, options: MenuOptions): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin';
  const settings: MenuItemConstructorOptions = {
    id: 'settings',
    label: 'Settings…',
    accelerator: 'CmdOrCtrl+,',
    click: () => actions.openSettings(),
  };
  const recordItems: MenuItemConstructorOptions[] =
    options.venues.length === 0
      ? [{ label: 'No venue enabled', enabled: false }]
      : options.venues.map((venue) => ({
          id: `record:${venue}`,
          label: venue,
          enabled: !options.recording,
          click: () => actions.startRecording(venue),
        }));
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { id: 'open-capture', label: 'Open capture…', accelerator: 'CmdOrCtrl+O', click: () => actions.openCapture() },
      { type: 'separator' },
      { id: 'start-recording', label: 'Start recording', enabled: !options.recording, submenu: recordItems },
      { id: 'stop-recording', label: 'Stop recording', enabled: options.recording, click: () => actions.stopRecording() },
      ...(mac ? [] : ([{ type: 'separator' }, settings, { type: 'separator' }, { role: 'quit' }] as MenuItemConstructorOptions[])),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(options.dev
        ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[])
        : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const appMenu: MenuItemConstructorOptions[] = mac
    ? [
        {
          role: 'appMenu',
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            settings,
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        },
      ]
    : [];
  // The edit menu gives copy and paste (acknowledgement notes) their shortcuts.
  return [...appMenu, file, { role: 'editMenu' }, view, { role: 'windowMenu' }];
}

/** Every menu item, depth first (tests and lookups by id). */
export function flattenMenu(template: readonly MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flattenMenu(item.submenu) : [])]);
}
