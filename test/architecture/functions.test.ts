/** No function in src/ is over 80 lines: a long function (or closure) is a module waiting to be cut out. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { sourceFiles, SRC } from './sources.js';

const MAX_LINES = 80;

/** Every function with a body (declarations, methods, accessors, constructors, arrows, expressions), with its length in lines. */
function functionsOf(file: string): { where: string; lines: number }[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: { where: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const heading = node.getText(source).split('\n', 1)[0]!.slice(0, 80);
      found.push({ where: `${path.relative(SRC, file)}:${first + 1} ${heading}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

test(`no function in src/ is over ${MAX_LINES} lines`, () => {
  const functions = sourceFiles().flatMap(functionsOf);
  assert.ok(functions.length > 300, `the walk finds the functions (${functions.length})`);
  const long = functions.filter((fn) => fn.lines > MAX_LINES).map((fn) => `${fn.where} (${fn.lines} lines)`);
  assert.deepEqual(long, []);
});
