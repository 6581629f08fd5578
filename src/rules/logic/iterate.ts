// The iterating operations (map, filter, reduce, all, none, some) compiled with json-logic-js's
// exact semantics, each element visited charged to the run-time budget and each array they build
// weighed (budget.ts). Their per-element logic is compiled `scoped`: every operation call counts.
import { jsonLogic } from './operations.ts';
import { charge, checkBuilt } from './budget.ts';

export type Compiled = (data: unknown) => unknown;
type Compile = (expr: unknown, scoped: boolean) => Compiled;

const truthy = (value: unknown): boolean => jsonLogic.truthy(value);

export function compileIterating(op: string, args: unknown[], compile: Compile, scoped: boolean): Compiled {
  const source = compile(args[0], scoped);
  const each = compile(args[1], true);
  switch (op) {
    case 'map':
      return (data) => {
        const items = source(data);
        if (!Array.isArray(items)) return [];
        charge(items.length);
        return checkBuilt(items.map((item) => each(item)));
      };
    case 'filter':
      return (data) => {
        const items = source(data);
        if (!Array.isArray(items)) return [];
        charge(items.length);
        return checkBuilt(items.filter((item) => truthy(each(item))));
      };
    case 'reduce': {
      const initial = args[2] === undefined ? () => null : compile(args[2], scoped);
      return (data) => {
        const items = source(data);
        const start = initial(data);
        if (!Array.isArray(items)) return start;
        charge(items.length);
        return items.reduce((accumulator: unknown, current: unknown) => each({ current, accumulator }), start);
      };
    }
    case 'all':
      return (data) => {
        const items = source(data);
        if (!Array.isArray(items) || !items.length) return false;
        for (let i = 0; i < items.length; i++) {
          charge(1);
          if (!truthy(each(items[i]))) return false;
        }
        return true;
      };
    case 'none':
      return (data) => {
        const items = source(data);
        if (!Array.isArray(items) || !items.length) return true;
        for (let i = 0; i < items.length; i++) {
          charge(1);
          if (truthy(each(items[i]))) return false;
        }
        return true;
      };
    case 'some':
      return (data) => {
        const items = source(data);
        if (!Array.isArray(items) || !items.length) return false;
        for (let i = 0; i < items.length; i++) {
          charge(1);
          if (truthy(each(items[i]))) return true;
        }
        return false;
      };
  }
  throw new Error(`Unrecognized operation ${op}`);
}
