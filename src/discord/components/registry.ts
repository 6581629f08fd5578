// The component handlers the bot answers, one per module prefix. A module adds its handler here.
import { questionnaireComponent } from '../onboarding/questionnaire-component.ts';
import type { ComponentHandler } from './component.ts';
import { ticketComponents } from '../tickets/component-handler.ts';
import { faqComponents } from './faq.ts';
import { privacyComponents } from './privacy.ts';

export const COMPONENT_HANDLERS: readonly ComponentHandler[] = [ticketComponents, questionnaireComponent, faqComponents, privacyComponents];
