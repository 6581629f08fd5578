// The component handlers the bot answers, one per module prefix. A module adds its handler here.
import type { ComponentHandler } from './component.ts';
import { faqComponents } from './faq.ts';

export const COMPONENT_HANDLERS: readonly ComponentHandler[] = [faqComponents];
