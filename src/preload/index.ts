import { contextBridge } from 'electron';

/** The renderer's only door to the engine; the typed API contract is added with the console (issue 6). */
contextBridge.exposeInMainWorld('surveil', Object.freeze({ version: 1 }));
