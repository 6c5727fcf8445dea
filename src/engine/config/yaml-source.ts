import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { ConfigPath } from '../../shared/config/config-files';

/** A syntax problem in a YAML file, with its 1-based line. */
export interface YamlSyntaxProblem {
  readonly line: number;
  readonly message: string;
}

/** A parsed YAML file that can map key paths back to source lines. */
export interface YamlSource {
  /** Plain JS value of the document; undefined when there were syntax problems. */
  readonly data: unknown;
  readonly syntaxProblems: readonly YamlSyntaxProblem[];
  /**
   * Line of the deepest node along `path`: the key's line for a map entry,
   * the item's line for a list entry. A missing key therefore points at its
   * parent, which is where it has to be added.
   */
  lineOf(path: ConfigPath): number;
}

/** Parses YAML text, keeping node positions for error messages. */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter();
  // prettyErrors off: its multi-line excerpts would break the one-line-per-problem output.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;

  const syntaxProblems: YamlSyntaxProblem[] = [];
  for (const error of doc.errors) {
    const line = lineAt(error.pos[0]);
    // One mistake often trips several parser rules on the same line; the first names it best.
    if (syntaxProblems.some((p) => p.line === line)) continue;
    syntaxProblems.push({ line, message: oneLine(error.message) });
  }
  let data: unknown;
  if (syntaxProblems.length === 0) {
    try {
      data = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // Alias bombs and similar surface only at conversion time.
      syntaxProblems.push({ line: 1, message: oneLine(error instanceof Error ? error.message : String(error)) });
    }
  }

  return { data, syntaxProblems, lineOf: (path) => lineOfPath(doc, path, lineAt) };
}

function lineOfPath(doc: Document, path: ConfigPath, lineAt: (offset: number) => number): number {
  let node: unknown = doc.contents;
  let line = rangeLine(node, lineAt) ?? 1;
  for (const part of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p.key) === String(part));
      if (pair === undefined) break;
      line = rangeLine(pair.key, lineAt) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (item === undefined) break;
      line = rangeLine(item, lineAt) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function rangeLine(node: unknown, lineAt: (offset: number) => number): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? lineAt(range[0]) : undefined;
}

function oneLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
