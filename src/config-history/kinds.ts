// The kinds of configuration that keep a history, one entry each: how to read an entity as its
// versions hold it, and how to bring a version back through the entity's own save function (so a
// restore is validated like any save, audit-logged, and in force on every process through the
// NOTIFY trigger of its table). Adding a kind: one entry here, and recordVersion() in its save and
// delete functions (see record.ts).
import { and, eq } from 'drizzle-orm';
import type { AuditEntry } from '../audit/audit.ts';
import type { Executor } from '../db/client.ts';
import { currencies, customCommands, faqEntries, guilds, milestones, rules, shopItems, zones } from '../db/schema.ts';
import { faqDocument, saveFaqEntry } from '../faq/repository.ts';
import { saveCommand } from '../custom-commands/repository.ts';
import { changeSettings, GuildSettingsPatch, settingsDocument } from '../guilds/settings.ts';
import { saveMilestone } from '../milestones/repository.ts';
import { formatPath } from '../rules/compiler.ts';
import { currencyDocument, saveCurrency, saveRule, saveZone, zoneOf, type SaveResult } from '../rules/repository.ts';
import { itemDocument, saveShopItem } from '../shop/shop.ts';
import { loadGuildTemplate, saveRuleTemplate } from '../rules/templates/repository.ts';
import { configVersionStore, ruleVersionStore, type VersionStore } from './store.ts';

export interface HistoryKindEntry {
  /** What one entity is called in messages. */
  noun: string;
  /** The audit log's entity type for this kind's entries. */
  entityType: AuditEntry['entityType'];
  /** The audit action of a restore. */
  restoreAction: string;
  /** Where its versions are kept (config_versions unless said otherwise). */
  store: VersionStore;
  /** The entity now, as its versions hold it; null when it does not exist. */
  load(exec: Executor, guildId: string, key: string): Promise<Record<string, unknown> | null>;
  /** Saves a version's document as the entity's state, through its own save function. */
  restore(exec: Executor, guildId: string, key: string, document: Record<string, unknown>, actor: string): Promise<SaveResult<unknown>>;
}

const one = async <T>(rows: Promise<T[]>): Promise<T | undefined> => (await rows)[0];

export const HISTORY_KINDS = {
  rule: {
    noun: 'rule',
    entityType: 'rule',
    restoreAction: 'rule.rollback',
    store: ruleVersionStore,
    load: async (exec, guildId, key) => (await one(exec.select().from(rules).where(and(eq(rules.guildId, guildId), eq(rules.key, key)))))?.document ?? null,
    restore: (exec, guildId, _key, document, actor) => saveRule(exec, guildId, document, actor),
  },
  currency: {
    noun: 'currency',
    entityType: 'currency',
    restoreAction: 'currency.restore',
    store: configVersionStore,
    load: async (exec, guildId, key) => {
      const row = await one(exec.select().from(currencies).where(and(eq(currencies.guildId, guildId), eq(currencies.key, key))));
      return row ? (currencyDocument(row) as Record<string, unknown>) : null;
    },
    restore: (exec, guildId, _key, document, actor) => saveCurrency(exec, guildId, document, actor),
  },
  zone: {
    noun: 'zone',
    entityType: 'zone',
    restoreAction: 'zone.restore',
    store: configVersionStore,
    load: async (exec, guildId, key) => {
      const row = await one(exec.select().from(zones).where(and(eq(zones.guildId, guildId), eq(zones.key, key))));
      return row ? (zoneOf(row) as unknown as Record<string, unknown>) : null;
    },
    restore: (exec, guildId, _key, document, actor) => saveZone(exec, guildId, document, actor),
  },
  milestone: {
    noun: 'milestone',
    entityType: 'milestone',
    restoreAction: 'milestone.restore',
    store: configVersionStore,
    load: async (exec, guildId, key) => (await one(exec.select().from(milestones).where(and(eq(milestones.guildId, guildId), eq(milestones.key, key)))))?.document ?? null,
    restore: (exec, guildId, _key, document, actor) => saveMilestone(exec, guildId, document, actor),
  },
  shop_item: {
    noun: 'shop item',
    entityType: 'shop_item',
    restoreAction: 'shop.restore',
    store: configVersionStore,
    load: async (exec, guildId, key) => {
      const row = await one(exec.select().from(shopItems).where(and(eq(shopItems.guildId, guildId), eq(shopItems.key, key))));
      return row ? itemDocument(row) : null;
    },
    // Stock is what is left after purchases: restoring an item that still exists keeps its stock
    // (an old count would sell what is gone); a deleted item comes back with its version's stock.
    restore: async (exec, guildId, key, document, actor) => {
      const row = await one(exec.select({ stock: shopItems.stock }).from(shopItems).where(and(eq(shopItems.guildId, guildId), eq(shopItems.key, key))));
      return saveShopItem(exec, guildId, row ? { ...document, stock: row.stock } : document, actor);
    },
  },
  command: {
    noun: 'command',
    entityType: 'command',
    restoreAction: 'command.restore',
    store: configVersionStore,
    load: async (exec, guildId, key) => (await one(exec.select().from(customCommands).where(and(eq(customCommands.guildId, guildId), eq(customCommands.name, key)))))?.document ?? null,
    restore: async (exec, guildId, _key, document, actor) => {
      const saved = await saveCommand(exec, guildId, document, actor);
      return saved.ok ? { ok: true, value: saved.value.command } : { ok: false, problems: saved.problems };
    },
  },
  faq: {
    noun: 'FAQ entry',
    entityType: 'faq',
    restoreAction: 'faq.restore',
    store: configVersionStore,
    load: async (exec, guildId, key) => {
      const row = await one(exec.select().from(faqEntries).where(and(eq(faqEntries.guildId, guildId), eq(faqEntries.key, key))));
      return row ? (faqDocument(row) as unknown as Record<string, unknown>) : null;
    },
    restore: (exec, guildId, _key, document, actor) => saveFaqEntry(exec, guildId, document, actor),
  },
  rule_template: {
    noun: 'rule template',
    entityType: 'rule_template',
    restoreAction: 'rule_template.restore',
    store: configVersionStore,
    load: async (exec, guildId, key) => (await loadGuildTemplate(exec, guildId, key))?.document ?? null,
    restore: async (exec, guildId, _key, document, actor) => {
      const saved = await saveRuleTemplate(exec, guildId, document, actor);
      return saved.ok || !('conflict' in saved) ? saved : { ok: false, problems: [{ path: 'key', message: saved.conflict }] };
    },
  },
  settings: {
    noun: 'settings',
    entityType: 'guild',
    restoreAction: 'guild.settings.restore',
    store: configVersionStore,
    // The key of a guild's settings is the guild's id.
    load: async (exec, guildId, key) => {
      if (key !== guildId) return null;
      const row = await one(exec.select().from(guilds).where(eq(guilds.id, guildId)));
      return row ? settingsDocument(row) : null;
    },
    // The version's fields are set, and the fields it did not have are removed.
    restore: async (exec, guildId, _key, document, actor) => {
      const parsed = GuildSettingsPatch.safeParse(document);
      if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path) || '(root)', message: i.message })) };
      const [row] = await exec.select().from(guilds).where(eq(guilds.id, guildId));
      const unset = Object.keys(row ? settingsDocument(row) : {}).filter((k) => !(k in document));
      const changed = await changeSettings(exec, guildId, parsed.data, actor, { unset });
      if (changed.ok) return { ok: true, value: changed.guild };
      // A version naming a currency deleted since (a label, a leaderboard post) is refused by field.
      return { ok: false, problems: changed.code === 'invalid' ? changed.problems : [{ path: '(root)', message: 'this guild is unknown to Cairn' }] };
    },
  },
} as const satisfies Record<string, HistoryKindEntry>;

export type HistoryKind = keyof typeof HISTORY_KINDS;
export const HISTORY_KIND_NAMES = Object.keys(HISTORY_KINDS) as [HistoryKind, ...HistoryKind[]];
/** The kind whose audit entries have this entity type (settings are the guild's). */
export const kindOfEntityType = (entityType: string): HistoryKind | undefined => HISTORY_KIND_NAMES.find((k) => HISTORY_KINDS[k].entityType === entityType);
