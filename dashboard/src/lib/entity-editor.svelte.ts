// One configuration page's editor (zones, shop items, milestones, currencies): which entity is
// open, the form, saving, the server's refusal field by field, and deleting. Shaped like
// Resource: a runes class the page creates once; <EditorCard> renders its card and buttons, the
// page keeps only its fields, its columns and how a form becomes the document the API takes.
import { api, ApiError, formError, problemsAt, type FieldProblem } from './api';
import { FormGuard, provideFormGuard } from './form-guard.svelte';
import type { Resource } from './resource.svelte';
import { notify } from './toast.svelte';
import { confirmLeaving, LEAVE_QUESTION } from './unsaved';

export interface EntityEditorOptions<Row, Form> {
  /** What one entity is called, capitalised: "Zone", "Shop item". */
  noun: string;
  /** The page's list, reloaded after a save or a delete. */
  list: Resource<Row[]>;
  /** The API path of one entity: PUT saves it, DELETE removes it. */
  path: (key: string) => string;
  keyOf: (row: Row) => string;
  nameOf: (row: Row) => string;
  blank: () => Form;
  fromRow: (row: Row) => Form;
  /** The document the API takes (only its fields: a row's id is not one), or what keeps the form from making one. */
  toDocument: (form: Form) => { key: string; name: string; document: Record<string, unknown> } | FieldProblem[];
  /** Paths the form shows at a field (nested paths included); any other problem is listed above the buttons. */
  fields: string[];
  /** Runs before the form opens (e.g. loading the pickers' catalog). */
  prepare?: () => Promise<void>;
  /** The question asked before a delete. */
  confirmRemove?: (row: Row) => string;
  /** Runs after a save went through (e.g. dismissing the unanswered search an FAQ entry answers). */
  saved?: (key: string, created: boolean) => Promise<void> | void;
}

export class EntityEditor<Row, Form> {
  open = $state(false);
  /** The key of the entity being edited, or null for a new one. */
  editing = $state<string | null>(null);
  form = $state() as Form;
  saving = $state(false);
  error = $state<unknown>(null);
  readonly guard = new FormGuard();
  #initial = $state('');

  constructor(private readonly options: EntityEditorOptions<Row, Form>) {
    this.form = options.blank();
  }

  /** The form differs from what was opened. */
  get dirty(): boolean {
    return this.open && this.#serialized() !== this.#initial;
  }

  /** The refusal's problems at one field path (and under it). */
  problems = (path: string): FieldProblem[] => (this.error instanceof ApiError ? this.error.at(path) : []);

  /** The refusal's problems no field of the form shows. */
  get unplaced(): FieldProblem[] {
    if (!(this.error instanceof ApiError)) return [];
    return this.error.details.filter((d) => !this.options.fields.some((f) => problemsAt([d], f).length > 0));
  }

  /** Opens the form on `row`, or on a new entity (the blank form, with `seed`'s values if given). */
  start = async (row?: Row, seed?: Partial<Form>) => {
    if (this.dirty && !confirm(LEAVE_QUESTION)) return;
    await this.options.prepare?.();
    this.editing = row === undefined ? null : this.options.keyOf(row);
    this.form = row === undefined ? { ...this.options.blank(), ...seed } : this.options.fromRow(row);
    this.#initial = this.#serialized();
    this.error = null;
    this.open = true;
  };

  cancel = () => {
    if (this.dirty && !confirm(LEAVE_QUESTION)) return;
    this.open = false;
    this.error = null;
  };

  save = async (event?: Event) => {
    event?.preventDefault();
    this.error = null;
    const blocked = this.guard.summary;
    if (blocked) {
      this.error = formError([], blocked);
      return;
    }
    const made = this.options.toDocument($state.snapshot(this.form) as Form);
    if (Array.isArray(made)) {
      this.error = formError(made);
      return;
    }
    this.saving = true;
    try {
      await api.put(this.options.path(made.key), made.document);
      const created = this.editing === null;
      notify(`${this.options.noun} “${made.name}” ${created ? 'created' : 'saved'}`);
      this.open = false;
      await this.options.saved?.(made.key, created);
      await this.options.list.load();
    } catch (error) {
      this.error = error;
    } finally {
      this.saving = false;
    }
  };

  /** Reloads the list and shows the open entity as it is now (after a restore from its history). */
  refresh = async () => {
    const key = this.editing;
    await this.options.list.load();
    const row = key === null ? undefined : this.options.list.data?.find((r) => this.options.keyOf(r) === key);
    if (!row || this.editing !== key) return;
    this.form = this.options.fromRow(row);
    this.#initial = this.#serialized();
    this.error = null;
  };

  remove = async (row: Row) => {
    const name = this.options.nameOf(row);
    if (!confirm(this.options.confirmRemove?.(row) ?? `Delete the ${this.options.noun.toLowerCase()} “${name}”?`)) return;
    try {
      await api.del(this.options.path(this.options.keyOf(row)));
      notify(`${this.options.noun} “${name}” deleted`);
      if (this.editing === this.options.keyOf(row)) this.open = false;
      await this.options.list.load();
    } catch (error) {
      notify(error instanceof Error ? error.message : 'Delete failed', 'error');
    }
  };

  #serialized(): string {
    return JSON.stringify($state.snapshot(this.form));
  }
}

/**
 * Creates a page's editor; call during the page's initialisation: it asks before the page is left
 * with unsaved changes, and lets the form's JSON boxes report text that is not valid yet.
 */
export function entityEditor<Row, Form>(options: EntityEditorOptions<Row, Form>): EntityEditor<Row, Form> {
  const editor = new EntityEditor(options);
  provideFormGuard(editor.guard);
  confirmLeaving(() => editor.dirty);
  return editor;
}

/** A whole number typed as text ("" → null), or a problem at `path` ("ten" is not a stock). */
export function wholeNumberOrNull(text: string, path: string, empty: string, problems: FieldProblem[]): number | null {
  const t = text.trim();
  if (t === '') return null;
  if (!/^[+-]?\d+$/.test(t)) {
    problems.push({ path, message: `must be a whole number (or empty for ${empty})` });
    return null;
  }
  return Number(t);
}
