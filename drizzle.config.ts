// drizzle-kit reads this to generate SQL migrations into drizzle/ from the schema module.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/*.ts',
  out: './drizzle',
});
