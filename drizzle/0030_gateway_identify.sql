CREATE TABLE "gateway_identify" (
	"bucket" integer PRIMARY KEY NOT NULL,
	"free_at" timestamp with time zone NOT NULL
);
