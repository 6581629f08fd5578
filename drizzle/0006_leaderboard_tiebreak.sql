DROP INDEX "season_snapshots_board";--> statement-breakpoint
DROP INDEX "wallets_leaderboard";--> statement-breakpoint
CREATE INDEX "season_snapshots_board" ON "season_snapshots" USING btree ("season_id","currency_id","balance" DESC NULLS LAST,"user_id");--> statement-breakpoint
CREATE INDEX "wallets_leaderboard" ON "wallets" USING btree ("currency_id","balance" DESC NULLS LAST,"user_id");