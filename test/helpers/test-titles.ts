/**
 * The titles of a test file's `describe`/`it`/`test` calls, read from its syntax tree, so the requirement gate
 * (test/coverage.test.ts) counts an ID only where a test is named after it, never in a comment, a variable or an
 * assertion message.
 */
import ts from 'typescript';

/** Functions whose first argument is a test or suite title. */
const TEST_FUNCTIONS = new Set(['describe', 'suite', 'it', 'test']);
/** Modifiers that return a new test function instead of registering a test: `it.each(table)('title', …)`. */
const FACTORIES = new Set(['each', 'for', 'skipIf', 'runIf']);

/** The identifier a callee chain such as `it.concurrent.each(table)` starts from. */
function rootName(callee: ts.Expression): string | undefined {
  let e: ts.Expression = callee;
  for (;;) {
    if (ts.isIdentifier(e)) return e.text;
    if (ts.isPropertyAccessExpression(e)) e = e.expression;
    else if (ts.isCallExpression(e)) e = e.expression;
    else if (ts.isTaggedTemplateExpression(e)) e = e.tag;
    else return undefined;
  }
}

/** Whether `call` registers a test or suite (its first argument is the title), not builds a test function. */
function isRegistration(call: ts.CallExpression): boolean {
  const callee = call.expression;
  if (ts.isPropertyAccessExpression(callee) && FACTORIES.has(callee.name.text)) return false;
  const root = rootName(callee);
  return root !== undefined && TEST_FUNCTIONS.has(root);
}

/**
 * The literal text of a title: whole for a string, the literal parts of a template with substitutions (joined
 * by a space, so parts on either side of a `${…}` cannot run together into an ID), nothing for anything else.
 */
function literalText(node: ts.Expression): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return [node.head, ...node.templateSpans.map((s) => s.literal)].map((p) => p.text).join(' ');
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const parts = [literalText(node.left), literalText(node.right)].filter((p) => p !== undefined);
    return parts.length > 0 ? parts.join(' ') : undefined;
  }
  return undefined;
}

/** Every literal test and suite title in `source`, in source order. */
export function testTitles(source: string, fileName = 'test.ts'): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const titles: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && isRegistration(node)) {
      const first = node.arguments[0];
      const title = first && literalText(first);
      if (title !== undefined) titles.push(title);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return titles;
}
