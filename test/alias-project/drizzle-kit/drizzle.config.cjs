'use strict';
// drizzle-kit's config for the alias test: the schema, the migrations folder and the database
// file come from the environment (the test runs generate, migrate and push with it).
module.exports = {
  dialect: 'sqlite',
  schema: process.env.DK_SCHEMA,
  out: process.env.DK_OUT,
  dbCredentials: { url: process.env.DK_DB ?? ':memory:' },
};
