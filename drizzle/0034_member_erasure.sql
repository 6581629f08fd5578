-- Custom migration: a member's erasure (src/privacy/member-data.ts) may rewrite, in the ledger's
-- append-only transactions, whom a row belongs to and what its text quotes (the pseudonymous id
-- instead of the member's), never an amount, a balance, a currency, a time or whether the row
-- exists. It says so with a setting local to its transaction (cairn.erasure = 'on').
CREATE OR REPLACE FUNCTION cairn_transactions_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('cairn.erasure', true) = 'on'
     AND (to_jsonb(NEW) - 'user_id' - 'detail' - 'reason') = (to_jsonb(OLD) - 'user_id' - 'detail' - 'reason') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'transactions are append-only (% refused)', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
