// Lists the cycles between the folders of src/ (issue 23 item 5): folder A imports folder B and
// B, through any path, imports A. Only value imports count (what runs at load time); `import
// type` and imports whose every name is a type are left out, as the compiler erases them. A file
// directly in src/ is a node of its own. Exits 1 when there is a cycle, so lint refuses a new one.
// Usage: node scripts/folder-cycles.ts [repository root, default .] [--edges]
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const root = process.argv.slice(2).find((argument) => !argument.startsWith('--')) ?? '.';
const showEdges = process.argv.includes('--edges');
const sourceRoot = resolve(root, 'src');

/** src/admin/clients/x.ts -> admin; src/errors.ts -> errors.ts. */
const nodeOf = (file: string): string => {
  const parts = relative(sourceRoot, file).split(sep);
  return parts[0]!;
};

const isTypeOnly = (statement: ts.ImportDeclaration | ts.ExportDeclaration): boolean => {
  if (ts.isExportDeclaration(statement)) {
    if (statement.isTypeOnly) return true;
    const clause = statement.exportClause;
    return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((element) => element.isTypeOnly);
  }
  const clause = statement.importClause;
  if (clause === undefined) return false;
  if (clause.isTypeOnly) return true;
  if (clause.name !== undefined) return false;
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
};

/** The relative specifiers a file loads at run time: static imports, re-exports and literal import(). */
const valueImports = (file: string): string[] => {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!isTypeOnly(node)) specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers.filter((specifier) => specifier.startsWith('.'));
};

const files = (readdirSync(sourceRoot, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).map((file) => join(sourceRoot, file));
/** folder -> folder it imports -> one file-level import that shows it. */
const graph = new Map<string, Map<string, string>>();
for (const file of files) {
  const from = nodeOf(file);
  for (const specifier of valueImports(file)) {
    const target = resolve(dirname(file), specifier);
    if (!target.startsWith(sourceRoot + sep)) continue;
    const to = nodeOf(target);
    if (to === from) continue;
    const edges = graph.get(from) ?? new Map<string, string>();
    if (!edges.has(to)) edges.set(to, `${relative(root, file)} -> ${relative(root, target)}`);
    graph.set(from, edges);
  }
}

// Tarjan's strongly connected components: every component of two or more folders is a cycle.
const index = new Map<string, number>();
const lowLink = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
const components: string[][] = [];
const connect = (node: string): void => {
  index.set(node, index.size);
  lowLink.set(node, index.get(node)!);
  stack.push(node);
  onStack.add(node);
  for (const next of graph.get(node)?.keys() ?? []) {
    if (!index.has(next)) {
      connect(next);
      lowLink.set(node, Math.min(lowLink.get(node)!, lowLink.get(next)!));
    } else if (onStack.has(next)) {
      lowLink.set(node, Math.min(lowLink.get(node)!, index.get(next)!));
    }
  }
  if (lowLink.get(node) !== index.get(node)) return;
  const component: string[] = [];
  let member: string;
  do {
    member = stack.pop()!;
    onStack.delete(member);
    component.push(member);
  } while (member !== node);
  if (component.length > 1) components.push(component.sort());
};
for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);

if (components.length === 0) {
  process.stdout.write(`no folder cycles in src/ (${graph.size} folders and top-level files import others)\n`);
  process.exit(0);
}
process.stdout.write(`${components.length} folder cycle(s) in src/ (value imports):\n`);
for (const component of components) {
  process.stdout.write(`  ${component.join(', ')}\n`);
  if (!showEdges) continue;
  for (const from of component) {
    for (const [to, example] of graph.get(from) ?? []) if (component.includes(to)) process.stdout.write(`    ${from} -> ${to}: ${example}\n`);
  }
}
process.stdout.write(
  'Break a cycle by moving the shared piece to the folder that owns it, or to src/kernel/ when many folders need it (docs/architecture.md).\n',
);
process.exit(1);
