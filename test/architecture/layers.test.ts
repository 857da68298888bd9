/**
 * The layering of src/ as docs/architecture.md draws it, enforced: every import of every file in
 * src/ goes to a lower layer or stays within its own module, except the type-only imports upward
 * that the document lists with their reasons. The layers are read from the document itself, so
 * the picture and the code cannot drift apart.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { ROOT, sourceFiles } from './sources.js';

const DOC = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');

interface Layer {
  level: number;
  name: string;
  /** `src/x.ts` (a module of one file) or `src/x/` (a module of a directory). */
  modules: string[];
}

/** The rows `| 3. store | `src/store/` | … |` of the document's table of layers. */
function layersOfDocument(): Layer[] {
  return [...DOC.matchAll(/^\| (\d+)\. ([^|]+?) \| ([^|]+) \|/gm)].map(([, level, name, cell]) => ({
    level: Number(level),
    name: name!,
    modules: [...cell!.matchAll(/`(src\/[^`]*)`/g)].map(([, module]) => module!),
  }));
}

/** The bullets `- `src/a.ts` → `src/b.ts`: why` of the document's list of type-only imports upward. */
function allowedUpwardTypeImports(): Set<string> {
  const section = DOC.split(/^## /m).find((part) => part.startsWith('Type-only imports upward')) ?? '';
  return new Set([...section.matchAll(/^- `(src\/[^`]+)` → `(src\/[^`]+)`:/gm)].map(([, from, to]) => `${from} → ${to}`));
}

interface Import {
  target: string;
  typeOnly: boolean;
}

/** Every relative import (static, re-export or dynamic) of a file, resolved to a path from the root. */
function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return;
    const target = path.join(path.dirname(file), specifier.text).replace(/\.js$/, '.ts');
    found.push({ target, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const everyNameIsType = !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && !clause?.name && bindings.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, !!clause && (clause.isTypeOnly || everyNameIsType));
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const layers = layersOfDocument();

/** The module a file belongs to (`src/cli.ts` and `src/cli/` are one, `src/cli`), and its layer. */
function placeOf(file: string): { module: string; layer: Layer } | undefined {
  for (const layer of layers) {
    for (const module of layer.modules) {
      if (module.endsWith('/') ? file.startsWith(module) : file === module) return { module: module.replace(/(\.ts|\/)$/, ''), layer };
    }
  }
  return undefined;
}

test('docs/architecture.md names the layers, from the ground up', () => {
  assert.ok(layers.length >= 5, 'the table of layers is there');
  assert.deepEqual(
    layers.map((layer) => layer.level),
    layers.map((_, index) => index),
    'numbered 0, 1, 2… from the ground',
  );
  for (const layer of layers) assert.ok(layer.modules.length > 0, `layer ${layer.name} names its modules`);
});

test('every file in src/ belongs to a layer of docs/architecture.md', () => {
  const homeless = sourceFiles().map((file) => path.relative(ROOT, file)).filter((file) => !placeOf(file));
  assert.deepEqual(homeless, [], 'add these to a layer of the table in docs/architecture.md');
});

test('every import in src/ goes down a layer or stays in its module, but for the type-only ones the document allows', () => {
  const allowed = allowedUpwardTypeImports();
  const wrong: string[] = [];
  const used = new Set<string>();
  for (const file of sourceFiles().map((file) => path.relative(ROOT, file))) {
    const from = placeOf(file);
    if (!from) continue;
    for (const { target, typeOnly } of importsOf(file)) {
      const to = placeOf(target);
      if (!to) {
        wrong.push(`${file} imports ${target}, which is in no layer`);
        continue;
      }
      if (to.module === from.module || to.layer.level < from.layer.level) continue;
      const edge = `${file} → ${target}`;
      if (typeOnly && allowed.has(edge)) {
        used.add(edge);
        continue;
      }
      const direction = to.layer.level === from.layer.level ? 'a sibling in its own layer' : 'a higher layer';
      wrong.push(`${edge}: ${from.layer.name} (${from.layer.level}) imports ${direction}, ${to.layer.name} (${to.layer.level})${typeOnly ? ' (type-only, but not listed)' : ''}`);
    }
  }
  assert.deepEqual(wrong, []);
  assert.deepEqual([...allowed].filter((edge) => !used.has(edge)), [], 'listed exceptions that no longer exist: take them out of the document');
});
