// Stage 4, check (block arguments): each layer a block brought in is checked against the
// schema's layer form once its $params are filled in, and a problem is reported where the
// block is used, since the block's own text was valid. May import context, validate (the
// schema and its problems) and resolve's types.
import type { Context } from '../context';
import type { Resolved } from '../resolve';
import { reportProblem, SCHEMA, schemaProblems } from '../validate';

/** The schema of one layer entry once a block's $params are filled in (no `$name` left): a size within `int`'s bounds. */
const LAYER_SCHEMA = {
  $schema: (SCHEMA as { $schema: string }).$schema,
  $defs: { ...(SCHEMA as { $defs: object }).$defs, param: (SCHEMA as { $defs: { int: { anyOf: object[] } } }).$defs.int.anyOf[0] },
  $ref: '#/$defs/layer',
};

export function checkBlockArguments(ctx: Context, r: Resolved): void {
  for (const net of r.networks) {
    for (const node of net.layers) {
      if (node.usedAt === undefined) continue;
      for (const problem of schemaProblems(LAYER_SCHEMA, { [node.kind]: node.args })) {
        const message = `the block's arguments make ${node.pointer}${problem.pointer} wrong: ${problem.message}`;
        reportProblem(ctx.report, problem, { pointer: node.usedAt, message });
      }
    }
  }
}
