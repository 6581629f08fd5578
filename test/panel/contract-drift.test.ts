// The panel is typed from the API's own schemas (src/api/contract.ts), so changing a route's schema
// breaks the panel's build instead of its pages. Proven by compiling panel modules that read a rule
// (the health store reads `rule.version`) twice with the TypeScript compiler: once as they are
// (no error), once with RuleOut in src/api/routes/rules.ts renamed `version` → `revision`, served
// from memory (the file on disk is never touched): the panel module must then fail to compile.
// `npm run typecheck` is where such an error shows in practice; this test keeps that true (a
// contract that decayed to `any`, or a panel copy of the shape, would make the second compile pass).
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const PANEL_MODULE = resolve(ROOT, 'dashboard/src/lib/guild-health.svelte.ts');
const RULES_ROUTE = resolve(ROOT, 'src/api/routes/rules.ts');
const AMBIENT = [resolve(ROOT, 'node_modules/svelte/types/index.d.ts'), resolve(ROOT, 'node_modules/@sveltejs/kit/types/index.d.ts')];

function panelOptions(): ts.CompilerOptions {
  // dashboard/tsconfig.json extends the file `svelte-kit sync` writes (the $lib and $api aliases).
  if (!existsSync(resolve(ROOT, 'dashboard/.svelte-kit/tsconfig.json'))) execFileSync(process.execPath, ['dashboard/scripts/build.mjs', '--sync'], { stdio: 'pipe' });
  const parsed = ts.getParsedCommandLineOfConfigFile(resolve(ROOT, 'dashboard/tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error('dashboard/tsconfig.json could not be read');
  return parsed.options;
}

/** Type errors in the panel module, with rules.ts's text passed through `edit`. */
function panelErrors(options: ts.CompilerOptions, edit: (text: string) => string, oldProgram?: ts.Program) {
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (file) => {
    const text = read(file);
    return text !== undefined && resolve(file) === RULES_ROUTE ? edit(text) : text;
  };
  const program = ts.createProgram({ rootNames: [PANEL_MODULE, ...AMBIENT], options, host, ...(oldProgram ? { oldProgram } : {}) });
  const errors = ts
    .getPreEmitDiagnostics(program, program.getSourceFile(PANEL_MODULE))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  return { program, errors };
}

describe('the panel is typed from the API', () => {
  it('a renamed field in a route schema is a type error in the panel code that reads it', () => {
    const options = panelOptions();
    const before = panelErrors(options, (text) => text);
    expect(before.errors).toEqual([]);

    const field = '    version: z.number(),\n    enabled: z.boolean(),';
    const drifted = panelErrors(
      options,
      (text) => {
        if (!text.includes(field)) throw new Error('RuleOut no longer declares `version` as this test expects; update the test');
        return text.replace(field, '    revision: z.number(),\n    enabled: z.boolean(),');
      },
      before.program,
    );
    expect(drifted.errors).toEqual([expect.stringMatching(/Property 'version' does not exist on type '\{ id: number; key: string; revision: number;/)]);
  }, 300_000);
});
