import { parse } from '@babel/parser';

export interface FunctionSpan {
  name: string;
  line: number;
  lines: number;
}

interface AstNode {
  type: string;
  loc?: { start: { line: number }; end: { line: number } };
  [key: string]: unknown;
}

const FUNCTION_TYPES = new Set([
  'FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassMethod', 'ClassPrivateMethod', 'ObjectMethod',
]);

function keyName(key: unknown): string | undefined {
  const k = key as AstNode | undefined;
  if (!k) return undefined;
  if (typeof k.name === 'string') return k.name;
  if (typeof k.value === 'string') return k.value;
  return undefined;
}

function nameOf(node: AstNode, parent: AstNode | undefined): string {
  const id = node.id as AstNode | undefined;
  if (id && typeof id.name === 'string') return id.name;
  const own = keyName(node.key);
  if (own) return own;
  if (parent?.type === 'VariableDeclarator') return keyName(parent.id) ?? '<anonymous>';
  if (parent?.type === 'ObjectProperty' || parent?.type === 'ClassProperty') return keyName(parent.key) ?? '<anonymous>';
  return '<anonymous>';
}

/** Every function-like body in a TypeScript source (declarations, methods, arrows): name, first line, length in lines. */
export function functionSpans(fileName: string, text: string): FunctionSpan[] {
  const ast = parse(text, { sourceType: 'module', sourceFilename: fileName, plugins: ['typescript', 'decorators-legacy'] });
  const spans: FunctionSpan[] = [];
  const visit = (node: AstNode, parent: AstNode | undefined): void => {
    if (FUNCTION_TYPES.has(node.type) && node.loc) {
      spans.push({ name: nameOf(node, parent), line: node.loc.start.line, lines: node.loc.end.line - node.loc.start.line + 1 });
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments') continue;
      if (Array.isArray(value)) {
        for (const child of value) if (child && typeof child === 'object' && typeof (child as AstNode).type === 'string') visit(child as AstNode, node);
      } else if (value && typeof value === 'object' && typeof (value as AstNode).type === 'string') {
        visit(value as AstNode, node);
      }
    }
  };
  visit(ast.program as unknown as AstNode, undefined);
  return spans;
}
