// The AI features (Gemini, optional): audit, the message-quality signal, the cost ledger.
export * from './ai-service.ts';
export * from './audit.ts';
export * from './budget.ts';
export * from './call-log.ts';
export * from './errors.ts';
export * from './model.ts';
export * from './prices.ts';
export * from './quality.ts';
export * from './digest.ts';
